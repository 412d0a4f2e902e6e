package org.qkdv2i.qkd.postprocessing;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Bit-packed bit strings: bit {@code i} lives in word {@code i >>> 6} at position {@code i & 63}
 * (little-endian within a word). Bits beyond the length in the last word are kept zero.
 */
public final class Bits {
    private Bits() {
    }

    /** Number of 64-bit words for {@code n} bits. */
    public static int words(int n) {
        return (n + 63) >>> 6;
    }

    public static boolean get(long[] a, int i) {
        return ((a[i >>> 6] >>> i) & 1L) != 0;
    }

    public static int bit(long[] a, int i) {
        return (int) (a[i >>> 6] >>> i) & 1;
    }

    public static void set(long[] a, int i, boolean v) {
        if (v) {
            a[i >>> 6] |= 1L << i;
        } else {
            a[i >>> 6] &= ~(1L << i);
        }
    }

    public static void flip(long[] a, int i) {
        a[i >>> 6] ^= 1L << i;
    }

    /** Parity (0 or 1) of bits {@code [from, to)}. */
    public static int parity(long[] a, int from, int to) {
        if (from >= to) {
            return 0;
        }
        int fw = from >>> 6, lw = (to - 1) >>> 6;
        long lowMask = -1L << from;              // bits >= from in the first word
        long highMask = -1L >>> (63 - ((to - 1) & 63)); // bits <= to-1 in the last word
        if (fw == lw) {
            return Long.bitCount(a[fw] & lowMask & highMask) & 1;
        }
        long x = (a[fw] & lowMask) ^ (a[lw] & highMask);
        for (int w = fw + 1; w < lw; w++) {
            x ^= a[w];
        }
        return Long.bitCount(x) & 1;
    }

    /** Number of positions in {@code [0, n)} where {@code a} and {@code b} differ. */
    public static int hammingDistance(long[] a, long[] b, int n) {
        int d = 0;
        int full = n >>> 6;
        for (int w = 0; w < full; w++) {
            d += Long.bitCount(a[w] ^ b[w]);
        }
        if ((n & 63) != 0) {
            d += Long.bitCount((a[full] ^ b[full]) & ((1L << n) - 1));
        }
        return d;
    }

    /** {@code n} uniformly random bits. */
    public static long[] random(int n, RandomGenerator rnd) {
        long[] a = new long[words(n)];
        for (int w = 0; w < a.length; w++) {
            a[w] = rnd.nextLong();
        }
        clearTail(a, n);
        return a;
    }

    /** Copy of {@code a} with each bit flipped independently with probability {@code p}. */
    public static long[] withErrors(long[] a, int n, double p, RandomGenerator rnd) {
        long[] b = Arrays.copyOf(a, words(n));
        for (int i = 0; i < n; i++) {
            if (rnd.nextDouble() < p) {
                flip(b, i);
            }
        }
        return b;
    }

    /** Zeroes bits at and above {@code n} in the last word. */
    public static void clearTail(long[] a, int n) {
        if ((n & 63) != 0 && a.length > 0) {
            a[(n - 1) >>> 6] &= (1L << n) - 1;
        }
    }

    /** Packs the bits {@code src[idx[0]], src[idx[1]], ...} (0/1 bytes) into a new array. */
    public static long[] select(byte[] src, int[] idx) {
        long[] out = new long[words(idx.length)];
        for (int i = 0; i < idx.length; i++) {
            out[i >>> 6] |= (long) (src[idx[i]] & 1) << i;
        }
        return out;
    }

    /** Packs the bits {@code src[idx[0]], src[idx[1]], ...} of a packed array into a new array. */
    public static long[] select(long[] src, int[] idx) {
        long[] out = new long[words(idx.length)];
        for (int i = 0; i < idx.length; i++) {
            out[i >>> 6] |= (long) bit(src, idx[i]) << i;
        }
        return out;
    }

    /** Packs an array of 0/1 bytes. */
    public static long[] pack(byte[] bits) {
        long[] out = new long[words(bits.length)];
        for (int i = 0; i < bits.length; i++) {
            out[i >>> 6] |= (long) (bits[i] & 1) << i;
        }
        return out;
    }

    /** The first {@code n} bits as bytes, bit {@code i} at byte {@code i/8}, bit {@code i%8} (LSB first). */
    public static byte[] toBytes(long[] a, int n) {
        byte[] out = new byte[(n + 7) >>> 3];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) (a[i >>> 3] >>> ((i & 7) << 3));
        }
        if ((n & 7) != 0) {
            out[out.length - 1] &= (byte) ((1 << (n & 7)) - 1);
        }
        return out;
    }

    /** Inverse of {@link #toBytes}: {@code n} bits from bytes (LSB first). */
    public static long[] fromBytes(byte[] b, int n) {
        if (b.length * 8L < n) {
            throw new IllegalArgumentException("need " + n + " bits, have " + b.length * 8L);
        }
        long[] out = new long[words(n)];
        for (int i = 0; i < (n + 7) >>> 3; i++) {
            out[i >>> 3] |= (long) (b[i] & 0xff) << ((i & 7) << 3);
        }
        clearTail(out, n);
        return out;
    }

    /** The bits {@code [from, from + len)} as a new packed array. */
    public static long[] slice(long[] a, int from, int len) {
        long[] out = new long[words(len)];
        int sh = from & 63, w0 = from >>> 6;
        for (int w = 0; w < out.length; w++) {
            long lo = w0 + w < a.length ? a[w0 + w] >>> sh : 0;
            long hi = sh != 0 && w0 + w + 1 < a.length ? a[w0 + w + 1] << (64 - sh) : 0;
            out[w] = lo | hi;
        }
        clearTail(out, len);
        return out;
    }

    /** Zeroises key material. */
    public static void wipe(long[] a) {
        if (a != null) {
            Arrays.fill(a, 0L);
        }
    }
}
