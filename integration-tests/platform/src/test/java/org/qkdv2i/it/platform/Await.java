package org.qkdv2i.it.platform;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition until a deadline: the tests' only way of waiting. */
public final class Await {

    private Await() {
    }

    public static void until(String what, long timeout, TimeUnit unit, BooleanSupplier condition) {
        value(what, timeout, unit, () -> condition.getAsBoolean() ? Boolean.TRUE : null);
    }

    /**
     * No deadline below this: bundle updates, Felix refreshes and TLS handshakes are far slower on a
     * loaded CI runner than here, and a deadline only costs time when the test fails anyway.
     */
    static final long MIN_TIMEOUT_MILLIS = 30_000;

    /** The first non-null value the supplier returns before the deadline (at least {@link #MIN_TIMEOUT_MILLIS}). */
    public static <T> T value(String what, long requested, TimeUnit requestedUnit, Supplier<T> supplier) {
        long timeout = Math.max(requestedUnit.toMillis(requested), MIN_TIMEOUT_MILLIS);
        TimeUnit unit = TimeUnit.MILLISECONDS;
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        RuntimeException last = null;
        while (true) {
            try {
                T v = supplier.get();
                if (v != null) {
                    return v;
                }
            } catch (RuntimeException e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                AssertionError err = new AssertionError("timed out after " + unit.toMillis(timeout) + " ms waiting for "
                        + what + (last == null ? "" : " (last error: " + last + ")"));
                if (last != null) {
                    err.initCause(last);
                }
                throw err;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // poll interval, not synchronisation
        }
    }
}
