package org.qkdv2i.zap.internal.fuzzy;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.util.Random;

import org.junit.Test;

public class BchTest {

    @Test
    public void dimensionsMatchTheBchTables() {
        // Lin & Costello Table C.1 / Peterson-Weldon: (255,131,18), (255,139,15), (31,16,3), (1023,828,20): the coset of α^33 has 5 elements
        assertEquals(131, new Bch(8, 18).k());
        assertEquals(139, new Bch(8, 15).k());
        assertEquals(16, new Bch(5, 3).k());
        assertEquals(828, new Bch(10, 20).k());
    }

    @Test
    public void codewordsAreMultiplesOfTheGeneratorAndDecodeCleanly() {
        Bch bch = new Bch(8, 18);
        Random rnd = new Random(1);
        for (int trial = 0; trial < 50; trial++) {
            byte[] msg = randomBits(bch.k(), rnd);
            byte[] cw = bch.encode(msg);
            // systematic: message bits are in the top k positions
            for (int i = 0; i < bch.k(); i++) {
                assertEquals(msg[i], cw[bch.n() - bch.k() + i]);
            }
            byte[] copy = cw.clone();
            assertEquals(0, bch.decode(copy));
            assertArrayEquals(cw, copy);
        }
    }

    @Test
    public void correctsEveryErrorCountUpToT() {
        for (int[] mt : new int[][] {{5, 3}, {8, 18}, {10, 20}}) {
            Bch bch = new Bch(mt[0], mt[1]);
            Random rnd = new Random(mt[0] * 100 + mt[1]);
            for (int errors = 0; errors <= bch.t(); errors++) {
                for (int trial = 0; trial < 20; trial++) {
                    byte[] cw = bch.encode(randomBits(bch.k(), rnd));
                    byte[] word = cw.clone();
                    flip(word, errors, rnd);
                    assertEquals(bch + " with " + errors + " errors", errors, bch.decode(word));
                    assertArrayEquals(cw, word);
                }
            }
        }
    }

    @Test
    public void beyondTErrorsTheDecoderMostlyDetectsFailureAndNeverReturnsTheOriginalWrongly() {
        Bch bch = new Bch(8, 18);
        Random rnd = new Random(7);
        int detected = 0;
        for (int trial = 0; trial < 200; trial++) {
            byte[] cw = bch.encode(randomBits(bch.k(), rnd));
            byte[] word = cw.clone();
            flip(word, bch.t() + 1 + rnd.nextInt(10), rnd);
            byte[] before = word.clone();
            int r = bch.decode(word);
            if (r < 0) {
                detected++;
                assertArrayEquals("a failed decode leaves the word unchanged", before, word);
            } else {
                assertNotEquals("more than t errors cannot decode to the sent codeword", 0,
                        java.util.Arrays.compare(cw, word));
            }
        }
        assertTrue("most patterns beyond t are detected, got " + detected, detected > 180);
    }

    static byte[] randomBits(int n, Random rnd) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) rnd.nextInt(2);
        }
        return b;
    }

    static void flip(byte[] word, int count, Random rnd) {
        java.util.Set<Integer> pos = new java.util.HashSet<>();
        while (pos.size() < count) {
            pos.add(rnd.nextInt(word.length));
        }
        for (int p : pos) {
            word[p] ^= 1;
        }
    }
}
