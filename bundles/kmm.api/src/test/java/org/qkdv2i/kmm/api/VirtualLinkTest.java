package org.qkdv2i.kmm.api;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

public class VirtualLinkTest {

    /** A–B–C as node B sees it. */
    private final VirtualLink atB = new VirtualLink("VL-AC", "A", "C", "A", "C");
    /** The same link at A. */
    private final VirtualLink atA = new VirtualLink("VL-AC", "A", "C", null, "B");

    @Test
    public void hopTowardsFollowsTheDirectionOfTravel() {
        assertEquals("C", atB.hopTowards("C"));
        assertEquals("A", atB.hopTowards("A"));
        assertEquals("B", atA.hopTowards("C"));
        assertNull("A is the end it would travel to", atA.hopTowards("A"));
        assertNull("B is no end", atA.hopTowards("B"));
    }

    @Test
    public void knowsItsEnds() {
        assertTrue(atA.joins("C", "A"));
        assertFalse(atB.joins("A", "B"));
        assertTrue(atA.isEnd());
        assertFalse(atB.isEnd());
    }

    @Test
    public void refusesLinksThatAreNoRelay() {
        assertThrows(IllegalArgumentException.class, () -> new VirtualLink("VL", "A", "A", null, "B"));
        assertThrows(IllegalArgumentException.class, () -> new VirtualLink("VL", "A", "C", null, null));
        assertThrows("next hop back to the first end", IllegalArgumentException.class,
                () -> new VirtualLink("VL", "A", "C", "B", "A"));
        assertThrows(IllegalArgumentException.class, () -> new VirtualLink(" ", "A", "C", null, "B"));
    }
}
