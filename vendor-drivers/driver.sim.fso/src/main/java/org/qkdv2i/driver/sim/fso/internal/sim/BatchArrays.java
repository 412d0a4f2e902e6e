package org.qkdv2i.driver.sim.fso.internal.sim;

import java.util.ArrayDeque;

/**
 * Alice's recycled per-batch arrays (pulse indices and packed states): her ledger holds every
 * emitted batch's arrays for the whole round and hands them back when the round is wiped, so a
 * running link stops allocating (and the collector stops copying) ≈ 20 MB per simulated second.
 * Alice's source thread takes arrays while her protocol thread wipes the previous round's ledger
 * (rounds overlap), hence synchronized; arrays come back zeroed (state) by {@link AliceLedger#wipe()}.
 */
final class BatchArrays {

    /** Enough for rounds of a few simulated seconds at one batch per millisecond. */
    private static final int MAX_POOLED = 4096;

    private final ArrayDeque<long[]> index = new ArrayDeque<>();
    private final ArrayDeque<byte[]> state = new ArrayDeque<>();

    /** A batch backed by recycled arrays of at least {@code capacity}, or new ones. */
    synchronized QubitBatch batch(long firstPulse, int pulses, double lightCps, int capacity) {
        while (!index.isEmpty()) {
            long[] ix = index.pop();
            byte[] st = state.pop();
            if (ix.length >= capacity) {
                return new QubitBatch(firstPulse, pulses, lightCps, ix, st);
            }
            // too small for this channel (e.g. after a weather change): let it go
        }
        // a quarter more than asked: the capacity follows each batch's fading sample, and arrays sized
        // exactly were too small for the next, larger batch and dropped — most of every round's arrays
        return new QubitBatch(firstPulse, pulses, lightCps, capacity + (capacity >>> 2));
    }

    synchronized void recycle(long[] ix, byte[] st) {
        if (index.size() < MAX_POOLED && ix.length == st.length) {
            index.push(ix);
            state.push(st);
        }
    }

    /**
     * A wiped round's arrays, {@code ix[0..count)} and {@code st[0..count)}, under one lock: per array the
     * lock was taken 2,000 times a round while the source's thread took arrays for the next round.
     */
    synchronized void recycleAll(long[][] ix, byte[][] st, int count) {
        for (int b = 0; b < count && index.size() < MAX_POOLED; b++) {
            if (ix[b].length == st[b].length) {
                index.push(ix[b]);
                state.push(st[b]);
            }
        }
    }
}
