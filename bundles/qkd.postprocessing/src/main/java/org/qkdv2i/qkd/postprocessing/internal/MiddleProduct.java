package org.qkdv2i.qkd.postprocessing.internal;

import java.util.Arrays;
import java.util.concurrent.ForkJoinTask;

/**
 * The middle product behind Toeplitz hashing, y_i = Σ_j s[r0 + i − j + n − 1]·x_j mod 2 for rows
 * i &lt; rows ≤ m, by NTT convolution of 0/1 sequences.
 *
 * <p>The n key columns are cut into q parts of c ≤ L − m + 1 columns; part p is a Toeplitz block of
 * m rows and c columns whose middle product is read from a cyclic convolution of length L ≥ c +
 * m − 1 without wrap-around. The q products are summed in the transform domain, so one inverse
 * transform serves all parts: 2q + 1 transforms of size L (q + 1 with a reused seed transform)
 * instead of 3 of size 2^⌈log2(n + m − 1)⌉. {@link #plan} picks L and q by operation count.
 *
 * <p>Forward transforms, pointwise products and the inverse run in one depth-first recursion, so
 * a block of 2^LEAF_LOG elements is transformed, multiplied and inverse-transformed while in
 * cache; only the radix-4 stages above the leaves stream over memory. Not thread-safe.
 */
public final class MiddleProduct {
    private static final int LEAF_LOG = 12;
    private static final int P2 = 2 * Ntt.P;

    public final int n;
    public final int m;
    /** Columns per part, parts, transform length. */
    public final int c;
    public final int q;
    public final int size;
    private final Ntt ntt;
    private final long scale;
    private final int threads;
    private final int[][] keyBuf;
    private final int[][] seedBuf;

    private MiddleProduct(int n, int m, int log, int q, int threads) {
        this.n = n;
        this.m = m;
        this.q = q;
        this.c = (n + q - 1) / q;
        this.ntt = new Ntt(log);
        this.size = ntt.size();
        this.scale = ntt.outputScale();
        this.threads = threads;
        keyBuf = new int[q][size];
        seedBuf = new int[q][size];
    }

    /**
     * Chooses the transform length and number of parts with the fewest operations: per part one
     * key transform (and one seed transform unless {@code seedReused}), one pointwise product, and
     * one inverse overall.
     */
    public static MiddleProduct plan(int n, int m, boolean seedReused, int threads) {
        int bestLog = -1, bestQ = 0;
        double best = Double.MAX_VALUE;
        for (int log = 2; log <= Ntt.MAX_LOG; log++) {
            long len = 1L << log;
            if (len < m) {
                continue;
            }
            long cmax = len - m + 1;
            long q = (n + cmax - 1) / cmax;
            if (q > 64) {
                continue;
            }
            double cost = (q * (seedReused ? 1 : 2) + 1) * (len / 2.0) * log + q * len * 1.5;
            if (cost < best) {
                best = cost;
                bestLog = log;
                bestQ = (int) q;
            }
        }
        if (bestLog < 0) {
            throw new IllegalArgumentException("output of " + m + " bits too long for one NTT of 2^" + Ntt.MAX_LOG);
        }
        return new MiddleProduct(n, m, bestLog, bestQ, threads);
    }

    /** A product with a fixed transform length 2^log (the fewest parts that fit): for tests. */
    public static MiddleProduct withLog(int n, int m, int log, int threads) {
        long cmax = (1L << log) - m + 1;
        if (cmax < 1) {
            throw new IllegalArgumentException("2^" + log + " < m");
        }
        return new MiddleProduct(n, m, log, (int) ((n + cmax - 1) / cmax), threads);
    }

    /** Forward transforms of the seed parts for rows [r0, r0 + rows), into fresh arrays. */
    public int[][] transformSeed(long[] seed, int r0, int rows) {
        int[][] s = new int[q][size];
        for (int p = 0; p < q; p++) {
            unpack(seed, r0 + n - (p + 1) * c, c + rows - 1, s[p]);
            forwardAll(s[p], 0, 0, threads);
        }
        return s;
    }

    private void forwardAll(int[] a, int off, int s, int t) {
        int len = size >>> s;
        if (len <= (1 << LEAF_LOG)) {
            ntt.forwardBlock(a, off, s);
            return;
        }
        int h = len >>> 2;
        range(t, 0, h, (lo, hi) -> ntt.forward4(a, off, h, s, lo, hi));
        quarters(t, i -> forwardAll(a, off + i * h, s + 2, Math.max(1, t / 2)));
    }

