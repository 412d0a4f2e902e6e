package org.qkdv2i.qkd.postprocessing;

/** Binary Shannon entropy. */
public final class Entropy {
    private Entropy() {
    }

    /** h(p) = −p log2 p − (1−p) log2(1−p); 0 at p ≤ 0 or p ≥ 1, and h(p) = 1 for p = 1/2. */
    public static double h(double p) {
        if (!(p > 0) || p >= 1) {
            return 0;
        }
        return -(p * log2(p) + (1 - p) * log2(1 - p));
    }

    /** h(p) for the worst case of p: p clamped to [0, 1/2], so h is non-decreasing in its argument. */
    public static double hClamped(double p) {
        return h(Math.min(Math.max(p, 0), 0.5));
    }

    public static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
