package org.qkdv2i.driver.sim.fso.internal.sim;

import java.util.Arrays;
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
    // Per-batch scratch, reused: the city's links emit 1,000 batches per simulated second of a few
    // hundred arrivals each, so what a batch allocates and recomputes weighs as much as its arrivals.
    // emit() is synchronized (uncontended: one round's helper thread after the other), so that a helper
    // of a lost connection still emitting cannot interleave with the next connection's first round.
    private final double[] t = new double[N_MAX + 1];
    private final double[][] w = new double[3][N_MAX + 1];
    private final double[] pc = new double[3];
    private final double[] none = new double[3];
    private final long[] counts = new long[3];
    private final Posterior post = new Posterior();
    // what depends on the model only (it is immutable; a weather change sets a new one), per model
    private ChannelModel derivedFor;
    private double modelEta, modelLight;
    private final double[][] poisson = new double[3][N_MAX + 1];

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

    /**
     * A choice generator of its own for a ledger that another thread resolves ({@link ChoiceBits#fork()});
     * call it on the thread that emits.
     */
    public synchronized ChoiceBits forkChoices() {
        return choices.fork();
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
    public synchronized QubitBatch emit(int pulses, AliceLedger ledger) {
        ChannelModel m = model;
        EveSettings e = eve;
        LinkParameters p = m.parameters();
        long first = nextPulse;
        nextPulse += pulses;

        double fading = m.turbulence().sample(rng);
        lastFading = fading;
        if (m != derivedFor) {
            derive(m);
        }
        double etaBob = p.rxOpticsEfficiency() * p.detectorEfficiency();
        double eta = Math.min(1, modelEta * fading);
        boolean blocked = e.blockFraction() > 0 && rng.nextDouble() < e.blockFraction();

        double[] t = transmission(eta, etaBob, p.mu(), e.photonNumberSplitting(), blocked, this.t);
        // per class: Poisson weights times t(n), and the arrival probability P_c
        double[][] w = this.w;
        double[] pc = this.pc;
        double pArrive = 0;
        for (int c = 0; c < 3; c++) {
            double[] pn = poisson[c];
            double[] wc = w[c];
            double sum = 0;
            for (int n = 0; n <= N_MAX; n++) {
                wc[n] = pn[n] * t[n];
                sum += wc[n];
            }
            pc[c] = sum;
            pArrive += p.classProbability(c) * sum;
        }
        double light = modelLight + e.floodCps();
        // capacity 1.2·mean + 64 covers a batch's fading nearly always (it grows otherwise)
        QubitBatch q = arrays.batch(first, pulses, light, (int) Math.min(1 << 20, pArrive * pulses * 1.2 + 64));
        long[] counts = this.counts;
        counts[0] = counts[1] = counts[2] = 0;
        if (pArrive > 0) {
            Posterior post = this.post;
            post.update(p, w, pArrive);
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
            counts[0] = c0;
            counts[1] = c1;
            counts[2] = size - c0 - c1;
        }
        // classes of the pulses that delivered nothing: multinomial with posterior ∝ p_c (1 − P_c)
        long rest = pulses - q.size;
        double[] none = this.none;
        double noneSum = 0;
        for (int c = 0; c < 3; c++) {
            none[c] = p.classProbability(c) * (1 - pc[c]);
            noneSum += none[c];
        }
        long n0 = Samplers.binomial(rng, rest, none[0] / noneSum);
        double rem = none[1] + none[2];
        long n1 = rem > 0 ? Samplers.binomial(rng, rest - n0, none[1] / rem) : 0;
        counts[0] += n0;
        counts[1] += n1;
        counts[2] += rest - n0 - n1;
        ledger.addBatch(q, counts, none[0] / noneSum, (none[0] + none[1]) / noneSum, choices, arrays);
        return q;
    }

    /** The model's mean η, background light and the Poisson weights P(n|μ_c), once per model. */
    private void derive(ChannelModel m) {
        LinkParameters p = m.parameters();
        modelEta = m.eta();
        modelLight = m.backgroundCountsPerSecond();
        for (int c = 0; c < 3; c++) {
            double mu = p.intensity(c);
            double pn = Math.exp(-mu);
            for (int n = 0; n <= N_MAX; n++) {
                if (n > 0) {
                    pn *= mu / n;
                }
                poisson[c][n] = pn;
            }
        }
        derivedFor = m;
    }

    /**
     * The joint posterior of (class c, photon number n) given that a pulse delivered a photon,
     * P(c, n | arrival) = p_c·P(n|μ_c)·t(n) / P_arrive, as cumulative thresholds on a 32-bit
     * uniform (resolution 2^−32), most probable first, with a guide table on the top 8 bits
     * (Chen &amp; Asau 1974) so that the search usually starts at the answer. One object per source,
     * refilled per batch.
     */
    private static final class Posterior {
        /** Cumulative thresholds and packed states of the first {@code k} entries, most probable first. */
        final long[] thresholds = new long[3 * N_MAX];
        final byte[] states = new byte[3 * N_MAX];
        final int[] guide = new int[256];
        // entries in the fixed (class, photon number) order, and the last batch's descending order of them
        private final double[] prob = new double[3 * N_MAX];
        private final int[] key = new int[3 * N_MAX];
        private final int[] rank = new int[3 * N_MAX];
        private final double[] sortedProb = new double[3 * N_MAX];
        private final int[] sortedKey = new int[3 * N_MAX];
        private int k;
        private int lastK = -1;

        void update(LinkParameters p, double[][] w, double pArrive) {
            int k = 0;
            for (int c = 0; c < 3; c++) {
                double pClass = p.classProbability(c);
                for (int n = 1; n <= N_MAX; n++) {
                    double v = pClass * w[c][n] / pArrive;
                    if (v > 0) {
                        prob[k] = v;
                        key[k] = c << 8 | n;
                        k++;
                    }
                }
            }
            this.k = k;
            if (!sortFromLastOrder(k)) {
                selectionSort(k);
            }
            long[] thresholds = this.thresholds;
            double cum = 0;
            for (int i = 0; i < k; i++) {
                cum += sortedProb[i];
                thresholds[i] = Math.min(1L << 32, Math.round(cum * 0x1.0p32));
                states[i] = (byte) QubitBatch.pack(sortedKey[i] >> 8, 0, 0, sortedKey[i] & 0xFF);
            }
            thresholds[k - 1] = 1L << 32; // every 32-bit uniform lands somewhere
            for (int g = 0, e = 0; g < 256; g++) {
                while (thresholds[e] <= (long) g << 24) {
                    e++;
                }
                guide[g] = e; // first entry whose interval reaches into cell g
            }
        }

        /**
         * The fading moves every probability by a similar factor, so the descending order rarely changes
         * between batches: insertion sort from the last batch's order, O(k) when it holds. Distinct
         * values have one descending order, the one the selection sort below gives; with a tie (or a
         * different set of entries) that order depends on the sort, so the caller falls back to it.
         */
        private boolean sortFromLastOrder(int k) {
            if (k != lastK) {
                return false;
            }
            int[] rank = this.rank;
            double[] sp = sortedProb;
            int[] sk = sortedKey;
            for (int i = 0; i < k; i++) {
                int r = rank[i];
                double v = prob[r];
                int kv = key[r];
                int j = i - 1;
                while (j >= 0 && sp[j] < v) {
                    sp[j + 1] = sp[j];
                    sk[j + 1] = sk[j];
                    rank[j + 1] = rank[j];
                    j--;
                }
                if (j >= 0 && sp[j] == v) {
                    return false; // a tie: the order is the selection sort's
                }
                sp[j + 1] = v;
                sk[j + 1] = kv;
                rank[j + 1] = r;
            }
            return true;
        }

        /** Selection sort of ≤ 48 entries by descending probability (the reference order). */
        private void selectionSort(int k) {
            double[] sp = sortedProb;
            int[] sk = sortedKey;
            int[] rank = this.rank;
            System.arraycopy(prob, 0, sp, 0, k);
            System.arraycopy(key, 0, sk, 0, k);
            for (int i = 0; i < k; i++) {
                rank[i] = i;
            }
            for (int i = 0; i < k; i++) {
                int best = i;
                for (int j = i + 1; j < k; j++) {
                    if (sp[j] > sp[best]) {
                        best = j;
                    }
                }
                double tp = sp[i];
                sp[i] = sp[best];
                sp[best] = tp;
                int to = sk[i];
                sk[i] = sk[best];
                sk[best] = to;
                int tr = rank[i];
                rank[i] = rank[best];
                rank[best] = tr;
            }
            lastK = k;
        }
    }

    /**
     * t(n): probability that a pulse of n photons delivers at least one photon into Bob's
     * detector (detector efficiency included).
     */
    static double[] transmission(double eta, double etaBob, double muSignal, boolean pns, boolean blocked) {
        return transmission(eta, etaBob, muSignal, pns, blocked, new double[N_MAX + 1]);
    }

    /** The same into {@code t} (N_MAX + 1 entries, overwritten); returns t, or a new array under photon-number splitting. */
    static double[] transmission(double eta, double etaBob, double muSignal, boolean pns, boolean blocked, double[] t) {
        if (blocked) {
            Arrays.fill(t, 0);
            return t;
        }
        t[0] = 0;
        double logMiss = Math.log1p(-Math.min(eta, 1 - 1e-16)); // ln(1 − η): the same for every n
        for (int n = 1; n <= N_MAX; n++) {
            t[n] = -Math.expm1(n * logMiss);
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
