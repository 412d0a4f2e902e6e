package org.qkdv2i.driver.sim.fso.internal.sim;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;

import org.junit.Test;

public class ChoiceBitsTest {

    @Test
    public void seededStreamsAreReproducibleAndSystemStreamsAreNot() {
        ChoiceBits a = ChoiceBits.seeded(7), b = ChoiceBits.seeded(7), c = ChoiceBits.seeded(8);
        for (int i = 0; i < 10_000; i++) { // crosses the 32 KiB request boundary
            long x = a.nextLong();
            assertEquals(x, b.nextLong());
            assertNotEquals(x, c.nextLong()); // 2^-64 per word
        }
        assertNotEquals(ChoiceBits.fromSystemEntropy().nextLong(), ChoiceBits.fromSystemEntropy().nextLong());
    }

    @Test
    public void pairsOfBitsAreUniform() {
        ChoiceBits bits = ChoiceBits.fromSystemEntropy();
        int n = 1_000_000;
        long[] count = new long[4];
        for (int i = 0; i < n; i++) {
            count[bits.bits(2)]++;
        }
        double sigma = Math.sqrt(n * 0.25 * 0.75);
        for (int v = 0; v < 4; v++) {
            assertEquals("value " + v, n / 4.0, count[v], 5 * sigma);
        }
    }
}
