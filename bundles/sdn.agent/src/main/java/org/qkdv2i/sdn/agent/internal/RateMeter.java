package org.qkdv2i.sdn.agent.internal;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Rates (per second) of cumulative counters, per link, measured between snapshots of the
 * node model: over the newest sample and the latest one at least {@code windowNanos} old
 * (or the oldest kept). A controller polling every second thus sees rates over ~10 s.
 */
final class RateMeter {

    private record Sample(long nanos, long value) {
    }

    private final long windowNanos;
    private final Map<String, Deque<Sample>> samples = new HashMap<>();

    RateMeter(long windowNanos) {
        this.windowNanos = windowNanos;
    }

    /**
     * Records {@code value} of counter {@code key} at {@code nanos} and returns its rate per
     * second, or null before two samples at different times exist. A counter that went
     * backwards (restart of the KMM) starts over.
     */
    synchronized Long rate(String key, long nanos, long value) {
        Deque<Sample> d = samples.computeIfAbsent(key, k -> new ArrayDeque<>());
        if (!d.isEmpty() && (value < d.peekLast().value() || nanos < d.peekLast().nanos())) {
            d.clear();
        }
        d.addLast(new Sample(nanos, value));
        // drop the oldest while the one after it is already old enough to measure over
        while (d.size() > 2) {
            Sample head = d.pollFirst();
            Sample next = d.peekFirst();
            if (nanos - next.nanos() < windowNanos) {
                d.addFirst(head);
                break;
            }
        }
        if (d.size() > 64) { // polled faster than the window needs: thin out
            Sample keep = d.pollFirst();
            d.pollFirst();
            d.addFirst(keep);
        }
        Sample first = d.peekFirst();
        long dt = nanos - first.nanos();
        if (d.size() < 2 || dt <= 0) {
            return null;
        }
        return Math.round((value - first.value()) * 1e9 / dt);
    }

    /** Forgets counters not in {@code live} (links that left). */
    synchronized void retain(java.util.Set<String> live) {
        samples.keySet().retainAll(live);
    }
}
