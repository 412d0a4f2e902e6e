package org.qkdv2i.telemetry.mqtt.internal;

import static org.junit.Assert.fail;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition until a deadline (no sleeps as synchronisation). */
final class Await {
    private Await() {
    }

    static void until(String what, long timeoutMillis, BooleanSupplier condition) {
        until(what, timeoutMillis, condition, () -> "");
    }

    /** No deadline below this: a loaded CI runner connects to the broker (TLS, a process) far slower than we do. */
    static final long MIN_TIMEOUT_MILLIS = 30_000;

    static void until(String what, long requestedMillis, BooleanSupplier condition, Supplier<String> state) {
        long timeoutMillis = Math.max(requestedMillis, MIN_TIMEOUT_MILLIS);
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeoutMillis + " ms waiting for " + what + " " + state.get());
            }
            try {
                Thread.sleep(20); // poll interval, not synchronisation: the condition decides
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }
}
