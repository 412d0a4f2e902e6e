package org.qkdv2i.zap.internal.puf;

import java.util.SplittableRandom;

import org.qkdv2i.zap.internal.fuzzy.FuzzyExtractor;

/**
 * The statistics of the emulated SRAM PUF. Cell i has a skew s_i ~ N(0,1) (its power-up
 * preference; unstable cells s_i = 0); a read gives bit 1{s_i + σ·N(0,1) &gt; 0}, i.e. 1 with
 * probability Φ(s_i/σ) — sampled that way (one 32-bit uniform per cell, the same distribution as drawing
 * the Gaussian noise). σ is solved numerically once so that the MEAN bit error rate of a read
 * against the enrolled response (per-cell majority of {@value FuzzyExtractor#ENROLMENT_READS}
 * reads) equals the configured rate at 25 °C and no ageing, unstable cells included.
 */
public final class SramModel {

    private SramModel() {
    }

    /** Standard normal CDF Φ via erfc (Numerical Recipes erfcc, fractional error &lt; 1.2e-7). */
    public static double phi(double x) {
        double z = Math.abs(x) / Math.sqrt(2);
        double t = 1 / (1 + 0.5 * z);
        double erfc = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? 1 - 0.5 * erfc : 0.5 * erfc;
    }

    /** P[majority of n reads is 1] for a cell reading 1 with probability q. */
    static double majorityOne(double q, int n) {
        double sum = 0;
        double lq = Math.log(q);
        double lp = Math.log1p(-q);
        double lc = 0; // log C(n, i), built up
        for (int i = 0; i <= n; i++) {
            if (i > 0) {
                lc += Math.log(n - i + 1) - Math.log(i);
            }
            if (2 * i > n) {
                sum += Math.exp(lc + i * lq + (n - i) * lp);
            }
        }
        return sum;
    }

    /** Probability that a fresh read of a cell with skew s differs from its enrolled (majority) bit. */
    static double mismatch(double s, double sigma, int enrolmentReads) {
        double q = phi(s / sigma);
        if (q <= 0 || q >= 1) {
            return 0;
        }
        double m = majorityOne(q, enrolmentReads);
        return m * (1 - q) + (1 - m) * q;
    }

    /** Mean mismatch over s ~ N(0,1) (Simpson's rule on [0, 8], symmetric). */
    static double meanMismatch(double sigma, int enrolmentReads) {
        int steps = 2000;
        double h = 8.0 / steps;
        double sum = 0;
        for (int i = 0; i <= steps; i++) {
            double s = i * h;
            double f = mismatch(s, sigma, enrolmentReads) * Math.exp(-s * s / 2) / Math.sqrt(2 * Math.PI);
            sum += f * (i == 0 || i == steps ? 1 : (i % 2 == 1 ? 4 : 2));
        }
        return 2 * sum * h / 3;
    }

    /**
     * The noise σ giving a mean bit error rate {@code ber} when a share {@code unstable} of the
     * cells reads 50/50 (each contributes ½).
     */
    public static double solveSigma(double ber, double unstable, int enrolmentReads) {
        // a pure function of three settings, ~30 ms of CPU (100 bisection steps of a 2,000-point
        // integral): a city of 1,050 devices with the same settings solves it once, not 1,050 times
        // (issue 8, city start-up at scale). Bounded: settings beyond the bound are solved each time.
        SigmaKey key = new SigmaKey(ber, unstable, enrolmentReads);
        Double known = SIGMAS.get(key);
        if (known != null) {
            return known;
        }
        double sigma = solve(ber, unstable, enrolmentReads);
        if (SIGMAS.size() < SIGMA_CACHE_BOUND) {
            SIGMAS.putIfAbsent(key, sigma);
        }
        return sigma;
    }

    /** σ solved so far, by settings (a memo of a pure function: the same σ whoever asks). */
    private static final java.util.Map<SigmaKey, Double> SIGMAS = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int SIGMA_CACHE_BOUND = 256;
    /** Solves actually run (a test seam: the memo works). */
    static final java.util.concurrent.atomic.AtomicLong SOLVES = new java.util.concurrent.atomic.AtomicLong();

    private record SigmaKey(double ber, double unstable, int enrolmentReads) {
    }

    private static double solve(double ber, double unstable, int enrolmentReads) {
        SOLVES.incrementAndGet();
        double stableTarget = (ber - unstable / 2) / (1 - unstable);
        if (!(stableTarget > 0)) {
            throw new IllegalArgumentException("unstableCellShare " + unstable + " alone gives a bit error rate of "
                    + unstable / 2 + ", above meanBitErrorRate " + ber);
        }
        double lo = 1e-6;
        double hi = 100;
        for (int i = 0; i < 100; i++) {
            double mid = Math.sqrt(lo * hi);
            if (meanMismatch(mid, enrolmentReads) < stableTarget) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return Math.sqrt(lo * hi);
    }

    /** Noise growth away from 25 °C (both ways, ×2 at 85 °C) and with age (+5 % a year). */
    public static double environmentFactor(double temperatureC, double ageingYears) {
        return (1 + Math.abs(temperatureC - 25) / 60) * (1 + 0.05 * Math.max(0, ageingYears));
    }

    /**
     * Per-cell probability of reading 1, Φ(s_i / σ), as a 32-bit threshold: the cell reads 1 when
     * a uniform 32-bit number is below it (resolution 2^-32, far below any rate that matters).
     */
    public static long[] oneThresholds(float[] skews, double sigma) {
        long[] t = new long[skews.length];
        for (int i = 0; i < skews.length; i++) {
            t[i] = Math.round(phi(skews[i] / sigma) * 0x1p32);
        }
        return t;
    }

    /** One read, packed little-endian (Puf#read layout); two cells per 64 random bits. */
    public static byte[] read(long[] oneThreshold, SplittableRandom random) {
        int cells = oneThreshold.length;
        byte[] out = new byte[(cells + 7) / 8];
        for (int i = 0; i < cells; i += 2) {
            long r = random.nextLong();
            int bits = (r >>> 32) < oneThreshold[i] ? 1 : 0;
            if (i + 1 < cells && (r & 0xFFFFFFFFL) < oneThreshold[i + 1]) {
                bits |= 2;
            }
            out[i >> 3] |= (byte) (bits << (i & 7));
        }
        return out;
    }

    /**
     * Fresh skews for a new device: N(0,1) (Box–Muller), a share {@code unstable} of them 0. The
     * randomness comes in one {@code nextBytes} call (three 53-bit uniforms a cell) rather than
     * two calls per cell: a SecureRandom call costs a lock and a pool read, 8,192 of them per
     * device start (issue 8); the distribution is the same.
     */
    public static float[] newSkews(int cells, double unstable, java.util.Random random) {
        byte[] bytes = new byte[24 * cells];
        random.nextBytes(bytes);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
        float[] s = new float[cells];
        for (int i = 0; i < cells; i++) {
            double u1 = ((b.getLong() >>> 11) + 1) * 0x1p-53; // (0, 1]: the log is finite
            double u2 = (b.getLong() >>> 11) * 0x1p-53;
            double u3 = (b.getLong() >>> 11) * 0x1p-53;
            double g = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
            s[i] = u3 < unstable ? 0f : (float) g;
        }
        java.util.Arrays.fill(bytes, (byte) 0);
        return s;
    }
}
