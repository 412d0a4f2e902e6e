package org.qkdv2i.kmm.internal;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Waits for a condition another thread brings about, with a deadline (never a fixed sleep). */
public final class Await {

    private Await() {
    }

    /**
     * Polls {@code condition} every few milliseconds; fails after 30 s naming {@code what} (several
     * tests wait for real TLS round trips between two KMMs: a loaded CI runner needs far more than we do).
     */
    public static void until(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within 30 s");
            }
            Thread.sleep(5); // polling interval of the condition, not synchronisation
        }
    }
}
