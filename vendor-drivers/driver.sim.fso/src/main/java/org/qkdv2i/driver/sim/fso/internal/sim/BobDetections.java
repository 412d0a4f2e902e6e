package org.qkdv2i.driver.sim.fso.internal.sim;

import java.util.Arrays;

/**
 * Bob's own measurement record for a batch: the pulse indices at which a detector clicked,
 * the basis he measured in and the bit he got. This is all Bob's protocol code ever sees of
 * the quantum channel.
 */
public final class BobDetections {

    public final long firstPulse;
    public final int pulses;
    int size;
    long[] index;
    byte[] basis;
    byte[] bit;

    BobDetections(long firstPulse, int pulses, int capacity) {
        this.firstPulse = firstPulse;
        this.pulses = pulses;
        int c = Math.max(16, capacity);
        index = new long[c];
        basis = new byte[c];
        bit = new byte[c];
    }

    void add(long idx, int b, int v) {
        put(idx, b, v, 1);
    }

    /**
     * Writes a click at the end and keeps it when {@code keep} is 1 (0: the slot is reused), so
     * the detector's loop needs no branch on whether a detector was dead.
     */
    void put(long idx, int b, int v, int keep) {
        if (size == index.length) {
            index = Arrays.copyOf(index, size * 2);
            basis = Arrays.copyOf(basis, size * 2);
            bit = Arrays.copyOf(bit, size * 2);
        }
        index[size] = idx;
        basis[size] = (byte) b;
        bit[size] = (byte) v;
        size += keep;
    }

    public int size() {
        return size;
    }

    public long index(int i) {
        return index[i];
    }

    public int basis(int i) {
        return basis[i];
    }

    public int bit(int i) {
        return bit[i];
    }

    /** Copies all clicks to {@code at} in the three arrays (bulk copies: Bob gathers a round's clicks). */
    public void copyTo(long[] idx, byte[] basisOut, byte[] bitOut, int at) {
        System.arraycopy(index, 0, idx, at, size);
        System.arraycopy(basis, 0, basisOut, at, size);
        System.arraycopy(bit, 0, bitOut, at, size);
    }

    /** Overwrites the measured bits (Bob's raw key is secret). */
    public void wipe() {
        Arrays.fill(bit, (byte) 0);
    }
}
