package org.qkdv2i.driver.sim.fso.internal.channel;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.security.SecureRandom;
import java.util.Arrays;

import org.junit.Test;
import org.qkdv2i.qkd.postprocessing.Bits;

/** The Toeplitz seed drawn in one request: its length, a clear tail, balanced and fresh bits. */
public class ToeplitzSeedTest {

    @Test
    public void seedHasTheBitsAskedForAndLooksUniform() {
        SecureRandom r = new SecureRandom();
        int n = 208_895; // a 2·10^5-bit seed whose last word is partial
        long[] a = LibraryDistiller.randomBits(n, r);
        long[] b = LibraryDistiller.randomBits(n, r);
        assertEquals(Bits.words(n), a.length);
        assertEquals("bits past n are zero", 0, a[a.length - 1] >>> (n & 63));
        long ones = 0;
        for (long w : a) {
            ones += Long.bitCount(w);
        }
        // monobit: mean n/2, sd sqrt(n)/2; 6 sd is a false alarm once in 10^9 runs
        assertTrue("ones " + ones, Math.abs(ones - n / 2.0) < 6 * Math.sqrt(n) / 2);
        assertFalse("two draws differ", Arrays.equals(a, b));
        // bits of every position in a word occur (no byte-order slip leaving some always zero)
        long or = 0;
        for (int i = 0; i < a.length - 1; i++) {
            or |= a[i];
        }
        assertEquals(-1L, or);
    }
}
