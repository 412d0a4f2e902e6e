package org.qkdv2i.qkd.postprocessing.hash;

import org.qkdv2i.qkd.postprocessing.Bits;
import org.qkdv2i.qkd.postprocessing.internal.MiddleProduct;

/**
 * Privacy amplification by Toeplitz hashing: y = T·x over GF(2), T the m×n Toeplitz matrix with
 * T[i][j] = s[i − j + n − 1] for a public random seed s of n + m − 1 bits (a 2-universal family;
 * leftover hash lemma). Row i of the product is the GF(2) reduction of the integer convolution
 * (s ∗ x)[i + n − 1] — the "middle product" of the two 0/1 sequences — computed exactly by NTT
 * modulo 469762049 (= 7·2^26 + 1; every convolution sum is ≤ n &lt; p) in O(n log n): the key is cut
 * into q column parts so that one cyclic convolution of length L ≥ n/q + m − 1 per part has no
 * wrap-around in the rows read, and the parts' products are summed before one inverse transform.
 *
 * <p>An instance owns its buffers for one (n, m) and its twiddle tables, or shares the tables when
 * it comes from a {@link ToeplitzPool}: reuse it for blocks of the same size; not thread-safe, use
 * one per thread. {@link #prepare} transforms a seed once for several
 * keys. With {@code threads} &gt; 1 the large transform stages and sub-transforms are split between
 * the calling thread and the common ForkJoin pool. The static {@link #hash} builds an instance per
 * call.
 */
public final class ToeplitzHash {
    /** Rows per NTT product: an output longer than this is computed in row slices (each a Toeplitz hash). */
    static final int MAX_ROWS = 1 << 25;

    private final int n;
    private final int m;
    private final int rowsPerSlice;
    private final MiddleProduct mp;

    public ToeplitzHash(int n, int m) {
        this(n, m, 1);
    }

    /**
     * @param threads threads working on one hash (1: the calling thread only; more: the calling
     *        thread plus tasks on {@link java.util.concurrent.ForkJoinPool#commonPool()})
     * @since 1.1
     */
    public ToeplitzHash(int n, int m, int threads) {
        this(n, m, threads, MAX_ROWS);
    }

    ToeplitzHash(int n, int m, int threads, int maxRows) {
        this(n, m, threads, maxRows, org.qkdv2i.qkd.postprocessing.internal.Ntt::new);
    }

    /** On NTT tables from {@code tables} (by log2 of the transform length), e.g. a {@link ToeplitzPool}'s shared ones. */
    ToeplitzHash(int n, int m, int threads, int maxRows, java.util.function.IntFunction<org.qkdv2i.qkd.postprocessing.internal.Ntt> tables) {
        if (n < 1 || m < 1 || m > n) {
            throw new IllegalArgumentException("need 1 <= m <= n");
        }
        if ((long) n + m - 1 > (1 << 27)) {
            throw new IllegalArgumentException("n + m - 1 exceeds 2^27");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
        this.n = n;
        this.m = m;
        this.rowsPerSlice = Math.min(m, maxRows);
        this.mp = MiddleProduct.plan(n, rowsPerSlice, false, threads, tables);
    }

    /** Seed length in bits for an n-bit input and m-bit output: n + m − 1. */
    public static int seedBits(int n, int m) {
        return n + m - 1;
    }

    public int inputBits() {
        return n;
    }

    public int outputBits() {
        return m;
    }

    /**
     * Heap held by this instance (NTT tables and working buffers), bytes.
     *
     * @since 1.2
     */
    public long retainedBytes() {
        return mp.retainedBytes();
    }

    /** Drops the working buffers (zero between calls); the next call allocates fresh ones. */
    void releaseBuffers() {
        mp.releaseBuffers();
    }

    /** y = T(seed)·key; {@code key} holds n bits, {@code seed} n + m − 1 bits; returns m bits. */
    public long[] apply(long[] key, long[] seed) {
        checkKey(key);
        checkSeed(seed);
        long[] out = new long[Bits.words(m)];
        for (int r0 = 0; r0 < m; r0 += rowsPerSlice) {
            mp.apply(key, seed, null, r0, Math.min(rowsPerSlice, m - r0), out);
        }
        return out;
    }

    /**
     * The seed's transforms, computed once, for hashing several keys with the same seed: two NTTs
     * per key instead of three. The result uses this instance's buffers (same threading rules).
     *
     * @since 1.1
     */
    public Prepared prepare(long[] seed) {
        checkSeed(seed);
        int slices = (m + rowsPerSlice - 1) / rowsPerSlice;
        MiddleProduct.SeedTransform[] t = new MiddleProduct.SeedTransform[slices];
        for (int k = 0; k < slices; k++) {
            int r0 = k * rowsPerSlice;
            t[k] = mp.transformSeed(seed, r0, Math.min(rowsPerSlice, m - r0));
        }
        return new Prepared(t);
    }

    /**
     * A seed transformed by {@link ToeplitzHash#prepare}: {@link #apply} hashes a key with it.
     *
     * @since 1.1
     */
    public final class Prepared {
        private final MiddleProduct.SeedTransform[] seedTransforms;

        private Prepared(MiddleProduct.SeedTransform[] seedTransforms) {
            this.seedTransforms = seedTransforms;
        }

        /** y = T(seed)·key for the prepared seed; {@code key} holds n bits; returns m bits. */
        public long[] apply(long[] key) {
            checkKey(key);
            long[] out = new long[Bits.words(m)];
            for (int k = 0; k < seedTransforms.length; k++) {
                int r0 = k * rowsPerSlice;
                mp.apply(key, null, seedTransforms[k], r0, Math.min(rowsPerSlice, m - r0), out);
            }
            return out;
        }
    }

    private void checkKey(long[] key) {
        if (key.length < Bits.words(n)) {
            throw new IllegalArgumentException("key needs " + n + " bits");
        }
    }

    private void checkSeed(long[] seed) {
        if (seed.length < Bits.words(n + m - 1)) {
            throw new IllegalArgumentException("seed needs " + (n + m - 1) + " bits");
        }
    }

    /** One-shot NTT Toeplitz hash (allocates tables; prefer an instance for repeated use). */
    public static long[] hash(long[] key, int n, long[] seed, int m) {
        return new ToeplitzHash(n, m).apply(key, seed);
    }

    /** Reference O(n·m) product, word-parallel: y_i = parity(row_i AND x). For tests. */
    public static long[] hashNaive(long[] key, int n, long[] seed, int m) {
        long[] out = new long[Bits.words(m)];
        // row i, column j: s[i - j + n - 1]; reverse the seed so row i is a contiguous slice
        int seedLen = n + m - 1;
        long[] rev = new long[Bits.words(seedLen)];
        for (int k = 0; k < seedLen; k++) {
            if (Bits.get(seed, k)) {
                Bits.set(rev, seedLen - 1 - k, true);
            }
        }
        for (int i = 0; i < m; i++) {
            // s[i - j + n - 1] = rev[seedLen - 1 - (i - j + n - 1)] = rev[m - 1 - i + j]
            long[] row = Bits.slice(rev, m - 1 - i, n);
            long acc = 0;
            for (int w = 0; w < row.length; w++) {
                acc ^= row[w] & key[w];
            }
            if ((Long.bitCount(acc) & 1) != 0) {
                out[i >>> 6] |= 1L << i;
            }
        }
        return out;
    }
}
