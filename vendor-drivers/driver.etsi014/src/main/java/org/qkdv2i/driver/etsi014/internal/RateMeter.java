package org.qkdv2i.driver.etsi014.internal;

import java.util.ArrayDeque;

/** Key bits handed over in a sliding window, as a rate in bit/s: the measured pull rate of the link. */
final class RateMeter {

    private final long windowMillis;
    private final ArrayDeque<long[]> events = new ArrayDeque<>();
    private long startMillis = -1;
    private long bitsInWindow;

    RateMeter(long windowMillis) {
        this.windowMillis = windowMillis;
    }

    synchronized void start(long nowMillis) {
        if (startMillis < 0) {
            startMillis = nowMillis;
        }
    }

    synchronized void add(long nowMillis, long bits) {
        start(nowMillis);
        events.addLast(new long[] {nowMillis, bits});
        bitsInWindow += bits;
        trim(nowMillis);
    }

    /** Bits per second over the window (or since the first event when that is shorter, at least 1 s). */
    synchronized double bitsPerSecond(long nowMillis) {
        if (startMillis < 0) {
            return 0;
        }
        trim(nowMillis);
        long span = Math.max(1000, Math.min(windowMillis, nowMillis - startMillis));
        return bitsInWindow * 1000.0 / span;
    }

    private void trim(long nowMillis) {
        while (!events.isEmpty() && events.peekFirst()[0] <= nowMillis - windowMillis) {
            bitsInWindow -= events.removeFirst()[1];
        }
    }
}
