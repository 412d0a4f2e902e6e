package org.qkdv2i.kmm.internal.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.Test;
import org.qkdv2i.kmm.internal.core.QosAllocator.ConsumerStats;
import org.qkdv2i.kmm.internal.core.QosAllocator.Demand;
import org.qkdv2i.kmm.internal.core.QosAllocator.Grant;
import org.qkdv2i.kmm.internal.core.QosAllocator.Refused;
import org.qkdv2i.kmm.internal.core.QosAllocator.Supply;

/**
 * The allocator on a simulated pool and a fake clock: every simulated second the pool gains
 * {@code refill} keys, then every consumer asks for one key at a time up to its appetite (the lowest
 * priority asks first, so what the higher ones get is the reservation's doing, not the order).
 */
public class QosAllocatorTest {

    static final int KEY = 256;

    final TwoNodes.MutableClock clock = new TwoNodes.MutableClock();
    final QosAllocator allocator = new QosAllocator(clock);
    long level;
    long added;

    /** Consumer → keys it asks for per second; in asking order. */
    final Map<Demand, Integer> appetite = new LinkedHashMap<>();
    final Map<String, Integer> servedThisSecond = new LinkedHashMap<>();
    final Map<String, Integer> refusedThisSecond = new LinkedHashMap<>();
    final List<String> refusals = new ArrayList<>();

    static Demand pair(String id, int priority, double minKeysPerSecond) {
        return new Demand(id, priority, minKeysPerSecond * KEY, 0);
    }

    void second(int refillKeys) {
        clock.advanceSeconds(1);
        level += (long) refillKeys * KEY;
        added += (long) refillKeys * KEY;
        servedThisSecond.clear();
        refusedThisSecond.clear();
        for (Map.Entry<Demand, Integer> e : appetite.entrySet()) {
            Demand d = e.getKey();
            servedThisSecond.put(d.id(), 0);
            refusedThisSecond.put(d.id(), 0);
            for (int i = 0; i < e.getValue(); i++) {
                ask(d);
            }
        }
    }

    boolean ask(Demand d) {
        Grant g;
        try {
            g = allocator.admit(new Supply("B", level, added, 0), d, KEY);
        } catch (Refused r) {
            refusedThisSecond.merge(d.id(), 1, Integer::sum);
            refusals.add(d.id() + ": " + r.getMessage());
            return false;
        }
        if (level < KEY) { // the pool itself is empty: the draw fails, the grant is given back
            g.done(false);
            refusedThisSecond.merge(d.id(), 1, Integer::sum);
            return false;
        }
        level -= KEY;
        g.done(true);
        servedThisSecond.merge(d.id(), 1, Integer::sum);
        return true;
    }

    @Test
    public void plentyServesEveryoneFirstCome() throws Exception {
        Demand high = pair("high", 10, 4);
        Demand low = pair("low", 1, 4);
        appetite.put(low, 6);
        appetite.put(high, 6);
        for (int s = 0; s < 5; s++) {
            second(20);
        }
        assertEquals(6, (int) servedThisSecond.get("high"));
        assertEquals(6, (int) servedThisSecond.get("low"));
        assertTrue(refusals.toString(), refusals.isEmpty());
    }

