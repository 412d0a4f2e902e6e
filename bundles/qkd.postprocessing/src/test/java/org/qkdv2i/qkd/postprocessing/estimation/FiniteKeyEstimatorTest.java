package org.qkdv2i.qkd.postprocessing.estimation;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

/** Finite-key bounds of Lim, Curty, Walenta, Xu, Zbinden, PRA 89, 022307 (2014). */
public class FiniteKeyEstimatorTest {
    private static final FiniteKeyParameters P = FiniteKeyParameters.of(0.5, 0.1, 0.0002, 0.8, 0.15, 0.05);
    private static final double ETA = 0.045 * Math.pow(10, -0.2 * 50 / 10), Y0 = 1e-6, EDET = 0.01;

    private static FiniteKeyResult at(double pulses, boolean finite) {
        FiniteKeyStatistics s = FiniteKeyStatistics.expected(P, pulses, 0.9, ETA, Y0, EDET);
        double leak = FiniteKeyEstimator.leakEstimate(s.keyTotal(), ChannelModel.qber(ETA, Y0, EDET, 0.5), 1.1);
        return finite ? FiniteKeyEstimator.estimate(P, s, leak) : FiniteKeyEstimator.asymptotic(P, s, leak);
    }

    @Test
    public void tinyBlocksGiveNoKey() {
        assertEquals(0, at(1e6, true).secretLength());
        assertEquals(0, at(1e8, true).secretLength());
        assertTrue(at(1e8, false).secretLength() > 0); // the asymptotic formula would have promised key
    }

    @Test
    public void keyPerPulseGrowsTowardTheAsymptoticRate() {
        double prev = 0;
        double asym = at(1e14, false).secretLength() / 1e14;
        for (double n = 1e10; n <= 1e14; n *= 10) {
            double rate = at(n, true).secretLength() / n;
            assertTrue("rate grows with block size at " + n, rate >= prev);
            assertTrue("never above the asymptotic rate", rate <= asym * 1.0001);
            prev = rate;
        }
        assertTrue("within 5% of asymptotic at 1e14 pulses: " + prev / asym, prev / asym > 0.95);
    }

    @Test
    public void boundsAreConservativeAgainstTheTrueChannel() {
        FiniteKeyStatistics s = FiniteKeyStatistics.expected(P, 1e12, 0.9, ETA, Y0, EDET);
        FiniteKeyResult r = FiniteKeyEstimator.estimate(P, s, 0);
        // expected single-photon detections in the key basis: N q^2 tau_1 Y1
        double trueS1 = 1e12 * 0.81 * FiniteKeyEstimator.tau(P, 1) * ChannelModel.y1(ETA, Y0);
        assertTrue(r.s1Key() <= trueS1);
        assertTrue(r.s1Key() > 0.9 * trueS1);
        assertTrue(r.phaseError() >= ChannelModel.e1(ETA, Y0, EDET));
        assertTrue(r.phaseError() <= 0.5);
    }

    @Test
    public void gammaShrinksWithSampleSize() {
        double g1 = FiniteKeyEstimator.gamma(1e-9, 0.02, 1e4, 1e5);
        double g2 = FiniteKeyEstimator.gamma(1e-9, 0.02, 1e6, 1e7);
        assertTrue(g1 > g2 && g2 > 0);
    }

    @Test
    public void leakReducesTheLengthBitForBit() {
        FiniteKeyStatistics s = FiniteKeyStatistics.expected(P, 1e12, 0.9, ETA, Y0, EDET);
        long a = FiniteKeyEstimator.estimate(P, s, 1000).secretLength();
        long b = FiniteKeyEstimator.estimate(P, s, 2000).secretLength();
        assertEquals(1000, a - b, 1);
    }
}
