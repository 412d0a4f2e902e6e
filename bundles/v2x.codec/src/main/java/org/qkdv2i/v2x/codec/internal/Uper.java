package org.qkdv2i.v2x.codec.internal;

/** Arithmetic shared by the reader and the writer. */
final class Uper {
    private Uper() {
    }

    /** Bits for a constrained whole number with range ub - lb + 1 (X.691 §11.5.7.1 unaligned); 0 for a single value. */
    static int bitsForRange(long lb, long ub) {
        long range = ub - lb; // values 0..range
        return range == 0 ? 0 : 64 - Long.numberOfLeadingZeros(range);
    }

    static byte[] unsignedOctets(long n) {
        int len = Math.max(1, (64 - Long.numberOfLeadingZeros(n) + 7) / 8);
        byte[] out = new byte[len];
        for (int i = 0; i < len; i++) {
            out[len - 1 - i] = (byte) (n >>> (8 * i));
        }
        return out;
    }

    /** Two's complement in the fewest octets (X.691 §11.4). */
    static byte[] signedOctets(long v) {
        int len = 1;
        while (len < 8 && (v < -(1L << (8 * len - 1)) || v >= (1L << (8 * len - 1)))) {
            len++;
        }
        byte[] out = new byte[len];
        for (int i = 0; i < len; i++) {
            out[len - 1 - i] = (byte) (v >>> (8 * i));
        }
        return out;
    }
}
