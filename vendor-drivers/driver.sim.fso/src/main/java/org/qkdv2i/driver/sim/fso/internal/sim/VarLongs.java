package org.qkdv2i.driver.sim.fso.internal.sim;

/**
 * Unsigned LEB128 varints in a byte array: the compact form of the gaps between detected
 * pulse indices on both channels (most gaps fit in one to three bytes).
 */
public final class VarLongs {

    private VarLongs() {
    }

    /** Writes {@code v} (not negative) at {@code buf[k]}; returns the position after it. */
    public static int put(byte[] buf, int k, long v) {
        while ((v & ~0x7FL) != 0) {
            buf[k++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[k++] = (byte) v;
        return k;
    }

    /**
     * Reads the varint at {@code buf[pos[0]]} and advances {@code pos[0]} past it; a truncated
     * one throws {@link ArrayIndexOutOfBoundsException}, which callers report as a malformed frame.
     */
    public static long get(byte[] buf, int[] pos) {
        long v = 0;
        int shift = 0;
        int b;
        do {
            b = buf[pos[0]++] & 0xFF;
            v |= (long) (b & 0x7F) << shift;
            shift += 7;
        } while ((b & 0x80) != 0 && shift < 63);
        return v;
    }
}
