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

    /** Poisson(mean): inversion for small means, Gaussian approximation with continuity correction above 500. */
    public static long poisson(RandomGenerator rng, double mean) {
        if (mean <= 0) {
            return 0;
        }
        if (mean > 500) {
            return Math.max(0, Math.round(mean + Math.sqrt(mean) * rng.nextGaussian()));
        }
        double l = Math.exp(-mean), p = 1;
        long k = 0;
        do {
            k++;
            p *= rng.nextDouble();
        } while (p > l);
        return k - 1;
    }

    /** Binomial(n, p): exact for small n·p, normal approximation when n·p·(1−p) is large. */
    public static long binomial(RandomGenerator rng, long n, double p) {
        if (n <= 0 || p <= 0) {
            return 0;
        }
        if (p >= 1) {
            return n;
        }
        double var = n * p * (1 - p);
        if (var > 1000) {
            return Math.max(0, Math.min(n, Math.round(n * p + Math.sqrt(var) * rng.nextGaussian())));
        }
        if (n * p < 50 && n > 1000) {
            return Math.min(n, poisson(rng, n * p)); // Poisson limit of rare events
        }
        long k = 0;
        for (long i = 0; i < n; i++) {
            if (rng.nextDouble() < p) {
                k++;
            }
        }
        return k;
    }

    /**
     * Number of failures before the first success of a Bernoulli(p) sequence: the gap to the
     * next event of a per-pulse process. Drawing gaps is exact and costs one logarithm per
     * event rather than one random number per pulse.
     */
    public static long geometricGap(RandomGenerator rng, double log1mP) {
        if (log1mP == Double.NEGATIVE_INFINITY) {
            return 0; // p = 1
        }
        if (log1mP == 0) {
            return Long.MAX_VALUE; // p = 0
        }
        // Math.log is an intrinsic, log1p is not: 1 − U is in (0, 1], exact enough for the gap
        double g = Math.floor(Math.log(1.0 - rng.nextDouble()) / log1mP);
        return g >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) g;
    }
}
