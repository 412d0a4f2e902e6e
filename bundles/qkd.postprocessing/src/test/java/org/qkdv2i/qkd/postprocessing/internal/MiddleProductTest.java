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
    public void transformRoundTripIsTheIdentityTimesLength() {
        SplittableRandom rnd = new SplittableRandom(8);
        for (int log = 2; log <= 15; log++) {
            Ntt t = new Ntt(log);
            int[] a = new int[t.size()], orig = new int[t.size()];
            for (int i = 0; i < a.length; i++) {
                a[i] = orig[i] = rnd.nextInt(Ntt.P);
            }
            t.forwardBlock(a, 0, 0);
            for (int i = 0; i < a.length; i++) {
                a[i] = Ntt.mont(a[i], 1); // [0, 4P) to [0, 2P), times 2^-32
            }
            t.inverseBlock(a, 0, 0);
            long sc = t.outputScale(); // 2^32 / L
            for (int i = 0; i < a.length; i++) {
                assertEquals("log " + log + " i " + i, orig[i], Ntt.mulReduce(a[i], sc));
            }
        }
    }
}
