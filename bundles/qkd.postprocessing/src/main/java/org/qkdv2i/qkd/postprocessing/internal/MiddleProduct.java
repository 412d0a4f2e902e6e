package org.qkdv2i.qkd.postprocessing.internal;

import java.util.Arrays;
import java.util.concurrent.ForkJoinTask;
import java.util.function.IntFunction;

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
 * <p>The second half of the forward transforms, the pointwise products and the first half of the
 * inverse run one column chunk after the other (chunks of at most 16 MiB: see {@link Ntt}), so a
 * chunk is multiplied and inverse-transformed while it is still in cache. With threads &gt; 1 the
 * chunks of every pass are shared between the caller and the common ForkJoin pool. Not
 * thread-safe.
 */
public final class MiddleProduct {
    public final int n;
    public final int m;
    /** Columns per part, parts, transform length. */
    public final int c;
    public final int q;
    public final int size;
    private final Ntt ntt;
    private final int threads;
    /** Working buffers, allocated at first use and dropped by {@link #releaseBuffers()}. */
    private int[][] rowBuf;
    private int[][] keyT;
    private int[][] seedT;
    private int[][] seedQ;
    private int[][] acc;

    private MiddleProduct(int n, int m, int log, int q, int threads, IntFunction<Ntt> tables) {
        this.n = n;
        this.m = m;
        this.q = q;
        this.c = (n + q - 1) / q;
        this.ntt = tables.apply(log);
        this.size = ntt.size();
        this.threads = threads;
        buffers();
    }

    private void buffers() {
        if (rowBuf == null) {
            rowBuf = new int[ntt.rows][ntt.cols];
            keyT = new int[ntt.cols][ntt.rows];
            seedT = new int[ntt.cols][ntt.rows];
            seedQ = new int[ntt.cols][ntt.rows];
            acc = q > 1 ? new int[ntt.cols][ntt.rows] : keyT;
        }
    }

    /**
     * Drops the working buffers (they hold no key material between calls: {@link #apply} zeroises
     * the key's image and products); the next call allocates fresh ones. The tables stay.
     */
    public void releaseBuffers() {
        rowBuf = keyT = seedT = seedQ = acc = null;
    }

    /**
     * Chooses the transform length and number of parts with the fewest operations: per part one
     * key transform (and one seed transform unless {@code seedReused}), one pointwise product, and
     * one inverse overall.
     */
    public static MiddleProduct plan(int n, int m, boolean seedReused, int threads) {
        return plan(n, m, seedReused, threads, Ntt::new);
    }

