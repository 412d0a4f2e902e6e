package org.qkdv2i.qkd.postprocessing.hash;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.SplittableRandom;

import org.junit.Test;
import org.qkdv2i.qkd.postprocessing.Bits;

public class PolynomialHashTest {

    private static byte[] point(SplittableRandom rnd) {
        byte[] p = new byte[16];
        rnd.nextBytes(p);
        return p;
    }

    @Test
    public void tagLengthCoversEpsCorAndPolynomialDegree() {
        // log2(1/1e-15) = 49.8 -> 50 bits, plus ceil(log2(blocks + 1))
        assertEquals(50 + 4, PolynomialHash.tagBits(1000, 1e-15));   // 8 + 1 blocks -> 10 -> 4 bits
        assertEquals(50 + 13, PolynomialHash.tagBits(1_000_000, 1e-15)); // 7813 + 1 -> 13 bits
        assertEquals(128, PolynomialHash.tagBits(1_000_000, 1e-40));
    }

    @Test
    public void equalKeysGiveEqualTagsAndEveryFlippedBitIsCaught() {
        SplittableRandom rnd = new SplittableRandom(3);
        int n = 1000;
        long[] key = Bits.random(n, rnd);
        byte[] r = point(rnd);
        int t = PolynomialHash.tagBits(n, 1e-12);
        byte[] tag = PolynomialHash.tag(key, n, r, t);
        assertEquals((t + 7) / 8, tag.length);
        assertTrue(PolynomialHash.matches(tag, PolynomialHash.tag(key.clone(), n, r, t)));
        for (int i = 0; i < n; i++) {
            long[] k2 = key.clone();
            Bits.flip(k2, i);
            assertFalse("bit " + i, PolynomialHash.matches(tag, PolynomialHash.tag(k2, n, r, t)));
        }
    }

    @Test
    public void bitsBeyondTheLengthDoNotMatterAndAnotherPointGivesAnotherTag() {
        SplittableRandom rnd = new SplittableRandom(4);
        int n = 130;
        long[] key = Bits.random(n, rnd);
        long[] dirty = key.clone();
        dirty[2] |= 1L << 40; // bit 168 > n
        byte[] r = point(rnd);
        assertTrue(PolynomialHash.matches(PolynomialHash.tag(key, n, r, 64), PolynomialHash.tag(dirty, n, r, 64)));
        assertFalse(PolynomialHash.matches(PolynomialHash.tag(key, n, r, 64), PolynomialHash.tag(key, n, point(rnd), 64)));
    }
}
