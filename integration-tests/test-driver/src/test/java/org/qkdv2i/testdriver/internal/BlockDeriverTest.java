package org.qkdv2i.testdriver.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import org.junit.Test;

public class BlockDeriverTest {

    @Test
    public void sameSeedAndLinkGiveSameIdsAndKeys() {
        BlockDeriver a = new BlockDeriver("s3cret", "A-B", 4096);
        BlockDeriver b = new BlockDeriver("s3cret", "A-B", 4096);
        for (long n = 1_700_000_000L; n < 1_700_000_050L; n++) {
            assertEquals(a.id(n), b.id(n));
            assertArrayEquals(a.key(n), b.key(n));
        }
        assertEquals(512, a.key(7).length);
    }

    @Test
    public void differentSeedsDiffer() {
        BlockDeriver a = new BlockDeriver("seed-1", "A-B", 256);
        BlockDeriver b = new BlockDeriver("seed-2", "A-B", 256);
        assertNotEquals(a.id(42), b.id(42));
        assertFalse(Arrays.equals(a.key(42), b.key(42)));
    }

    @Test
    public void differentLinksDiffer() {
        BlockDeriver a = new BlockDeriver("seed", "A-B", 256);
        BlockDeriver b = new BlockDeriver("seed", "A-C", 256);
        assertNotEquals(a.id(42), b.id(42));
        assertFalse(Arrays.equals(a.key(42), b.key(42)));
    }

    @Test
    public void successiveBlocksDifferAndKeyIsNotItsPrefix() {
        BlockDeriver d = new BlockDeriver("seed", "A-B", 512);
        byte[] k1 = d.key(1);
        byte[] k2 = d.key(2);
        assertFalse(Arrays.equals(k1, k2));
        // counter-mode expansion: the two 256-bit halves of one block differ
        assertFalse(Arrays.equals(Arrays.copyOfRange(k1, 0, 32), Arrays.copyOfRange(k1, 32, 64)));
    }

    @Test
    public void idsUniqueOverManyBlocksAndStampedVersion8() {
        BlockDeriver d = new BlockDeriver("seed", "A-B", 256);
        Set<UUID> seen = new HashSet<>();
        long base = 34_000_000_000L; // an epoch-era block index at 20 blocks/s
        for (long n = base; n < base + 200_000; n++) {
            UUID id = d.id(n);
            assertTrue("duplicate ID at n=" + n, seen.add(id));
            assertEquals(8, id.version());
            assertEquals(2, id.variant());
        }
    }

    @Test(expected = IllegalArgumentException.class)
    public void blockBitsMustBeMultipleOf8() {
        new BlockDeriver("seed", "A-B", 100);
    }

    @Test(expected = IllegalArgumentException.class)
    public void emptySeedRefused() {
        new BlockDeriver("", "A-B", 256);
    }
}