    /**
     * As {@link #plan(int, int, boolean, int)} on NTT tables from {@code tables} (by log2 of the
     * transform length): tables are immutable and public, so one set may serve many products.
     */
    public static MiddleProduct plan(int n, int m, boolean seedReused, int threads, IntFunction<Ntt> tables) {
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
            // ns on this machine's scale: butterflies 0.25 (slower once the data outgrows the
            // caches), transpose + twiddle + unpack 1.5 per element and transform, pointwise 0.3
            // per element and part, and 0.4 for the seed transform's Shoup quotients
            int transforms = (int) q * (seedReused ? 1 : 2) + 1;
            double bf = 0.25 * Math.pow(1.25, Math.max(0, log - 20));
            double cost = transforms * (len / 2.0 * log * bf + 1.5 * len) + q * len * (seedReused ? 0.3 : 0.7);
            if (cost < best) {
                best = cost;
                bestLog = log;
                bestQ = (int) q;
            }
        }
        if (bestLog < 0) {
            throw new IllegalArgumentException("output of " + m + " bits too long for one NTT of 2^" + Ntt.MAX_LOG);
        }
        return new MiddleProduct(n, m, bestLog, bestQ, threads, tables);
    }

    /** A product with a fixed transform length 2^log (the fewest parts that fit): for tests. */
    public static MiddleProduct withLog(int n, int m, int log, int threads) {
        long cmax = (1L << log) - m + 1;
        if (cmax < 1) {
            throw new IllegalArgumentException("2^" + log + " < m");
        }
        return new MiddleProduct(n, m, log, (int) ((n + cmax - 1) / cmax), threads, Ntt::new);
    }

    /** Heap held by this product's tables and buffers, bytes (for a pool's byte bound). */
    public long retainedBytes() {
        long buffers = rowBuf == null ? 0 : (q > 1 ? 5L : 4L) * 4L * size;
        return buffers + ntt.retainedBytes();
    }

    /** The transform length's log2 (the key of shared tables). */
    public int log() {
        return ntt.log();
    }

    /** A seed's transforms, one per key part: values below P and their Shoup quotients. */
    public static final class SeedTransform {
        final int[][][] values;
        final int[][][] quotients;

        SeedTransform(int[][][] values, int[][][] quotients) {
            this.values = values;
            this.quotients = quotients;
        }
    }

    /** Forward transforms of the seed parts for rows [r0, r0 + rows). */
    public SeedTransform transformSeed(long[] seed, int r0, int rows) {
        buffers();
        int[][][] v = new int[q][ntt.cols][ntt.rows], w = new int[q][ntt.cols][ntt.rows];
        for (int p = 0; p < q; p++) {
            int[][] sp = v[p], sq = w[p];
            unpackRows(seed, r0 + n - (p + 1) * c, c + rows - 1, rowBuf);
            chunks(ntt.cols, ntt.rowChunk(), (lo, hi) -> ntt.forwardRows(rowBuf, sp, lo, hi));
            chunks(ntt.rows, ntt.colChunk(), (lo, hi) -> {
                ntt.forwardCols(sp, lo, hi);
                for (int k = 0; k < ntt.cols; k++) {
                    Ntt.shoupQuotients(sp[k], sq[k], lo, hi);
                }
            });
        }
        return new SeedTransform(v, w);
    }

    /**
     * ORs rows [r0, r0 + rows) of T(seed)·key into {@code out} at bit offset r0. {@code prepared}:
     * the seed's transforms from {@link #transformSeed} for the same r0 and rows, or null.
     */
    public void apply(long[] key, long[] seed, SeedTransform prepared, int r0, int rows, long[] out) {
        buffers();
        try {
            for (int p = 0; p < q; p++) {
                boolean first = p == 0, last = p == q - 1;
                unpackRows(key, p * c, Math.min(c, n - p * c), rowBuf);
                chunks(ntt.cols, ntt.rowChunk(), (lo, hi) -> ntt.forwardRows(rowBuf, keyT, lo, hi));
                int[][] sv, sq;
                if (prepared == null) {
                    unpackRows(seed, r0 + n - (p + 1) * c, c + rows - 1, rowBuf);
                    chunks(ntt.cols, ntt.rowChunk(), (lo, hi) -> ntt.forwardRows(rowBuf, seedT, lo, hi));
                    sv = seedT;
                    sq = seedQ;
                } else {
                    sv = prepared.values[p];
                    sq = prepared.quotients[p];
                }
                chunks(ntt.rows, ntt.colChunk(), (lo, hi) -> {
                    ntt.forwardCols(keyT, lo, hi);
                    if (prepared == null) {
                        ntt.forwardCols(seedT, lo, hi);
                        for (int k = 0; k < ntt.cols; k++) {
                            Ntt.shoupQuotients(seedT[k], seedQ[k], lo, hi);
                        }
                    }
                    for (int k = 0; k < ntt.cols; k++) {
                        Ntt.pointwise(acc[k], keyT[k], sv[k], sq[k], lo, hi, first);
                    }
                    if (last) {
                        ntt.inverseCols(acc, rowBuf, lo, hi);
                    }
                });
            }
            chunks(ntt.cols, ntt.rowChunk(), (lo, hi) -> ntt.inverseRows(rowBuf, lo, hi));
            int cols = ntt.cols, shift = Integer.numberOfTrailingZeros(cols);
            for (int i = 0; i < rows; i++) {
                int k = i + c - 1;
                int bit = ntt.finish(rowBuf[k >>> shift][k & (cols - 1)]) & 1;
                int o = r0 + i;
                out[o >>> 6] |= (long) bit << o;
            }
        } finally {
            // the key's image and its products are key material
            for (int[][] buf : new int[][][] {rowBuf, keyT, acc}) {
                for (int[] a : buf) {
                    Arrays.fill(a, 0);
                }
            }
        }
    }

    private interface RangeBody {
        void run(int lo, int hi);
    }

    /** body over [0, len) in chunks of {@code width}, the chunks shared among the threads. */
    private void chunks(int len, int width, RangeBody body) {
        if (threads > 1) {
            width = Math.max(16, Math.min(width, (len + threads - 1) / threads));
        }
        int w = width;
        int count = (len + width - 1) / width;
        split(threads, 0, count, (a, b) -> {
            for (int k = a; k < b; k++) {
                body.run(k * w, Math.min(len, (k + 1) * w));
            }
        });
    }

    private static void split(int t, int lo, int hi, RangeBody body) {
        if (t <= 1 || hi - lo < 2) {
            body.run(lo, hi);
            return;
        }
        int mid = (lo + hi) >>> 1;
        fork(() -> split(t / 2, lo, mid, body), () -> split(t - t / 2, mid, hi, body));
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

    /** Element i of the rows × cols matrix m (row-major) = bit (from + i) for i &lt; len, else 0. */
    private static void unpackRows(long[] bits, int from, int len, int[][] m) {
        int cols = m[0].length;
        for (int r = 0; r < m.length; r++) {
            int start = r * cols;
            unpack(bits, from + start, Math.max(0, Math.min(cols, len - start)), m[r]);
        }
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
