package org.qkdv2i.kmm.internal.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.Test;

public class RingDequeTest {

    private static List<Integer> list(RingDeque<Integer> d) {
        List<Integer> out = new ArrayList<>();
        d.forEach(out::add);
        return out;
    }

    private static RingDeque<Integer> wrapped() {
        // head moved forward so the elements wrap around the end of the backing array
        RingDeque<Integer> d = new RingDeque<>();
        for (int i = 0; i < 12; i++) {
            d.addLast(-1);
        }
        for (int i = 0; i < 12; i++) {
            d.pollFirst();
        }
        for (int i = 0; i < 10; i++) {
            d.addLast(i);
        }
        return d;
    }

    @Test
    public void removeIfInPrefixRemovesOnlyMatchesInThePrefixAndKeepsOrder() {
        RingDeque<Integer> d = wrapped();
        assertTrue(d.removeIfInPrefix(6, i -> i % 2 == 0 || i == 8));
        assertEquals("8 lies beyond the prefix and stays", List.of(1, 3, 5, 6, 7, 8, 9), list(d));
        d.addFirst(42);
        d.addLast(43);
        assertEquals(List.of(42, 1, 3, 5, 6, 7, 8, 9, 43), list(d));
    }

    @Test
    public void removeIfInPrefixBeyondTheSizeIsTheWholeDeque() {
        RingDeque<Integer> d = wrapped();
        assertTrue(d.removeIfInPrefix(100, i -> i < 3));
        assertEquals(List.of(3, 4, 5, 6, 7, 8, 9), list(d));
        assertFalse(d.removeIfInPrefix(100, i -> i > 100));
        assertEquals(7, list(d).size());
    }

    @Test
    public void removeIfInPrefixAgreesWithRemoveIf() {
        RingDeque<Integer> a = wrapped();
        RingDeque<Integer> b = wrapped();
        a.removeIfInPrefix(a.size(), i -> i % 3 == 0);
        b.removeIf(i -> i % 3 == 0);
        assertEquals(list(b), list(a));
    }
}
