package org.qkdv2i.driver.sim.fso.internal.sim;

import java.util.Objects;
import java.util.random.RandomGenerator;

import org.qkdv2i.driver.sim.fso.internal.physics.ChannelModel;
import org.qkdv2i.driver.sim.fso.internal.physics.LinkParameters;
import org.qkdv2i.driver.sim.fso.internal.physics.Samplers;

/**
 * Alice's decoy source and the atmospheric channel up to Bob's detector, one batch (one
 * turbulence coherence time) at a time.
 *
 * <p>Per batch the fading is sampled once; then the pulses that deliver a photon are drawn
 * directly: the gap to the next such pulse is geometric with the per-pulse probability
 * p = Σ_c p_c Σ_n P(n|μ_c)·t(n), so the count per class is binomial as for pulse-by-pulse
 * simulation but the cost is per arrival, not per pulse. Given an arrival, its class and photon
 * number are drawn from their posteriors; t(n) = 1 − (1 − η)^n for the honest channel
 * (Ma et al. 2005 eq. 1), or Eve's channel under photon-number splitting.
 */
public final class AliceSource {

    /** Photon numbers above this have Poisson weight below 1e-12 for μ ≤ 1; they are lumped in. */
    static final int N_MAX = 16;

    private volatile ChannelModel model;
    private volatile EveSettings eve;
    private final RandomGenerator rng;
    private long nextPulse;
    private double lastFading = 1;

    public AliceSource(ChannelModel model, EveSettings eve, RandomGenerator rng, long firstPulse) {
        this.model = Objects.requireNonNull(model, "model");
        this.eve = Objects.requireNonNull(eve, "eve");
        this.rng = Objects.requireNonNull(rng, "rng");
        this.nextPulse = firstPulse;
    }

    /** Weather or optics changed: takes effect from the next batch. */
    public void setModel(ChannelModel m) {
        this.model = Objects.requireNonNull(m, "model");
    }

    public void setEve(EveSettings e) {
        this.eve = Objects.requireNonNull(e, "eve");
    }

    public ChannelModel model() {
        return model;
    }

    public EveSettings eve() {
        return eve;
    }

    public long nextPulse() {
        return nextPulse;
    }

    /** Fading factor of the last batch (1 = mean). */
    public double lastFading() {
        return lastFading;
    }

