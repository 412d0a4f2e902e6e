package org.qkdv2i.qkd.postprocessing.cascade;

import java.util.SplittableRandom;

import org.qkdv2i.qkd.postprocessing.Bits;

/**
 * The public schedule of a Cascade run: number of passes, block size per pass and the shuffle of
 * each pass (pass 1 is unshuffled, as in Brassard–Salvail). Both parties build it from the same
 * (variant, n, QBER estimate, public seed). Shuffles are public and independent of the errors, so
 * one plan may serve every block of the same length and estimate; it is immutable and thread-safe,
 * and building it is the expensive part (a random permutation of n per pass), so cache it.
 */
public final class CascadePlan {
    private static final double MIN_QBER = 1e-5;

    private final CascadeVariant variant;
    private final int n;
    private final double qber;
    private final long seed;
    private final int[] blockSize;
    private final int[] blocks;
    private final int[] treeSize;
    /**
     * perm[p][i] = original index of the i-th bit in pass p's order; null for pass 0, and null for
     * a pass of at most two blocks until someone needs it ({@link #perm(int)}): at a low QBER those
     * passes (11 of the optimised schedule's 14) end at their top-level parities, which
     * {@link #firstBlockMask} gives, so a plan kept for many blocks holds 2 shuffles instead of 13.
     */
    private final int[][] perm;
    /** inv[p][j] = position of original bit j in pass p's order; null like {@link #perm}. */
    private final int[][] inv;
    /** The shuffles of the passes left out above, once built; guarded by {@code this}. */
    private final int[][] lazyPerm, lazyInv;
    /** For passes of at most two blocks: bit j set iff original bit j lies in block 0. */
    final long[][] firstBlockMask;

    private CascadePlan(CascadeVariant variant, int n, double qber, long seed) {
        this.variant = variant;
        this.n = n;
        this.qber = qber;
        this.seed = seed;
        blockSize = schedule(variant, n, qber);
        int passes = blockSize.length;
        blocks = new int[passes];
        treeSize = new int[passes];
        perm = new int[passes][];
        inv = new int[passes][];
        firstBlockMask = new long[passes][];
        lazyPerm = new int[passes][];
        lazyInv = new int[passes][];
        for (int p = 0; p < passes; p++) {
            int k = blockSize[p];
            blocks[p] = (n + k - 1) / k;
            treeSize[p] = k == 1 ? 2 : Integer.highestOneBit(k - 1) << 2;
            if (p == 0) {
                continue;
            }
            int[] pm = shuffle(p);
            if (blocks[p] <= 2) {
                long[] mask = new long[Bits.words(n)];
                for (int i = 0; i < k; i++) {
                    Bits.flip(mask, pm[i]);
                }
                firstBlockMask[p] = mask;
            } else {
                perm[p] = pm;
                inv[p] = inverse(pm);
            }
        }
    }

