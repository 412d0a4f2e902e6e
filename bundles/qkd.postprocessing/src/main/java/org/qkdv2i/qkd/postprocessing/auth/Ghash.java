package org.qkdv2i.qkd.postprocessing.auth;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Polynomial hash over GF(2^128) in the GCM field (GHASH, NIST SP 800-38D §6.4):
 * X_i = (X_{i−1} ⊕ B_i)·H. For two distinct inputs of L blocks each, the XOR of their hashes is
 * a non-zero polynomial of degree ≤ L in H, so it takes any fixed value for at most L of the 2^128
 * keys: ε-almost-XOR-universal with ε = L/2^128 (what Wegman–Carter needs). Public so that a
 * driver managing its own one-time pads ({@link WegmanCarter} keeps them in memory) hashes with
 * the same code. Not thread-safe; {@link #fresh()} gives each thread or message its own state.
 *
 * <p>Multiplication by the fixed H uses 16 tables of 256 products (64 KiB, the "64K tables" of
 * SP 800-38D's reference implementation and Bouncy Castle's {@code Tables64kGCMMultiplier}):
 * X·H = ⊕_i T_i[X_i], 16 look-ups per block. The state stays in two longs and input is read
 * eight bytes at a time, so a block costs ~40 instructions instead of Bouncy Castle's
 * byte-array round trip per block (the transcript of a round hashes MBs). Results are bit for bit
 * those of GCM's GHASH ({@code GhashTest}: GCM test vectors and Bouncy Castle's multiplier).
 */
public final class Ghash {
    private static final VarHandle BE_LONG = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.BIG_ENDIAN);
    /** x^128 = x^7 + x^2 + x + 1, in GCM's reflected bit order (SP 800-38D §6.3, R = 11100001 ‖ 0^120). */
    private static final long R = 0xE100000000000000L;

    /** T[(i·256 + b)·2] / [+1]: high / low half of (byte b at position i)·H; shared with {@link #fresh()} copies. */
    private final long[] t;
    private long x0, x1; // state, bytes 0–7 and 8–15 big-endian

    public Ghash(byte[] key16) {
        if (key16.length != 16) {
            throw new IllegalArgumentException("GHASH key is 16 bytes");
        }
        t = tables((long) BE_LONG.get(key16, 0), (long) BE_LONG.get(key16, 8));
    }

    private Ghash(long[] tables) {
        t = tables;
    }

    private static long[] tables(long h0, long h1) {
        long[] t = new long[16 * 256 * 2];
        // Bit k of the block (byte k/8, mask 0x80 >>> k%8) is the coefficient of x^k: its product is H·x^k.
        long v0 = h0, v1 = h1;
        for (int k = 0; k < 128; k++) {
            int e = ((k >>> 3) * 256 + (0x80 >>> (k & 7))) * 2;
            t[e] = v0;
            t[e + 1] = v1;
            long carry = -(v1 & 1); // times x: shift right one bit, reduce what falls off
            v1 = v1 >>> 1 | v0 << 63;
            v0 = v0 >>> 1 ^ (carry & R);
        }
        for (int i = 0; i < 16; i++) {
            int base = i * 512;
            for (int b = 3; b < 256; b++) {
                int low = b & -b;
                if (low != b) { // linear: T[b] = T[b without its lowest bit] ⊕ T[lowest bit]
                    int e = base + 2 * b, a = base + 2 * (b ^ low), c = base + 2 * low;
                    t[e] = t[a] ^ t[c];
                    t[e + 1] = t[a + 1] ^ t[c + 1];
                }
            }
        }
        return t;
    }

    /**
     * A hash under the same key with an empty state, sharing this one's key tables (read-only
     * once built); {@link #wipe()} on either wipes the key of both.
     */
    public Ghash fresh() {
        return new Ghash(t);
    }

    public void reset() {
        x0 = 0;
        x1 = 0;
    }

    /** State ⊕= (a, b), then state = state·H. */
    private void absorb(long a, long b) {
        long s0 = x0 ^ a, s1 = x1 ^ b;
        long[] t = this.t;
        long z0 = 0, z1 = 0;
        for (int i = 0; i < 8; i++) {
            int e = (i << 9) + ((int) (s0 >>> (56 - 8 * i)) & 0xFF) * 2;
            z0 ^= t[e];
            z1 ^= t[e + 1];
        }
        for (int i = 0; i < 8; i++) {
            int e = ((i + 8) << 9) + ((int) (s1 >>> (56 - 8 * i)) & 0xFF) * 2;
            z0 ^= t[e];
            z1 ^= t[e + 1];
        }
        x0 = z0;
        x1 = z1;
    }

    /** Absorbs {@code len} bytes as 16-byte blocks, the last one zero-padded (every call ends its own block). */
    public void update(byte[] data, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, data.length);
        int end = off + len;
        for (; off + 16 <= end; off += 16) {
            absorb((long) BE_LONG.get(data, off), (long) BE_LONG.get(data, off + 8));
        }
        if (off < end) {
            long a = 0, b = 0;
            for (int i = 0; off + i < end; i++) {
                long v = (long) (data[off + i] & 0xFF);
                if (i < 8) {
                    a |= v << (56 - 8 * i);
                } else {
                    b |= v << (56 - 8 * (i - 8));
                }
            }
            absorb(a, b);
        }
    }

    /** Absorbs 16 bytes given as two little-endian longs (bit-packed key words). */
    public void updateLongs(long lo, long hi) {
        absorb(Long.reverseBytes(lo), Long.reverseBytes(hi));
    }

    /** Absorbs the final length block (two 64-bit big-endian counts, as in GCM). */
    public void updateLengths(long a, long b) {
        absorb(a, b);
    }

    public byte[] digest() {
        byte[] out = new byte[16];
        BE_LONG.set(out, 0, x0);
        BE_LONG.set(out, 8, x1);
        reset();
        return out;
    }

    /** Wipes the running state and the key tables (shared with {@link #fresh()} copies). */
    public void wipe() {
        reset();
        Arrays.fill(t, 0L);
    }
}