    /**
     * Emits the next {@code pulses} pulses: records Alice's side in {@code ledger} and returns
     * what leaves her aperture and reaches Bob's detector (before any intercept-resend).
     */
    public QubitBatch emit(int pulses, AliceLedger ledger) {
        ChannelModel m = model;
        EveSettings e = eve;
        LinkParameters p = m.parameters();
        long first = nextPulse;
        nextPulse += pulses;

        double fading = m.turbulence().sample(rng);
        lastFading = fading;
        double etaBob = p.rxOpticsEfficiency() * p.detectorEfficiency();
        double eta = Math.min(1, m.eta() * fading);
        boolean blocked = e.blockFraction() > 0 && rng.nextDouble() < e.blockFraction();

        double[] t = transmission(eta, etaBob, p.mu(), e.photonNumberSplitting(), blocked);
        // per class: Poisson weights times t(n), and the arrival probability P_c
        double[][] w = new double[3][N_MAX + 1];
        double[] pc = new double[3];
        double pArrive = 0;
        double[] joint = new double[3];
        for (int c = 0; c < 3; c++) {
            double mu = p.intensity(c);
            double pn = Math.exp(-mu);
            double sum = 0;
            for (int n = 0; n <= N_MAX; n++) {
                if (n > 0) {
                    pn *= mu / n;
                }
                w[c][n] = pn * t[n];
                sum += w[c][n];
            }
            pc[c] = sum;
            joint[c] = p.classProbability(c) * sum;
            pArrive += joint[c];
        }
        double light = m.backgroundCountsPerSecond() + e.floodCps();
        QubitBatch q = new QubitBatch(first, pulses, light, (int) Math.min(1 << 20, pArrive * pulses * 1.2 + 16));
        long[] arrivalsByClass = new long[3];
        if (pArrive > 0) {
            double cum0 = joint[0] / pArrive, cum1 = (joint[0] + joint[1]) / pArrive;
            double log1m = Math.log1p(-Math.min(pArrive, 1 - 1e-16));
            long end = first + pulses;
            long idx = first + Samplers.geometricGap(rng, log1m);
            boolean evenBases = p.aliceZ() == 0.5;
            double aliceZ = p.aliceZ();
            double[] w0 = w[0], w1 = w[1], w2 = w[2];
            while (idx < end && idx >= first) {
                // one 64-bit draw feeds the class (32 bits), photon number (24 bits), bit and basis
                long x = rng.nextLong();
                double u = (x >>> 32) * 0x1.0p-32;
                int c = u < cum0 ? 0 : u < cum1 ? 1 : 2;
                double[] wc = c == 0 ? w0 : c == 1 ? w1 : w2;
                double r = ((x >>> 8) & 0xFFFFFF) * 0x1.0p-24 * pc[c];
                int n = 1;
                double acc = wc[1];
                while (acc < r && n < N_MAX) {
                    n++;
                    acc += wc[n];
                }
                int bit = (int) (x & 1);
                int basis = evenBases ? (int) (x >>> 1 & 1) : (rng.nextDouble() < aliceZ ? 0 : 1);
                q.add(idx, c, basis, bit, n);
                arrivalsByClass[c]++;
                long gap = Samplers.geometricGap(rng, log1m);
                idx = gap >= end - idx ? end : idx + 1 + gap;
            }
        }
        // classes of the pulses that delivered nothing: multinomial with posterior ∝ p_c (1 − P_c)
        long rest = pulses - q.size;
        double[] none = new double[3];
        double noneSum = 0;
        for (int c = 0; c < 3; c++) {
            none[c] = p.classProbability(c) * (1 - pc[c]);
            noneSum += none[c];
        }
        long[] counts = arrivalsByClass.clone();
        long n0 = Samplers.binomial(rng, rest, none[0] / noneSum);
        double rem = none[1] + none[2];
        long n1 = rem > 0 ? Samplers.binomial(rng, rest - n0, none[1] / rem) : 0;
        counts[0] += n0;
        counts[1] += n1;
        counts[2] += rest - n0 - n1;
        ledger.addBatch(q, counts, none[0] / noneSum, (none[0] + none[1]) / noneSum);
        return q;
    }

    /**
     * t(n): probability that a pulse of n photons delivers at least one photon into Bob's
     * detector (detector efficiency included).
     */
    static double[] transmission(double eta, double etaBob, double muSignal, boolean pns, boolean blocked) {
        double[] t = new double[N_MAX + 1];
        if (blocked) {
            return t;
        }
        for (int n = 1; n <= N_MAX; n++) {
            t[n] = -Math.expm1(n * Math.log1p(-Math.min(eta, 1 - 1e-16)));
        }
        if (!pns) {
            return t;
        }
        // Eve keeps one photon of each multi-photon pulse and forwards n − 1 over a lossless line
        // into Bob's receiver (efficiency etaBob); she tunes the single-photon throughput so that
        // Bob's signal gain matches the honest channel (Brassard et al. 2000; Lütkenhaus 2000).
        double target = 0, multi = 0, pn = Math.exp(-muSignal);
        double single = pn * muSignal * etaBob;
        for (int n = 1; n <= N_MAX; n++) {
            pn *= muSignal / n;
            target += pn * t[n];
            if (n >= 2) {
                multi += pn * -Math.expm1((n - 1) * Math.log1p(-Math.min(etaBob, 1 - 1e-16)));
            }
        }
        double[] eveT = new double[N_MAX + 1];
        double keepMulti = multi >= target ? target / multi : 1;
        double passSingle = multi >= target ? 0 : Math.min(1, (target - multi) / single);
        eveT[1] = passSingle * etaBob;
        for (int n = 2; n <= N_MAX; n++) {
            eveT[n] = keepMulti * -Math.expm1((n - 1) * Math.log1p(-Math.min(etaBob, 1 - 1e-16)));
        }
        return eveT;
    }
}
