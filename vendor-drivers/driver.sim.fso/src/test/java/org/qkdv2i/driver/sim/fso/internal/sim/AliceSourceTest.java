package org.qkdv2i.driver.sim.fso.internal.sim;

import static org.junit.Assert.assertEquals;

import java.util.SplittableRandom;

import org.junit.Test;
import org.qkdv2i.driver.sim.fso.internal.physics.ChannelModel;
import org.qkdv2i.driver.sim.fso.internal.physics.LinkParameters;
import org.qkdv2i.driver.sim.fso.internal.physics.Weather;

/** The arrivals' class, photon number, basis and bit follow their laws (5 standard deviations). */
public class AliceSourceTest {

    @Test
    public void arrivalsHaveTheSizeBiasedPoissonPhotonNumbersAndUniformChoices() {
        LinkParameters p = LinkParameters.defaults();
        ChannelModel m = new ChannelModel(p, Weather.CLEAR, false);
        SplittableRandom rng = new SplittableRandom(21);
        AliceSource a = new AliceSource(m, EveSettings.NONE, rng.split(), ChoiceBits.seeded(22), 0);
        AliceLedger ledger = new AliceLedger(p.aliceZ(), rng.split());
        long[][] byPhotons = new long[3][5];
        long[] byClass = new long[3];
        long[] basisBit = new long[4];
        long n = 0;
        for (int b = 0; b < 400; b++) {
            QubitBatch q = a.emit(1_000_000, ledger);
            for (int i = 0; i < q.size(); i++) {
                int c = q.intensityClass(i);
                byClass[c]++;
                byPhotons[c][Math.min(4, q.photons(i))]++;
                basisBit[q.basis(i) << 1 | q.bit(i)]++;
                n++;
            }
            if (ledger.arrivals() > 1_000_000) {
                ledger.wipe();
            }
        }
        // η ≈ 1e-3: t(n) ≈ n·η, so given an arrival n − 1 is Poisson(μ_c) (size-biased Poisson)
        for (int c = 0; c < 2; c++) {
            double mu = p.intensity(c);
            long nc = byClass[c];
            for (int k = 1; k <= 3; k++) {
                double expected = Math.exp(-mu) * Math.pow(mu, k - 1) / factorial(k - 1);
                double sigma = Math.sqrt(expected * (1 - expected) / nc);
                assertEquals("class " + c + ", " + k + " photons", expected, (double) byPhotons[c][k] / nc,
                        5 * sigma + 2e-3 * expected); // + the O(η) and fading corrections
            }
        }
        // class shares ∝ p_c μ_c (the vacuum class delivers nothing)
        double norm = p.pMu() * p.mu() + p.pNu() * p.nu();
        double expectedMu = p.pMu() * p.mu() / norm;
        assertEquals(expectedMu, (double) byClass[0] / n, 5 * Math.sqrt(expectedMu * (1 - expectedMu) / n) + 1e-3);
        assertEquals(0, byClass[2]);
        for (int v = 0; v < 4; v++) {
            assertEquals("basis/bit " + v, 0.25, (double) basisBit[v] / n, 5 * Math.sqrt(0.25 * 0.75 / n));
        }
    }

    @Test
    public void biasedBasisChoicesAtBothEndsGiveTheirSharesAndTheSiftingFactor() {
        LinkParameters d = LinkParameters.defaults();
        LinkParameters p = new LinkParameters(d.wavelengthNm(), d.distanceM(), d.txApertureM(), d.rxApertureM(),
                d.divergenceRad(), d.pointingJitterRad(), d.rxFieldOfViewRad(), d.rxOpticsEfficiency(),
                d.filterBandwidthNm(), d.skyRadianceDay(), d.nightSkyFactor(), d.detectorEfficiency(),
                d.darkCountRateHz(), d.coincidenceWindowNs(), d.deadTimeNs(), d.misalignment(), d.sourceRateHz(),
                d.mu(), d.nu(), d.omega(), d.pMu(), d.pNu(), d.pOmega(), 0.8, 0.7, d.coherenceTimeMs());
        ChannelModel m = new ChannelModel(p, Weather.CLEAR, false);
        SplittableRandom rng = new SplittableRandom(23);
        AliceSource a = new AliceSource(m, EveSettings.NONE, rng.split(), ChoiceBits.seeded(24), 0);
        BobDetector bob = new BobDetector(p, rng.split());
        AliceLedger ledger = new AliceLedger(p.aliceZ(), rng.split());
        RoundTally tally = new RoundTally();
        long aliceZ = 0, arrivals = 0, bobZ = 0, clicks = 0;
        for (int b = 0; b < 300; b++) {
            QubitBatch q = a.emit(1_000_000, ledger);
            for (int i = 0; i < q.size(); i++) {
                aliceZ += q.basis(i) == 0 ? 1 : 0;
            }
            arrivals += q.size();
            BobDetections det = bob.measure(q);
            for (int i = 0; i < det.size(); i++) {
                bobZ += det.basis(i) == 0 ? 1 : 0;
            }
            clicks += det.size();
            tally.add(ledger, det);
        }
        tally.close(ledger);
        assertEquals(0.8, (double) aliceZ / arrivals, 5 * Math.sqrt(0.16 / arrivals));
        assertEquals(0.7, (double) bobZ / clicks, 5 * Math.sqrt(0.21 / clicks));
        double sift = p.siftingFactor(); // 0.8·0.7 + 0.2·0.3
        long n = tally.detectedTotal();
        assertEquals(sift, (double) tally.siftedTotal() / n, 5 * Math.sqrt(sift * (1 - sift) / n));
        assertEquals(m.qber(0), tally.qber(0), 0.003);
    }

    private static double factorial(int k) {
        double f = 1;
        for (int i = 2; i <= k; i++) {
            f *= i;
        }
        return f;
    }
}
