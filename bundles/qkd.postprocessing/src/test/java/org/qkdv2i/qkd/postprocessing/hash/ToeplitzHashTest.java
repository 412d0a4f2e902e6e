package org.qkdv2i.qkd.postprocessing.hash;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;

import java.util.SplittableRandom;

import org.junit.Test;
import org.qkdv2i.qkd.postprocessing.Bits;

public class ToeplitzHashTest {

    private static void check(int n, int m, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        long[] key = Bits.random(n, rnd);
        long[] s = Bits.random(ToeplitzHash.seedBits(n, m), rnd);
        long[] fast = ToeplitzHash.hash(key, n, s, m);
        long[] slow = ToeplitzHash.hashNaive(key, n, s, m);
        assertArrayEquals("n=" + n + " m=" + m, slow, fast);
    }

    @Test
    public void nttProductEqualsNaiveProductForManySizes() {
        int[][] sizes = {{1, 1}, {2, 1}, {2, 2}, {3, 2}, {63, 17}, {64, 64}, {65, 1}, {100, 37}, {128, 64},
            {1000, 500}, {1023, 1023}, {4097, 3001}, {10007, 5003}, {65536, 30000}};
        long seed = 1;
        for (int[] nm : sizes) {
            check(nm[0], nm[1], seed++);
            check(nm[0], nm[1], seed++);
        }
    }

    @Test
    public void naiveMatchesTheDefinitionBitByBit() {
        // T[i][j] = s[i - j + n - 1], y_i = XOR_j T[i][j] x_j, straight from the definition
        SplittableRandom rnd = new SplittableRandom(99);
        int n = 37, m = 11;
        long[] x = Bits.random(n, rnd), s = Bits.random(n + m - 1, rnd);
        long[] y = ToeplitzHash.hashNaive(x, n, s, m);
        for (int i = 0; i < m; i++) {
            int acc = 0;
            for (int j = 0; j < n; j++) {
                acc ^= Bits.bit(s, i - j + n - 1) & Bits.bit(x, j);
            }
            assertEquals("row " + i, acc, Bits.bit(y, i));
        }
    }

    @Test
    public void instanceIsReusableAndLinear() {
        SplittableRandom rnd = new SplittableRandom(5);
        int n = 5000, m = 2100;
        ToeplitzHash t = new ToeplitzHash(n, m);
        long[] s = Bits.random(n + m - 1, rnd);
        long[] a = Bits.random(n, rnd), b = Bits.random(n, rnd);
        long[] ab = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            ab[i] = a[i] ^ b[i];
        }
        long[] ha = t.apply(a, s), hb = t.apply(b, s), hab = t.apply(ab, s);
        for (int i = 0; i < ha.length; i++) {
            assertEquals(ha[i] ^ hb[i], hab[i]);
        }
        assertArrayEquals(ha, t.apply(a, s));
        assertArrayEquals(new long[Bits.words(m)], t.apply(new long[Bits.words(n)], s));
    }

    @Test
    public void preparedSeedThreadsAndRowSlicesGiveTheNaiveProduct() {
        SplittableRandom rnd = new SplittableRandom(11);
        int[][] sizes = {{1, 1}, {3, 3}, {4097, 3001}, {100_000, 40_000}, {150_000, 150_000}};
        for (int[] nm : sizes) {
            int n = nm[0], m = nm[1];
            long[] key = Bits.random(n, rnd), key2 = Bits.random(n, rnd);
            long[] s = Bits.random(ToeplitzHash.seedBits(n, m), rnd);
            long[] expect = ToeplitzHash.hashNaive(key, n, s, m), expect2 = ToeplitzHash.hashNaive(key2, n, s, m);
            for (int threads = 1; threads <= 3; threads++) {
                ToeplitzHash t = new ToeplitzHash(n, m, threads);
                assertArrayEquals("n=" + n + " threads=" + threads, expect, t.apply(key, s));
                ToeplitzHash.Prepared p = t.prepare(s);
                assertArrayEquals("prepared n=" + n, expect, p.apply(key));
                assertArrayEquals("prepared, second key n=" + n, expect2, p.apply(key2));
            }
            // outputs longer than one product's rows are computed in row slices
            int slice = Math.max(1, m / 3);
            ToeplitzHash sliced = new ToeplitzHash(n, m, 1, slice);
            assertArrayEquals("slices n=" + n, expect, sliced.apply(key, s));
            assertArrayEquals("slices prepared n=" + n, expect2, sliced.prepare(s).apply(key2));
        }
    }

    @Test(expected = IllegalArgumentException.class)
    public void rejectsAShortSeed() {
        new ToeplitzHash(1000, 500).apply(new long[16], new long[10]);
    }
}
