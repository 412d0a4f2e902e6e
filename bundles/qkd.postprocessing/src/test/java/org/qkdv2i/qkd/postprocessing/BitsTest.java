package org.qkdv2i.qkd.postprocessing;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;

import java.util.SplittableRandom;

import org.junit.Test;

public class BitsTest {
    @Test
    public void rangeParityMatchesBitByBit() {
        SplittableRandom rnd = new SplittableRandom(1);
        long[] a = Bits.random(500, rnd);
        for (int from = 0; from < 500; from += 7) {
            for (int to = from; to <= 500; to += 13) {
                int p = 0;
                for (int i = from; i < to; i++) {
                    p ^= Bits.bit(a, i);
                }
                assertEquals(from + ".." + to, p, Bits.parity(a, from, to));
            }
        }
    }

    @Test
    public void bytesRoundTripAndSlice() {
        SplittableRandom rnd = new SplittableRandom(2);
        for (int n : new int[] {1, 7, 8, 63, 64, 65, 1000}) {
            long[] a = Bits.random(n, rnd);
            assertArrayEquals(a, Bits.fromBytes(Bits.toBytes(a, n), n));
            long[] s = Bits.slice(a, n / 3, n - n / 3);
            for (int i = 0; i < n - n / 3; i++) {
                assertEquals(Bits.bit(a, n / 3 + i), Bits.bit(s, i));
            }
        }
    }
}