    /** Pass p's shuffle, the same every time for the same seed. */
    private int[] shuffle(int p) {
        int[] pm = new int[n];
        for (int i = 0; i < n; i++) {
            pm[i] = i;
        }
        SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + p);
        for (int i = n - 1; i > 0; i--) {
            // Fisher-Yates with Lemire's multiply-shift bounded draw (bias < 2^-32; the shuffle is public)
            int j = (int) (((rnd.nextLong() >>> 32) * (i + 1L)) >>> 32);
            int t = pm[i];
            pm[i] = pm[j];
            pm[j] = t;
        }
        return pm;
    }

    private static int[] inverse(int[] pm) {
        int[] iv = new int[pm.length];
        for (int i = 0; i < pm.length; i++) {
            iv[pm[i]] = i;
        }
        return iv;
    }

    /** Pass p's shuffle (p ≥ 1), rebuilt from the seed on first use for passes of at most two blocks. */
    int[] perm(int p) {
        int[] pm = perm[p];
        if (pm == null) {
            pm = materialise(p)[0];
        }
        return pm;
    }

    /** Inverse of {@link #perm(int)}. */
    int[] inv(int p) {
        int[] iv = inv[p];
        if (iv == null) {
            iv = materialise(p)[1];
        }
        return iv;
    }

    private synchronized int[][] materialise(int p) {
        // kept apart from the constructor's arrays (safely published as final fields) and only read under the lock
        if (lazyPerm[p] == null) {
            int[] pm = shuffle(p);
            lazyInv[p] = inverse(pm);
            lazyPerm[p] = pm;
        }
        return new int[][] { lazyPerm[p], lazyInv[p] };
    }

    /**
     * Block sizes of each pass for a variant, length and QBER estimate. Two estimates with the same
     * schedule give the same plan (for the same n and seed), which is what {@link CascadePlanCache} keys on.
     */
    static int[] schedule(CascadeVariant variant, int n, double qber) {
        double q = Math.max(MIN_QBER, Math.min(0.5, qber));
        int passes = variant == CascadeVariant.ORIGINAL ? 4 : 14;
        int[] sizes = new int[passes];
        for (int p = 0; p < passes; p++) {
            long k;
            if (variant == CascadeVariant.ORIGINAL) {
                // Brassard–Salvail 1993: k1 ≈ 0.73/Q, doubling
                k = (long) Math.ceil(0.73 / q) << p;
            } else {
                // Martinez-Mateo et al. 2015, optimisation (8)
                double alpha = Math.log(1 / q) / Math.log(2) - 0.5;
                k = switch (p) {
                    case 0 -> 1L << (int) Math.ceil(alpha);
                    case 1 -> 1L << (int) Math.ceil((alpha + 12) / 2);
                    case 2 -> 4096;
                    default -> (n + 1L) / 2;
                };
            }
            sizes[p] = (int) Math.max(1, Math.min(n, k));
        }
        return sizes;
    }

    /**
     * Builds the plan.
     *
     * @param n            key length in bits
     * @param qberEstimate the estimated QBER (from parameter estimation) that sets the block sizes
     * @param publicSeed   shared public seed of the shuffles
     */
    public static CascadePlan create(CascadeVariant variant, int n, double qberEstimate, long publicSeed) {
        if (n < 1) {
            throw new IllegalArgumentException("key length must be positive");
        }
        if (!(qberEstimate >= 0 && qberEstimate < 0.5)) {
            throw new IllegalArgumentException("QBER estimate must be in [0, 0.5)");
        }
        return new CascadePlan(variant, n, qberEstimate, publicSeed);
    }

    /**
     * Bytes this plan holds on the heap now: the kept shuffles and their inverses, the lazily built
     * ones and the first-block masks (arrays only; object headers are noise at these sizes). Grows
     * when a pass of at most two blocks is materialised. For {@link CascadePlanCache}'s byte bound.
     *
     * @since 1.2
     */
    public long retainedBytes() {
        long bytes = 0;
        for (int p = 0; p < blockSize.length; p++) {
            bytes += ints(perm[p]) + ints(inv[p]);
            if (firstBlockMask[p] != null) {
                bytes += 8L * firstBlockMask[p].length;
            }
        }
        synchronized (this) {
            for (int p = 0; p < blockSize.length; p++) {
                bytes += ints(lazyPerm[p]) + ints(lazyInv[p]);
            }
        }
        return bytes + 16L * blockSize.length;
    }

    private static long ints(int[] a) {
        return a == null ? 0 : 4L * a.length;
    }

    public CascadeVariant variant() {
        return variant;
    }

    public int length() {
        return n;
    }

    public double qberEstimate() {
        return qber;
    }

    public long seed() {
        return seed;
    }

    public int passes() {
        return blockSize.length;
    }

    /** Block size of pass {@code p} (0-based). */
    public int blockSize(int p) {
        return blockSize[p];
    }

    /** Number of top-level blocks of pass {@code p}. */
    public int blocks(int p) {
        return blocks[p];
    }

    int treeSize(int p) {
        return treeSize[p];
    }

    /** The key in pass p's order, bit-packed (a copy; pass 0 is the identity). */
    long[] permute(long[] key, int p) {
        long[] out = new long[Bits.words(n)];
        if (p == 0) {
            System.arraycopy(key, 0, out, 0, out.length);
            return out;
        }
        final int[] pm = perm(p);
        int full = n >>> 6;
        for (int w = 0; w < full; w++) {
            // two independent halves per word: the loads of one overlap the other's OR chain (−20%)
            long x = 0, y = 0;
            int base = w << 6;
            for (int k = 0; k < 32; k++) {
                int j = pm[base + k], i = pm[base + 32 + k];
                x |= ((key[j >>> 6] >>> j) & 1L) << k;
                y |= ((key[i >>> 6] >>> i) & 1L) << k;
            }
            out[w] = x | (y << 32);
        }
        for (int i = full << 6; i < n; i++) {
            int j = pm[i];
            out[i >>> 6] |= ((key[j >>> 6] >>> j) & 1L) << i;
        }
        return out;
    }
}
