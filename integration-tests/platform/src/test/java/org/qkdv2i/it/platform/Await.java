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

    /** The first non-null value the supplier returns before the deadline. */
    public static <T> T value(String what, long timeout, TimeUnit unit, Supplier<T> supplier) {
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
