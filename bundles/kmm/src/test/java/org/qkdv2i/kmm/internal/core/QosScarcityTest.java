package org.qkdv2i.kmm.internal.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.Test;
import org.qkdv2i.kmm.api.Key;
import org.qkdv2i.kmm.api.KeyManagerException;
import org.qkdv2i.kmm.api.KeyRequest;
import org.qkdv2i.kmm.internal.core.QosAllocator.ConsumerStats;

/**
 * Allocation by agreed QoS on two real KMM cores (issue 9): link L-AB's driver delivers a known number of
 * stored keys to A's half every (simulated) second; three SAE pairs at A ask for keys of B's SAEs, the lowest
 * priority first in every second. Plenty: everyone gets up to its maximum. Scarce (supply = the two minima):
 * the pair without a minimum gets 503 first, the others keep their minimum. Fog (supply = the highest minimum):
 * the middle priority is refused too, the highest keeps its minimum. Nobody ever exceeds its maximum.
 */
public class QosScarcityTest extends TwoNodesTestBase {

    static final String HIGH = "sa -> sb";
    static final String MID = "sa2 -> sb";
    static final String LOW = "sa -> sb2";

    record Pair(String name, String master, String slave, int max) {
    }

    final List<Pair> askingOrder = List.of(new Pair(LOW, "sa", "sb2", 3), new Pair(MID, "sa2", "sb", 6),
            new Pair(HIGH, "sa", "sb", 6));
    final Map<String, Integer> served = new LinkedHashMap<>();
    final Map<String, Integer> scarce = new LinkedHashMap<>();
    /** The simulated second in which each pair first got "key scarce" (absent: never). */
    final Map<String, Integer> firstScarce = new LinkedHashMap<>();
    /** The simulated second in which each pair first got "key scarce" and no key at all. */
    final Map<String, Integer> firstStarved = new LinkedHashMap<>();
    final List<String> messages = new ArrayList<>();
    int second;

    @Test
    public void higherPriorityKeepsItsMinimumLowerGets503FirstNobodyExceedsItsMaximum() throws Exception {
        // maxKeysPerRequest 1 keeps each token bucket's burst at one second's maximum
        net.directory.rules.add(new Qos("sa", "sb", 1, 0, 0, 6, 10, 4));
        net.directory.rules.add(new Qos("sa2", "sb", 1, 0, 0, 6, 5, 4));
        net.directory.rules.add(new Qos("sa", "sb2", 1, 0, 0, 3, 1, 0));

        // plenty: 30 stored keys a second for A's half, 15 asked at most
        for (int s = 0; s < 3; s++) {
            second(30);
            assertEquals(6, (int) served.get(HIGH));
            assertEquals(6, (int) served.get(MID));
            assertEquals(3, (int) served.get(LOW));
        }
        assertTrue(firstScarce + " " + firstStarved, firstScarce.isEmpty());

        // scarce: 8 stored keys a second = the two minima. The stock left from before drains first come
        int[] highKept = new int[1];
        for (int s = 0; s < 20; s++) {
            second(8);
            if (s >= 12) {
                assertEquals("second " + second + " " + served, 4, (int) served.get(HIGH));
                assertEquals("second " + second + " " + served, 4, (int) served.get(MID));
                assertEquals("second " + second + " " + served, 0, (int) served.get(LOW));
                highKept[0]++;
            }
        }
        assertTrue("the pair without a minimum got 503 'key scarce' " + firstStarved, firstStarved.containsKey(LOW));
        assertFalse("the middle priority kept its minimum " + firstStarved, firstStarved.containsKey(MID));
        assertFalse("the guaranteed pairs kept their minimum " + firstStarved, firstScarce.containsKey(HIGH));

        // fog: 4 stored keys a second = the highest minimum only
        for (int s = 0; s < 12; s++) {
            second(4);
            if (s >= 6) {
                assertEquals("second " + second + " " + served, 4, (int) served.get(HIGH));
                assertEquals("second " + second + " " + served, 0, (int) served.get(MID));
                assertEquals("second " + second + " " + served, 0, (int) served.get(LOW));
            }
        }
        assertTrue(firstScarce + " " + firstStarved, firstStarved.containsKey(MID));
        assertTrue("lower priority starved first: " + firstStarved, firstStarved.get(LOW) < firstStarved.get(MID));
        assertTrue("the middle priority kept its minimum while supply covered it: " + firstStarved,
                firstStarved.get(MID) > 23);
        assertFalse(firstScarce + " " + firstStarved, firstScarce.containsKey(HIGH));
        assertTrue(messages.stream().anyMatch(
                m -> m.endsWith(": " + QosAllocator.SCARCE_HIGHER + " (SAE pair sa2 -> sb, priority 5); retry later")));

        // what qkd:qos shows: priorities, minima in bits/s, served rate over the last 10 s, refusals
        Map<String, ConsumerStats> stats = new LinkedHashMap<>();
        for (ConsumerStats c : net.a.qosAllocator().consumers()) {
            stats.put(c.id(), c);
        }
        ConsumerStats high = stats.get("pair " + HIGH);
        ConsumerStats mid = stats.get("pair " + MID);
        ConsumerStats low = stats.get("pair " + LOW);
        assertEquals("B", high.pool());
        assertEquals(10, high.priority());
        assertEquals(4.0 * 256, high.minBps(), 1e-9);
        assertEquals(6.0 * 256, high.maxBps(), 1e-9);
        assertTrue(high.reserved());
        assertFalse(mid.reserved());
        assertEquals(4.0 * 256, high.servedBps(), 1e-9);
        assertEquals(0, mid.servedBps(), 1e-9);
        assertEquals(0, high.refused());
        assertTrue(low.refused() > mid.refused() && mid.refused() > 0);
        // the same through kmm.api (shell qkd:qos)
        assertTrue(net.a.qosAllocation().stream().anyMatch(q -> q.consumer().equals("pair " + HIGH) && q.reserved()
                && q.priority() == 10 && q.pool().equals("B") && q.refillBps() == 4 * 256 && q.refused() == 0));
    }

    /** One simulated second: the driver delivers {@code ownKeys} stored keys to A's half, then the pairs ask. */
    private void second(int ownKeys) {
        second++;
        net.clock.advanceSeconds(1);
        long target = TwoNodes.own(net.a) + ownKeys;
        while (TwoNodes.own(net.a) < target) {
            net.block(32); // one stored key; the direction split gives it to A's or B's half
        }
        served.clear();
        scarce.clear();
        for (Pair p : askingOrder) {
            served.put(p.name, 0);
            scarce.put(p.name, 0);
            for (int i = 0; i < 10; i++) {
                try {
                    List<Key> keys = net.a.newKeys(new KeyRequest(p.master, p.slave, 1, 256));
                    keys.forEach(Key::destroy);
                    served.merge(p.name, 1, Integer::sum);
                } catch (KeyManagerException e) {
                    assertEquals(e.getMessage(), KeyManagerException.Reason.UNAVAILABLE, e.reason());
                    if (e.getMessage().startsWith("key scarce")) {
                        scarce.merge(p.name, 1, Integer::sum);
                        firstScarce.putIfAbsent(p.name, second);
                        messages.add(second + ": " + e.getMessage());
                    }
                }
            }
            assertTrue(p.name + " served " + served.get(p.name) + " above its maximum " + p.max,
                    served.get(p.name) <= p.max);
            if (scarce.get(p.name) > 0 && served.get(p.name) == 0) {
                firstStarved.putIfAbsent(p.name, second);
            }
        }
    }
}