    @Test
    public void scarcityKeepsTheHigherMinimumAndRefusesTheLowerFirst() throws Exception {
        Demand high = pair("high", 10, 4);
        Demand mid = pair("mid", 5, 4);
        Demand low = pair("low", 1, 0);
        appetite.put(low, 10);
        appetite.put(mid, 10);
        appetite.put(high, 10);
        // warm-up: the refill rate is learned over a second
        second(8);
        second(8);
        // supply 8 keys/s = the two minima: both kept, the pair without a minimum gets nothing
        for (int s = 0; s < 5; s++) {
            second(8);
            assertEquals("second " + s, 4, (int) servedThisSecond.get("high"));
            assertEquals("second " + s, 4, (int) servedThisSecond.get("mid"));
            assertEquals("second " + s, 0, (int) servedThisSecond.get("low"));
        }
        assertTrue(refusals.stream().anyMatch(r -> r.equals("low: " + QosAllocator.SCARCE_HIGHER)));
        // fog: 4 keys/s covers the highest minimum only; it keeps it, mid is refused, in every second
        refusals.clear();
        for (int s = 0; s < 8; s++) {
            second(4);
            if (s >= 2) { // the measured refill follows within the rate window
                assertEquals("second " + s, 4, (int) servedThisSecond.get("high"));
                assertEquals("second " + s, 0, (int) servedThisSecond.get("mid"));
            }
            assertTrue(servedThisSecond.get("high") >= 3);
            assertEquals(0, (int) servedThisSecond.get("low"));
        }
        assertTrue(refusals.contains("mid: " + QosAllocator.SCARCE_HIGHER));
        ConsumerStats h = stats("high");
        ConsumerStats m = stats("mid");
        assertTrue(h.reserved());
        assertFalse(m.reserved());
        assertEquals(10, h.priority());
        assertEquals(4.0 * KEY, h.minBps(), 1e-9);
        assertTrue("high served rate " + h.servedBps(), h.servedBps() >= 3.5 * KEY && h.servedBps() <= 4 * KEY);
        assertTrue(m.refused() > 0 && stats("low").refused() > m.refused());
    }

    @Test
    public void whatIsLeftAboveTheMinimaGoesByPriorityUpToTheMaximum() throws Exception {
        // 10 keys/s; both ask for 8, the low one first: the high one gets its minimum and then its wish
        Demand high = pair("high", 10, 4);
        Demand low = pair("low", 1, 0);
        appetite.put(low, 8);
        appetite.put(high, 8);
        for (int s = 0; s < 8; s++) {
            second(10);
        }
        assertEquals(8, (int) servedThisSecond.get("high"));
        assertEquals(2, (int) servedThisSecond.get("low"));
        assertTrue(refusals.contains("low: " + QosAllocator.SCARCE_HIGHER));
        // with a maximum of 6 keys/s the high pair's share stops there: the low one gets the other 4
        appetite.clear();
        Demand cappedHigh = new Demand("high", 10, 4.0 * KEY, 6.0 * KEY);
        appetite.put(low, 8);
        appetite.put(cappedHigh, 6); // (its token bucket refuses beyond 6 before the allocator is asked)
        for (int s = 0; s < 8; s++) {
            second(10);
        }
        assertEquals(6, (int) servedThisSecond.get("high"));
        assertEquals(4, (int) servedThisSecond.get("low"));
    }

    @Test
    public void equalPrioritiesShareFairlyNotByName() throws Exception {
        // no QoS configured (priority 0, no minimum): 9 keys/s for three pairs asking 2, 8 and 8
        Demand a = pair("a", 0, 0);
        Demand b = pair("b", 0, 0);
        Demand c = pair("c", 0, 0);
        appetite.put(a, 2);
        appetite.put(b, 8);
        appetite.put(c, 8);
        int bServed = 0;
        int cServed = 0;
        for (int s = 0; s < 12; s++) {
            second(9);
            if (s >= 6) {
                bServed += servedThisSecond.get("b");
                cServed += servedThisSecond.get("c");
                assertEquals(2, (int) servedThisSecond.get("a"));
            }
        }
        // b asks before c every second, yet c gets its fair 3.5 a second as well (b: at most one more, the surplus)
        assertTrue("b " + bServed + " c " + cServed, Math.abs(bServed - cServed) <= 6 && cServed >= 18);
    }

    @Test
    public void recoversWhenThePoolRefills() throws Exception {
        Demand high = pair("high", 10, 4);
        Demand mid = pair("mid", 5, 4);
        Demand low = pair("low", 1, 0);
        appetite.put(low, 10);
        appetite.put(mid, 10);
        appetite.put(high, 10);
        for (int s = 0; s < 8; s++) {
            second(4);
        }
        assertEquals(0, (int) servedThisSecond.get("mid"));
        // the link recovers: 30 keys/s, more than all appetites together
        int lowServed = 0;
        for (int s = 0; s < 8; s++) {
            second(30);
            lowServed += servedThisSecond.get("low");
        }
        assertEquals(10, (int) servedThisSecond.get("high"));
        assertEquals(10, (int) servedThisSecond.get("mid"));
        assertEquals(10, (int) servedThisSecond.get("low"));
        assertTrue(lowServed > 0);
        assertTrue(stats("mid").reserved());
    }

