package org.qkdv2i.kmm.internal;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Waits for a condition another thread brings about, with a deadline (never a fixed sleep). */
public final class Await {

    private Await() {
    }

    /** Polls {@code condition} every few milliseconds; fails after 10 s naming {@code what}. */
    public static void until(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within 10 s");
            }
            Thread.sleep(5); // polling interval of the condition, not synchronisation
        }
    }
}
