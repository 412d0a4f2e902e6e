package org.qkdv2i.v2x.codec.internal;

import java.util.Arrays;

/**
 * Writes ITU-T X.691 unaligned PER (UPER): bits are appended most significant first, with
 * no octet alignment anywhere. Not thread-safe; one per encoding.
 */
final class BitWriter {
    private byte[] buf = new byte[64];
    private long bitPos;

    /** Appends the low {@code n} bits of {@code value} (0 <= n <= 64), most significant first. */
    void bits(long value, int n) {
        ensure(n);
        for (int i = n - 1; i >= 0; i--) {
            if ((value >>> i & 1) != 0) {
                buf[(int) (bitPos >>> 3)] |= (byte) (0x80 >>> (int) (bitPos & 7));
            }
            bitPos++;
        }
    }

    void bit(boolean b) {
        ensure(1);
        if (b) {
            buf[(int) (bitPos >>> 3)] |= (byte) (0x80 >>> (int) (bitPos & 7));
        }
        bitPos++;
    }

    /** X.691 §11.5.7 (unaligned): constrained whole number in the minimal number of bits for the range. */
    void constrained(long value, long lb, long ub, String field) {
        if (value < lb || value > ub) {
            throw new IllegalArgumentException(field + " " + value + " outside " + lb + ".." + ub);
        }
        bits(value - lb, Uper.bitsForRange(lb, ub));
    }

    /** X.691 §11.6: normally small non-negative whole number (extension bitmap lengths, CHOICE extension indexes). */
    void normallySmall(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("normally small number " + n + " is negative");
        }
        if (n <= 63) {
            bit(false);
            bits(n, 6);
        } else {
            bit(true);
            byte[] mag = Uper.unsignedOctets(n);
            lengthGeneral(mag.length);
            octets(mag);
        }
    }

    /** X.691 §11.9.3.6-8 (unaligned, no upper bound): length determinant up to 16383. */
    void lengthGeneral(int n) {
        if (n < 0 || n > 16383) {
            throw new IllegalArgumentException("length " + n + " needs fragmentation, not supported");
        }
        if (n < 128) {
            bits(n, 8);
        } else {
            bits(0x8000 | n, 16);
        }
    }

    /** X.691 §11.8: unconstrained whole number, two's complement in the minimal number of octets, with a length. */
    void unconstrained(long value) {
        byte[] v = Uper.signedOctets(value);
        lengthGeneral(v.length);
        octets(v);
    }

    void octets(byte[] data) {
        for (byte b : data) {
            bits(b & 0xFF, 8);
        }
    }

    /** An open type (X.691 §11.2): the complete encoding of a value, octet-padded, after a length in octets. */
    void openType(byte[] encodedValue) {
        lengthGeneral(encodedValue.length);
        octets(encodedValue);
    }

    long bitLength() {
        return bitPos;
    }

    /** The encoding padded with zero bits to whole octets; at least one octet (X.691 §11.1.3). */
    byte[] toByteArray() {
        int len = (int) ((bitPos + 7) >>> 3);
        return Arrays.copyOf(buf, Math.max(1, len));
    }

    private void ensure(int moreBits) {
        long needBytes = (bitPos + moreBits + 7) >>> 3;
        if (needBytes > buf.length) {
            buf = Arrays.copyOf(buf, (int) Math.max(needBytes, buf.length * 2L));
        }
    }
}
