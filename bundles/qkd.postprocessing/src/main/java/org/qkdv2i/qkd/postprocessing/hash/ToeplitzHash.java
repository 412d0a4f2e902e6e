package org.qkdv2i.qkd.postprocessing.hash;

import java.util.Arrays;

import org.qkdv2i.qkd.postprocessing.Bits;
import org.qkdv2i.qkd.postprocessing.internal.Ntt;

/**
 * Privacy amplification by Toeplitz hashing: y = T·x over GF(2), T the m×n Toeplitz matrix with
 * T[i][j] = s[i − j + n − 1] for a public random seed s of n + m − 1 bits (a 2-universal family;
 * leftover hash lemma). Row i of the product is the GF(2) reduction of the integer convolution
 * (s ∗ x)[i + n − 1] — the "middle product" of the two 0/1 sequences — computed here by one NTT
 * modulo 2013265921 (= 15·2^27 + 1, exact because every convolution sum is ≤ n &lt; p), in
 * O(L log L) with L = 2^⌈log2(n + m − 1)⌉. A cyclic convolution of length L ≥ n + m − 1 does not
 * alias into indices n − 1 .. n + m − 2, which are the ones read.
 *
 * <p>An instance keeps its buffers for one (n, m): not thread-safe; use one per thread. Transform
 * tables are shared per size (immutable, softly cached). The static methods allocate buffers.
 */
public final class ToeplitzHash {
    private final int n;
    private final int m;
    private final Ntt ntt;
    private final int[] bufSeed;
    private final int[] bufKey;

    public ToeplitzHash(int n, int m) {
        if (n < 1 || m < 1 || m > n) {
            throw new IllegalArgumentException("need 1 <= m <= n");
        }
        if ((long) n + m - 1 > (1 << 27)) {
            throw new IllegalArgumentException("n + m - 1 exceeds 2^27 (NTT modulus limit)");
        }
        this.n = n;
        this.m = m;
        int size = Integer.highestOneBit(Math.max(2, n + m - 1) - 1) << 1;
        this.ntt = Ntt.of(size);
        this.bufSeed = new int[size];
        this.bufKey = new int[size];
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

    /** y = T(seed)·key; {@code key} holds n bits, {@code seed} n + m − 1 bits; returns m bits. */
    public long[] apply(long[] key, long[] seed) {
        int[] a = bufSeed, b = bufKey;
        int seedLen = n + m - 1;
        if (key.length < Bits.words(n) || seed.length < Bits.words(seedLen)) {
            throw new IllegalArgumentException("key needs " + n + " bits and seed " + seedLen + " bits");
        }
        unpack(seed, seedLen, a);
        unpack(key, n, b);
        ntt.forward(a);
        ntt.forward(b);
        ntt.multiplyPointwise(a, b);
        ntt.inverse(a);
        long[] out = new long[Bits.words(m)];
        for (int i = 0; i < m; i++) {
            out[i >>> 6] |= (long) (a[i + n - 1] & 1) << i;
        }
        // the key's image in the buffers is key material
        Arrays.fill(b, 0);
        Arrays.fill(a, 0);
        return out;
    }

    private static void unpack(long[] bits, int len, int[] dst) {
        int full = len >>> 6;
        for (int w = 0; w < full; w++) {
            long x = bits[w];
            int base = w << 6;
            for (int k = 0; k < 64; k++) {
                dst[base + k] = (int) (x >>> k) & 1;
            }
        }
        for (int i = full << 6; i < len; i++) {
            dst[i] = Bits.bit(bits, i);
        }
        Arrays.fill(dst, len, dst.length, 0);
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