    @Test
    public void aRefusalWithoutMinimaOrHigherPrioritiesSaysTheKeyIsSharedNotReserved() throws Exception {
        // two pairs of one priority, no minimum anywhere, 4 keys/s for 20 asked: refusals must not send the
        // operator looking for a minimum-rate rule that does not exist
        appetite.put(pair("a", 0, 0), 10);
        appetite.put(pair("b", 0, 0), 10);
        for (int s = 0; s < 6; s++) {
            second(4);
        }
        assertFalse(refusals.isEmpty());
        for (String r : refusals) {
            assertTrue(r, r.endsWith(": " + QosAllocator.SCARCE_SHARED));
        }
    }

    @Test
    public void aStrongerPriorityOverCommittedIsCutBeforeALowerOneThatFits() throws Exception {
        // strict priority: the supply of 6 keys/s cannot hold the high pair's 8, so the high one is not reserved and
        // nor is anyone below it (a lower minimum never jumps a higher one); the supply is shared by priority
        Demand high = pair("high", 10, 8);
        Demand low = pair("low", 1, 2);
        appetite.put(low, 3);
        appetite.put(high, 10);
        for (int s = 0; s < 5; s++) {
            second(6);
        }
        assertFalse(stats("high").reserved());
        assertFalse(stats("low").reserved());
        // no minimum is reserved, but what there is goes by priority: all of it to the high pair
        assertEquals(6, (int) servedThisSecond.get("high"));
        assertEquals(0, (int) servedThisSecond.get("low"));
    }

    @Test
    public void idleConsumerHoldsNothing() throws Exception {
        Demand high = pair("high", 10, 4);
        Demand low = pair("low", 1, 0);
        appetite.put(low, 10);
        appetite.put(high, 4);
        for (int s = 0; s < 3; s++) {
            second(4);
        }
        assertEquals(0, (int) servedThisSecond.get("low"));
        appetite.put(high, 0); // the high pair stops asking
        for (int s = 0; s < 15; s++) {
            second(4);
        }
        assertEquals("after the active window the low pair gets the whole supply", 4,
                (int) servedThisSecond.get("low"));
        assertFalse(stats("high").reserved());
    }

    @Test
    public void refusedGrantGivesItsCreditBack() throws Exception {
        Demand high = pair("high", 10, 2);
        allocator.admit(new Supply("B", 0, 0, 2 * KEY), high, KEY).done(false);
        allocator.admit(new Supply("B", 0, 0, 2 * KEY), high, KEY).done(false);
        allocator.admit(new Supply("B", 0, 0, 2 * KEY), high, KEY).done(false);
        // still its full credit: a low-priority pair cannot take the two keys now in the pool
        try {
            allocator.admit(new Supply("B", 2 * KEY, 0, 2 * KEY), pair("low", 1, 0), KEY);
            fail("the high pair's credit should hold the pool");
        } catch (Refused expected) {
            assertEquals(QosAllocator.SCARCE_HIGHER, expected.getMessage());
        }
        assertEquals(0, stats("high").served());
    }

    @Test
    public void forgottenConsumerReleasesItsReservation() throws Exception {
        Demand stream = new Demand("stream x", 10, 4 * KEY, 0);
        allocator.admit(new Supply("B", 4 * KEY, 0, 4 * KEY), stream, KEY).done(true);
        try {
            allocator.admit(new Supply("B", 3 * KEY, 0, 4 * KEY), pair("low", 1, 0), KEY);
            fail("the stream's credit should hold the pool");
        } catch (Refused expected) {
            // held
        }
        allocator.forget("stream x");
        allocator.admit(new Supply("B", 3 * KEY, 0, 4 * KEY), pair("low", 1, 0), KEY).done(true);
    }

    private ConsumerStats stats(String id) {
        return allocator.consumers().stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow();
    }
}
