package org.qkdv2i.kmm.api;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.List;

import org.junit.Test;

public class VirtualLinkTest {

    private final VirtualLink abc = new VirtualLink("VL-AC", List.of("A", "B", "C"));

    @Test
    public void nextHopFollowsTheDirectionOfTravel() {
        assertEquals("B", abc.nextHop("A", "C"));
        assertEquals("C", abc.nextHop("B", "C"));
        assertEquals("B", abc.nextHop("C", "A"));
        assertEquals("A", abc.nextHop("B", "A"));
        assertNull("the end has no next hop", abc.nextHop("C", "C"));
        assertNull("a node off the path has none", abc.nextHop("D", "C"));
    }

    @Test
    public void joinsItsEndsInEitherOrder() {
        assertTrue(abc.joins("A", "C"));
        assertTrue(abc.joins("C", "A"));
        assertFalse(abc.joins("A", "B"));
    }

    @Test
    public void refusesPathsThatAreNoRelay() {
        assertThrows(IllegalArgumentException.class, () -> new VirtualLink("VL", List.of("A", "B")));
        assertThrows(IllegalArgumentException.class, () -> new VirtualLink("VL", List.of("A", "B", "A")));
        assertThrows(IllegalArgumentException.class, () -> new VirtualLink(" ", List.of("A", "B", "C")));
    }
}
