package org.qkdv2i.driver.sim.fso.internal.physics;

import java.util.random.RandomGenerator;

/** Random variates the simulation needs beyond uniform and Gaussian. */
public final class Samplers {

    private Samplers() {
    }

    /** Gamma(shape, scale 1) by Marsaglia &amp; Tsang, ACM TOMS 26 (2000) 363. */
    public static double gamma(RandomGenerator rng, double shape) {
        if (shape < 1) {
            // boost: Gamma(a) = Gamma(a+1)·U^(1/a)
            return gamma(rng, shape + 1) * Math.pow(rng.nextDouble(), 1 / shape);
        }
        double d = shape - 1.0 / 3, c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x = rng.nextGaussian();
            double v = 1 + c * x;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            double u = rng.nextDouble();
            if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
                return d * v;
            }
        }
    }

    /** Below this many trials {@link #binomial} counts Bernoulli trials directly. */
    private static final long DIRECT_TRIALS = 64;

    /**
     * Binomial(n, p), exactly (no normal or Poisson approximation): Knuth's recursion through the
     * order statistics of uniforms (TAOCP vol. 2, §3.4.1 F). The a-th smallest of n uniforms,
     * a = 1 + ⌊n/2⌋, is Beta(a, n − a + 1) = G_a/(G_a + G_b) with gamma variates; the count of
     * uniforms below p is then Binomial(a − 1, p/X) if X ≥ p, or a + Binomial(n − a, (p − X)/(1 − X))
     * otherwise. Each step halves n: ≈ 2·log2(n/64) gamma variates, ≈ 1 µs for n = 10⁶.
     */
    public static long binomial(RandomGenerator rng, long n, double p) {
        if (n <= 0 || p <= 0) {
            return 0;
        }
        if (p >= 1) {
            return n;
        }
        long k = 0;
        while (n > DIRECT_TRIALS) {
            long a = 1 + n / 2, b = n - a + 1;
            double ga = gamma(rng, a), gb = gamma(rng, b);
            double x = ga / (ga + gb);
            if (x >= p) {
                n = a - 1;
                p = p / x;
            } else {
                k += a;
                n = b - 1;
                p = (p - x) / (1 - x);
            }
            if (p <= 0) {
                return k;
            }
            if (p >= 1) {
                return k + n;
            }
        }
        for (long i = 0; i < n; i++) {
            if (rng.nextDouble() < p) {
                k++;
            }
        }
        return k;
    }

    /**
     * Number of failures before the first success of a Bernoulli(p) sequence — the gap to the
     * next event of a per-pulse process — as ⌊E·scale⌋ with E ~ Exp(1) and scale = −1/ln(1 − p):
     * P(gap ≥ k) = P(E ≥ k·λ) = (1 − p)^k, exactly geometric, at the cost of one {@link #exponential}
     * (a few ns) per event rather than one random number per pulse. A gap beyond the range of long
     * saturates at {@link Long#MAX_VALUE} (p = 0 gives scale = ∞).
     */
    public static long geometricGap(RandomGenerator rng, double scale) {
        double g = exponential(rng) * scale;
        return g < 0x1.0p63 ? (long) g : Long.MAX_VALUE; // also 0·∞ = NaN, i.e. p = 0
    }

    /** The {@code scale} of {@link #geometricGap} for the per-trial probability {@code p}. */
    public static double geometricScale(double p) {
        return p <= 0 ? Double.POSITIVE_INFINITY : -1 / Math.log1p(-Math.min(p, 1 - 1e-16));
    }

    // Exp(1) by the ziggurat of Marsaglia & Tsang, J. Stat. Softw. 5(8) (2000), 256 layers, with
    // the layer from 8 random bits and the abscissa from 53 others of the same 64-bit word (the
    // paper's 32-bit version reuses the layer bits in the abscissa). ≈ 98.9 % of draws take the
    // fast path: one multiply and one compare.
    private static final int LAYERS = 256;
    private static final double ZIG_R = 7.69711747013104972; // right edge of the base layer
    private static final double ZIG_V = 3.949659822581572e-3; // area of every layer
    private static final long[] ZIG_K = new long[LAYERS];
    private static final double[] ZIG_W = new double[LAYERS];
    private static final double[] ZIG_F = new double[LAYERS];

    static {
        double m = 0x1.0p53;
        double de = ZIG_R, tde = ZIG_R;
        double q = ZIG_V / Math.exp(-de);
        ZIG_K[0] = (long) ((de / q) * m);
        ZIG_K[1] = 0;
        ZIG_W[0] = q / m;
        ZIG_W[LAYERS - 1] = de / m;
        ZIG_F[0] = 1;
        ZIG_F[LAYERS - 1] = Math.exp(-de);
        for (int i = LAYERS - 2; i >= 1; i--) {
            de = -Math.log(ZIG_V / de + Math.exp(-de));
            ZIG_K[i + 1] = (long) ((de / tde) * m);
            tde = de;
            ZIG_F[i] = Math.exp(-de);
            ZIG_W[i] = de / m;
        }
    }

    /** A standard exponential variate Exp(1). */
    public static double exponential(RandomGenerator rng) {
        long x = rng.nextLong();
        int i = (int) x & (LAYERS - 1);
        long u = x >>> 11;
        if (u < ZIG_K[i]) {
            return u * ZIG_W[i];
        }
        return exponentialSlow(rng, i, u);
    }

    private static double exponentialSlow(RandomGenerator rng, int i, long u) {
        while (true) {
            if (i == 0) {
                return ZIG_R - Math.log(1.0 - rng.nextDouble()); // the tail beyond R, memoryless
            }
            double x = u * ZIG_W[i];
            if (ZIG_F[i] + rng.nextDouble() * (ZIG_F[i - 1] - ZIG_F[i]) < Math.exp(-x)) {
                return x;
            }
            long y = rng.nextLong();
            i = (int) y & (LAYERS - 1);
            u = y >>> 11;
            if (u < ZIG_K[i]) {
                return u * ZIG_W[i];
            }
        }
    }
}
