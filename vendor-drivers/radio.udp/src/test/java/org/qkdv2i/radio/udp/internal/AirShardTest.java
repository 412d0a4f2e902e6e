package org.qkdv2i.radio.udp.internal;

import static org.junit.Assert.assertTrue;

import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.Map;

import org.junit.Test;

public class AirShardTest {

    /** A listener's defect is logged with the listener's frame, not the JDK collection's that threw. */
    @Test
    public void whereNamesTheFirstFrameOutsideTheJdk() {
        Map<String, String> m = new HashMap<>(Map.of("a", "1", "b", "2"));
        try {
            for (String k : m.keySet()) {
                m.remove(k.equals("a") ? "b" : "a");
            }
        } catch (ConcurrentModificationException e) {
            String w = AirShard.where(e);
            assertTrue(w, w.startsWith(AirShardTest.class.getName() + ".whereNamesTheFirstFrameOutsideTheJdk"));
            return;
        }
        throw new AssertionError("a HashMap changed while iterated throws ConcurrentModificationException");
    }
}
