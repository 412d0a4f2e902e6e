package org.qkdv2i.qkd.postprocessing;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;

import java.util.SplittableRandom;

import org.junit.Test;

public class SiftingTest {

    @Test
    public void keepsMatchingBasesGroupedByIntensityAndBasis() {
        byte[] aB = {0, 0, 1, 1, 0, 1, 0, 1};
        byte[] aI = {0, 1, 2, 0, 0, 0, 2, 1};
        byte[] bB = {0, 1, 1, 0, 0, 1, 0, 0};
        Sifting.Result r = Sifting.sift(aB, aI, bB, 3);
        assertArrayEquals(new int[] {0, 4}, r.indices(0, Sifting.BASIS_Z));
        assertArrayEquals(new int[] {5}, r.indices(0, Sifting.BASIS_X));
        assertArrayEquals(new int[] {2}, r.indices(2, Sifting.BASIS_X));
        assertArrayEquals(new int[] {6}, r.indices(2, Sifting.BASIS_Z));
        assertEquals(0, r.count(1, Sifting.BASIS_Z));
        assertEquals(3, r.count(Sifting.BASIS_Z));
        assertArrayEquals(new int[] {0, 4, 6}, r.indices(Sifting.BASIS_Z, 0, 2));
        byte[] bits = {1, 0, 0, 0, 1, 1, 0, 0};
        assertEquals(0b11L, r.select(bits, 0, Sifting.BASIS_Z)[0]);
    }

    @Test
    public void aboutHalfSurviveAndErrorsAreCounted() {
        SplittableRandom rnd = new SplittableRandom(1);
        int n = 100_000;
        byte[] aB = new byte[n], aI = new byte[n], bB = new byte[n], aBits = new byte[n], bBits = new byte[n];
        int flips = 0;
        for (int i = 0; i < n; i++) {
            aB[i] = (byte) rnd.nextInt(2);
            bB[i] = (byte) rnd.nextInt(2);
            aI[i] = (byte) rnd.nextInt(3);
            aBits[i] = (byte) rnd.nextInt(2);
            bBits[i] = aBits[i];
            if (aB[i] == bB[i] && aI[i] == 1 && aB[i] == Sifting.BASIS_X && i % 10 == 0) {
                bBits[i] ^= 1;
                flips++;
            }
        }
        Sifting.Result r = Sifting.sift(aB, aI, bB, 3);
        int kept = r.count(0) + r.count(1);
        assertEquals(0.5, kept / (double) n, 0.01);
        assertEquals(flips, r.errors(aBits, bBits, 1, Sifting.BASIS_X));
        assertEquals(0, r.errors(aBits, bBits, 1, Sifting.BASIS_Z));
    }

    @Test(expected = IllegalArgumentException.class)
    public void rejectsUnknownIntensityClass() {
        Sifting.sift(new byte[] {0}, new byte[] {3}, new byte[] {0}, 3);
    }
}
