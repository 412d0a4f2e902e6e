package org.qkdv2i.qkd.postprocessing.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;

import java.util.SplittableRandom;

import org.junit.Test;
import org.qkdv2i.qkd.postprocessing.Bits;
import org.qkdv2i.qkd.postprocessing.hash.ToeplitzHash;

public class MiddleProductTest {

    private static long[] run(MiddleProduct mp, long[] key, long[] seed, boolean prepared) {
        long[] out = new long[Bits.words(mp.m)];
        mp.apply(key, seed, prepared ? mp.transformSeed(seed, 0, mp.m) : null, 0, mp.m, out);
        return out;
    }

    @Test
    public void everyPartCountAndTransformLengthGivesTheNaiveProduct() {
        SplittableRandom rnd = new SplittableRandom(3);
        int[][] nm = {{5000, 700}, {20000, 3000}, {70001, 1000}, {9000, 9000}};
        for (int[] c : nm) {
            int n = c[0], m = c[1];
            long[] key = Bits.random(n, rnd), seed = Bits.random(n + m - 1, rnd);
            long[] expect = ToeplitzHash.hashNaive(key, n, seed, m);
            int minLog = 32 - Integer.numberOfLeadingZeros(m - 1);
            for (int log = Math.max(2, minLog); log <= 32 - Integer.numberOfLeadingZeros(n + m - 1); log++) {
                for (int threads = 1; threads <= 2; threads++) {
                    MiddleProduct mp = MiddleProduct.withLog(n, m, log, threads);
                    String what = "n=" + n + " m=" + m + " L=2^" + log + " q=" + mp.q + " threads=" + threads;
                    assertArrayEquals(what, expect, run(mp, key, seed, false));
                    assertArrayEquals(what + " prepared", expect, run(mp, key, seed, true));
                }
            }
        }
    }

    @Test
    public void shoupMultiplicationInThirtyTwoBitsIsExact() {
        SplittableRandom rnd = new SplittableRandom(8);
        for (int i = 0; i < 2_000_000; i++) {
            int a = rnd.nextInt(4 * Ntt.P);
            long w = rnd.nextInt(Ntt.P);
            long ws = Ntt.shoup(w);
            int t = Ntt.mulShoup(a, (int) w, (int) (ws >>> 16), (int) (ws & 0xffff));
            assertEquals(true, t >= 0 && t < 2 * Ntt.P);
            assertEquals(a % Ntt.P * w % Ntt.P, t % Ntt.P);
        }
    }

    @Test
    public void shoupQuotientsMatchTheDivision() {
        SplittableRandom rnd = new SplittableRandom(9);
        int n = 4096;
        int[] y = new int[n], ys = new int[n];
        for (int round = 0; round < 500; round++) {
            int[] orig = new int[n];
            for (int i = 0; i < n; i++) {
                orig[i] = y[i] = i < 4 ? new int[] {0, Ntt.P - 1, Ntt.P, 4 * Ntt.P - 1}[i] : rnd.nextInt(4 * Ntt.P);
            }
            Ntt.shoupQuotients(y, ys, 0, n);
            for (int i = 0; i < n; i++) {
                int v = orig[i] % Ntt.P;
                assertEquals(v, y[i]);
                assertEquals((int) Ntt.shoup(v), ys[i]);
            }
        }
    }
}
