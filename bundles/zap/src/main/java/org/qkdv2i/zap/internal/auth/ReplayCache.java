package org.qkdv2i.zap.internal.auth;

import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/** Bounded memory of first messages a responder has seen (oldest forgotten first). */
final class ReplayCache {

    private final Map<String, Boolean> seen;

    ReplayCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("replay cache size must be at least 1");
        }
        this.seen = new LinkedHashMap<>(16, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /** @return true the first time {@code digest} is offered, false for a replay */
    synchronized boolean firstTime(byte[] digest) {
        return seen.putIfAbsent(HexFormat.of().formatHex(digest), Boolean.TRUE) == null;
    }
}
