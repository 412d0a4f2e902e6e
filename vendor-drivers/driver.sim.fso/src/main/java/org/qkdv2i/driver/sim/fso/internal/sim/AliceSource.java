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
    private final ChoiceBits choices;
    private final BatchArrays arrays = new BatchArrays();
    private long nextPulse;
    private double lastFading = 1;

    /** Alice's bits and bases from a CTR_DRBG seeded by the platform ({@link ChoiceBits#fromSystemEntropy()}). */
    public AliceSource(ChannelModel model, EveSettings eve, RandomGenerator rng, long firstPulse) {
        this(model, eve, rng, ChoiceBits.fromSystemEntropy(), firstPulse);
    }

    /**
     * @param rng     the channel emulation's randomness (fading, arrival positions, class and photon
     *                number posteriors): physics, not key
     * @param choices Alice's bit and basis choices: key material
     */
    public AliceSource(ChannelModel model, EveSettings eve, RandomGenerator rng, ChoiceBits choices, long firstPulse) {
        this.model = Objects.requireNonNull(model, "model");
        this.eve = Objects.requireNonNull(eve, "eve");
        this.rng = Objects.requireNonNull(rng, "rng");
        this.choices = Objects.requireNonNull(choices, "choices");
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
            pArrive += p.classProbability(c) * sum;
        }
        double light = m.backgroundCountsPerSecond() + e.floodCps();
        // capacity 1.2·mean + 64 covers a batch's fading nearly always (it grows otherwise)
        QubitBatch q = arrays.batch(first, pulses, light, (int) Math.min(1 << 20, pArrive * pulses * 1.2 + 64));
        long[] arrivalsByClass = new long[3];
        if (pArrive > 0) {
            Posterior post = new Posterior(p, w, pArrive);
            long[] thr = post.thresholds;
            byte[] st = post.states;
            int[] guide = post.guide;
            // geometric gaps (Samplers.geometricGap): exact, and no logarithm per arrival
            double scale = Samplers.geometricScale(pArrive);
            long end = first + pulses;
            long gap0 = Samplers.geometricGap(rng, scale);
            long idx = gap0 >= pulses ? end : first + gap0;
            boolean evenBases = p.aliceZ() == 0.5;
            long zThreshold = (long) Math.ceil(p.aliceZ() * 0x1.0p32);
            // the loop keeps the batch's arrays, its size and Alice's unused choice bits in locals
            long[] qIndex = q.index;
            byte[] qState = q.state;
            int size = 0;
            long choiceBits = 0;
            int choiceLeft = 0;
            long c0 = 0, c1 = 0;
            while (idx < end) {
                // class and photon number jointly from their posterior given an arrival: 32 bits of one draw
                long u = rng.nextLong() >>> 32;
                int k = guide[(int) (u >>> 24)];
                while (u >= thr[k]) {
                    k++;
                }
                int s = st[k];
                // bit and basis: key material, from the DRBG, two bits per arrival (one word per 32)
                if (choiceLeft == 0) {
                    choiceBits = choices.nextLong();
                    choiceLeft = 32;
                }
                int bit = (int) choiceBits & 1;
                int basis = evenBases ? (int) (choiceBits >>> 1) & 1
                        : (choices.nextLong() >>> 32) < zThreshold ? 0 : 1;
                choiceBits >>>= 2;
                choiceLeft--;
                if (size == qIndex.length) {
                    q.size = size;
                    q.grow();
                    qIndex = q.index;
                    qState = q.state;
                }
                qIndex[size] = idx;
                qState[size] = (byte) (s | basis << QubitBatch.BASIS_SHIFT | bit << QubitBatch.BIT_SHIFT);
                size++;
                int c = s & 3;
                c0 += c == 0 ? 1 : 0;
                c1 += c == 1 ? 1 : 0;
                long gap = Samplers.geometricGap(rng, scale);
                idx = gap >= end - idx - 1 ? end : idx + 1 + gap;
            }
            q.size = size;
            arrivalsByClass[0] = c0;
            arrivalsByClass[1] = c1;
            arrivalsByClass[2] = size - c0 - c1;
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
        ledger.addBatch(q, counts, none[0] / noneSum, (none[0] + none[1]) / noneSum, choices, arrays);
        return q;
    }

    /**
     * The joint posterior of (class c, photon number n) given that a pulse delivered a photon,
     * P(c, n | arrival) = p_c·P(n|μ_c)·t(n) / P_arrive, as cumulative thresholds on a 32-bit
     * uniform (resolution 2^−32), most probable first, with a guide table on the top 8 bits
     * (Chen &amp; Asau 1974) so that the search usually starts at the answer.
     */
    private static final class Posterior {
        final long[] thresholds;
        final byte[] states;
        final int[] guide = new int[256];

        Posterior(LinkParameters p, double[][] w, double pArrive) {
            int[] order = new int[3 * N_MAX];
            double[] prob = new double[3 * N_MAX];
            int k = 0;
            for (int c = 0; c < 3; c++) {
                for (int n = 1; n <= N_MAX; n++) {
                    double v = p.classProbability(c) * w[c][n] / pArrive;
                    if (v > 0) {
                        prob[k] = v;
                        order[k] = c << 8 | n;
                        k++;
                    }
                }
            }
            // selection sort of ≤ 48 entries by descending probability, once per batch
            for (int i = 0; i < k; i++) {
                int best = i;
                for (int j = i + 1; j < k; j++) {
                    if (prob[j] > prob[best]) {
                        best = j;
                    }
                }
                double tp = prob[i];
                prob[i] = prob[best];
                prob[best] = tp;
                int to = order[i];
                order[i] = order[best];
                order[best] = to;
            }
            thresholds = new long[k];
            states = new byte[k];
            double cum = 0;
            for (int i = 0; i < k; i++) {
                cum += prob[i];
                thresholds[i] = Math.min(1L << 32, Math.round(cum * 0x1.0p32));
                states[i] = (byte) QubitBatch.pack(order[i] >> 8, 0, 0, order[i] & 0xFF);
            }
            thresholds[k - 1] = 1L << 32; // every 32-bit uniform lands somewhere
            for (int g = 0, e = 0; g < 256; g++) {
                while (thresholds[e] <= (long) g << 24) {
                    e++;
                }
                guide[g] = e; // first entry whose interval reaches into cell g
            }
        }
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
