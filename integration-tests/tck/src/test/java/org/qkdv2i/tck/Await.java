package org.qkdv2i.tck;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition until a deadline: the kit's only way of waiting. */
public final class Await {

    private Await() {
    }

    public static void until(String what, long timeoutMillis, BooleanSupplier condition) {
        until(what, timeoutMillis, condition, () -> "");
    }

    /** As {@link #until(String, long, BooleanSupplier)}; {@code detail} is added to the failure message. */
    public static void until(String what, long timeoutMillis, BooleanSupplier condition, Supplier<String> detail) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        RuntimeException last = null;
        while (true) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                String d = detail.get();
                AssertionError err = new AssertionError("timed out after " + timeoutMillis + " ms waiting for " + what
                        + (d.isEmpty() ? "" : ": " + d) + (last == null ? "" : " (last error: " + last + ")"));
                if (last != null) {
                    err.initCause(last);
                }
                throw err;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // poll interval, not synchronisation
        }
    }

    /**
     * Watches for {@code windowMillis} that {@code violation} stays null; fails at once with its
     * text when it is not. An observation window for a negative property ("no call after
     * detach"), not a wait for something to happen.
     */
    public static void never(String what, long windowMillis, Supplier<String> violation) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(windowMillis);
        do {
            String v = violation.get();
            if (v != null) {
                throw new AssertionError(what + ": " + v);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        } while (System.nanoTime() < end);
        String v = violation.get();
        if (v != null) {
            throw new AssertionError(what + ": " + v);
        }
    }
}