    /**
     * ORs rows [r0, r0 + rows) of T(seed)·key into {@code out} at bit offset r0. {@code prepared}:
     * the seed's transforms from {@link #transformSeed} for the same r0 and rows, or null.
     */
    public void apply(long[] key, long[] seed, int[][] prepared, int r0, int rows, long[] out) {
        int[][] keys = keyBuf;
        int[][] seeds = prepared != null ? prepared : seedBuf;
        try {
            for (int p = 0; p < q; p++) {
                unpack(key, p * c, Math.min(c, n - p * c), keys[p]);
                if (prepared == null) {
                    unpack(seed, r0 + n - (p + 1) * c, c + rows - 1, seedBuf[p]);
                }
            }
            conv(keys, seeds, prepared == null, 0, 0, threads);
            int[] y = keys[0];
            for (int i = 0; i < rows; i++) {
                int bit = Ntt.mulReduce(y[i + c - 1], scale) & 1;
                int o = r0 + i;
                out[o >>> 6] |= (long) bit << o;
            }
        } finally {
            // the key's image and its products are key material
            for (int[] k : keys) {
                Arrays.fill(k, 0);
            }
        }
    }

    private void conv(int[][] keys, int[][] seeds, boolean seedForward, int off, int s, int t) {
        int len = size >>> s;
        if (len <= (1 << LEAF_LOG)) {
            for (int p = 0; p < q; p++) {
                ntt.forwardBlock(keys[p], off, s);
                if (seedForward) {
                    ntt.forwardBlock(seeds[p], off, s);
                }
            }
            pointwise(keys, seeds, off, off + len);
            ntt.inverseBlock(keys[0], off, s);
            return;
        }
        int h = len >>> 2;
        range(t, 0, h, (lo, hi) -> {
            for (int p = 0; p < q; p++) {
                ntt.forward4(keys[p], off, h, s, lo, hi);
                if (seedForward) {
                    ntt.forward4(seeds[p], off, h, s, lo, hi);
                }
            }
        });
        quarters(t, i -> conv(keys, seeds, seedForward, off + i * h, s + 2, Math.max(1, t / 2)));
        range(t, 0, h, (lo, hi) -> ntt.inverse4(keys[0], off, h, s, lo, hi));
    }

    private void pointwise(int[][] keys, int[][] seeds, int from, int to) {
        int[] y = keys[0], s0 = seeds[0];
        for (int i = from; i < to; i++) {
            y[i] = Ntt.mont(y[i], s0[i]);
        }
        for (int p = 1; p < q; p++) {
            int[] k = keys[p], sp = seeds[p];
            for (int i = from; i < to; i++) {
                int acc = y[i] + Ntt.mont(k[i], sp[i]) - P2;
                y[i] = acc + ((acc >> 31) & P2);
            }
        }
    }

    private interface RangeBody {
        void run(int lo, int hi);
    }

    private interface IndexBody {
        void run(int i);
    }

    /** body over [lo, hi), cut in two halves on two threads (recursively for t &gt; 2). */
    private static void range(int t, int lo, int hi, RangeBody body) {
        if (t <= 1 || hi - lo < 2048) {
            body.run(lo, hi);
            return;
        }
        int mid = (lo + hi) >>> 1;
        fork(() -> range(t / 2, lo, mid, body), () -> range(t - t / 2, mid, hi, body));
    }

    private static void quarters(int t, IndexBody body) {
        if (t <= 1) {
            for (int i = 0; i < 4; i++) {
                body.run(i);
            }
            return;
        }
        fork(() -> {
            body.run(0);
            body.run(1);
        }, () -> {
            body.run(2);
            body.run(3);
        });
    }

    /**
     * Runs b on the common ForkJoin pool and a here; if no pool thread has taken b by the time a
     * is done, this thread runs b itself, so a busy pool costs speed, never progress.
     */
    private static void fork(Runnable a, Runnable b) {
        ForkJoinTask<?> task = ForkJoinTask.adapt(b).fork();
        a.run();
        task.join();
    }

    /** dst[i] = bit (from + i) of bits for i &lt; len (0 where from + i &lt; 0), dst[len..] = 0. */
    static void unpack(long[] bits, int from, int len, int[] dst) {
        int i = 0;
        if (from < 0) {
            i = Math.min(len, -from);
            Arrays.fill(dst, 0, i, 0);
        }
        while (i < len) {
            int pos = from + i;
            int sh = pos & 63;
            int cnt = Math.min(64 - sh, len - i);
            long x = bits[pos >>> 6] >>> sh;
            for (int k = 0; k < cnt; k++) {
                dst[i + k] = (int) (x >>> k) & 1;
            }
            i += cnt;
        }
        Arrays.fill(dst, len, dst.length, 0);
    }
}
