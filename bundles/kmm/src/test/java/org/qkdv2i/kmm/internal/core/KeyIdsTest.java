package org.qkdv2i.kmm.internal.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import org.junit.Test;

public class KeyIdsTest {

    @Test
    public void storedKeyIdsAreDeterministicAndDistinct() {
        UUID block = UUID.fromString("5b1e4b7e-29a4-4c4b-9d55-0d7bd5a8e2a1");
        Set<UUID> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            UUID id = KeyIds.storedKeyId(block, i);
            assertEquals(id, KeyIds.storedKeyId(UUID.fromString(block.toString()), i));
            assertTrue("duplicate stored key ID at " + i, seen.add(id));
            assertEquals(8, id.version());
        }
        assertNotEquals(KeyIds.storedKeyId(block, 0), KeyIds.storedKeyId(UUID.randomUUID(), 0));
    }

    @Test
    public void directionSplitGivesEveryStoredKeyToExactlyOneNodeAndBothEndsAgree() {
        int toA = 0;
        for (int i = 0; i < 10_000; i++) {
            UUID id = KeyIds.storedKeyId(UUID.randomUUID(), i % 7);
            String seenFromA = KeyIds.owner("L-AB", id, "A", "B");
            String seenFromB = KeyIds.owner("L-AB", id, "B", "A");
            assertEquals("both ends must derive the same owner", seenFromA, seenFromB);
            assertTrue(seenFromA.equals("A") || seenFromA.equals("B"));
            if (seenFromA.equals("A")) {
                toA++;
            }
        }
        // the split is a hash bit: close to half, never all on one side
        assertTrue("A got " + toA + " of 10000", toA > 4500 && toA < 5500);
    }

    @Test
    public void ownerBitZeroMeansSmallerNodeId() {
        for (int i = 0; i < 100; i++) {
            UUID id = UUID.randomUUID();
            String expected = KeyIds.ownerBit("L", id) == 0 ? "alpha" : "beta";
            assertEquals(expected, KeyIds.owner("L", id, "beta", "alpha"));
        }
    }
}
