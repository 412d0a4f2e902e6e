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

    static void until(String what, long timeoutMillis, BooleanSupplier condition, Supplier<String> state) {
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
