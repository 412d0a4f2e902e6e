package org.qkdv2i.qkd.postprocessing.hash;

import java.security.SecureRandom;

import org.bouncycastle.util.Arrays;
import org.qkdv2i.qkd.postprocessing.Bits;
import org.qkdv2i.qkd.postprocessing.auth.Ghash;

/**
 * Key verification after error correction: Alice picks a fresh random evaluation point r (public),
 * sends r and the truncated polynomial hash of her corrected key; Bob hashes his key at r and
 * compares. A mismatch means discard the block.
 *
 * <p>The hash is the GF(2^128) polynomial (GHASH) of the key blocks and a length block, evaluated
 * at r, truncated to t bits. For two different keys of L blocks the hash difference is a non-zero
 * polynomial of degree ≤ L + 1; it lands in the 2^(128−t) values with zero leading t bits for at
 * most (L + 1)·2^(128−t) points, so a collision has probability ≤ (L + 1)/2^t. Hence
 * {@link #tagBits} adds ⌈log2(L + 1)⌉ to ⌈log2(1/ε_cor)⌉ (ε_cor as in Lim et al. 2014, Eq. (1)).
 */
public final class PolynomialHash {
    private PolynomialHash() {
    }

    /** Tag length in bits for an n-bit key and correctness ε_cor (at most 128). */
    public static int tagBits(int n, double epsCor) {
        long blocks = (n + 127L) / 128 + 1;
        int t = (int) Math.ceil(-Math.log(epsCor) / Math.log(2)) + (int) Math.ceil(Math.log(blocks + 1.0) / Math.log(2));
        return Math.min(128, Math.max(1, t));
    }

    /** A fresh 16-byte evaluation point. */
    public static byte[] randomPoint(SecureRandom rnd) {
        byte[] r = new byte[16];
        rnd.nextBytes(r);
        return r;
    }

    /** Truncated hash of the first n bits of {@code key} at {@code point16}: ⌈tagBits/8⌉ bytes. */
    public static byte[] tag(long[] key, int n, byte[] point16, int tagBits) {
        if (tagBits < 1 || tagBits > 128) {
            throw new IllegalArgumentException("tag length must be 1..128 bits");
        }
        if (n < 0 || key.length < Bits.words(n)) {
            throw new IllegalArgumentException("key shorter than " + n + " bits");
        }
        Ghash g = new Ghash(point16);
        int words = Bits.words(n);
        for (int w = 0; w < words; w += 2) {
            long lo = key[w];
            long hi = w + 1 < words ? key[w + 1] : 0;
            if (w + 1 >= words || w + 2 >= words) {
                // mask bits beyond n in the last block
                int last = words - 1;
                if (w == last) {
                    lo &= tailMask(n);
                } else {
                    hi &= tailMask(n);
                }
            }
            g.updateLongs(lo, hi);
        }
        g.updateLengths(0, n);
        byte[] full = g.digest();
        g.wipe();
        byte[] out = java.util.Arrays.copyOf(full, (tagBits + 7) >>> 3);
        if ((tagBits & 7) != 0) {
            out[out.length - 1] &= (byte) (0xff << (8 - (tagBits & 7)));
        }
        return out;
    }

    private static long tailMask(int n) {
        return (n & 63) == 0 ? -1L : (1L << n) - 1;
    }

    /** Constant-time comparison of two tags. */
    public static boolean matches(byte[] a, byte[] b) {
        return Arrays.constantTimeAreEqual(a, b);
    }
}
