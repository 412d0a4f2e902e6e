package org.qkdv2i.qkd.postprocessing.auth;

import java.util.Arrays;

import org.bouncycastle.crypto.modes.gcm.GCMMultiplier;
import org.bouncycastle.crypto.modes.gcm.Tables4kGCMMultiplier;

/**
 * Polynomial hash over GF(2^128) in the GCM field (GHASH, NIST SP 800-38D §6.4):
 * X_i = (X_{i−1} ⊕ B_i)·H. For two distinct inputs of L blocks each, the XOR of their hashes is
 * a non-zero polynomial of degree ≤ L in H, so it takes any fixed value for at most L of the 2^128
 * keys: ε-almost-XOR-universal with ε = L/2^128 (what Wegman–Carter needs). Public so that a
 * driver managing its own one-time pads ({@link WegmanCarter} keeps them in memory) hashes with
 * the same code. Not thread-safe; {@link #fresh()} gives each thread or message its own state.
 */
public final class Ghash {
    private final GCMMultiplier mul;
    private final byte[] x = new byte[16];

    public Ghash(byte[] key16) {
        if (key16.length != 16) {
            throw new IllegalArgumentException("GHASH key is 16 bytes");
        }
        mul = new Tables4kGCMMultiplier();
        mul.init(key16.clone());
    }

    private Ghash(GCMMultiplier keyed) {
        mul = keyed;
    }

    /**
     * A hash under the same key with an empty state, sharing this one's key tables (read-only
     * once built); {@link #wipe()} on either wipes the key of both.
     */
    public Ghash fresh() {
        return new Ghash(mul);
    }

    public void reset() {
        Arrays.fill(x, (byte) 0);
    }

    public void update(byte[] data, int off, int len) {
        int end = off + len;
        while (off < end) {
            int k = Math.min(16, end - off);
            for (int i = 0; i < k; i++) {
                x[i] ^= data[off + i];
            }
            mul.multiplyH(x);
            off += k;
        }
    }

    /** Absorbs 16 bytes given as two little-endian longs (bit-packed key words). */
    public void updateLongs(long lo, long hi) {
        for (int i = 0; i < 8; i++) {
            x[i] ^= (byte) (lo >>> (8 * i));
            x[8 + i] ^= (byte) (hi >>> (8 * i));
        }
        mul.multiplyH(x);
    }

    /** Absorbs the final length block (two 64-bit big-endian counts, as in GCM). */
    public void updateLengths(long a, long b) {
        for (int i = 0; i < 8; i++) {
            x[7 - i] ^= (byte) (a >>> (8 * i));
            x[15 - i] ^= (byte) (b >>> (8 * i));
        }
        mul.multiplyH(x);
    }

    public byte[] digest() {
        byte[] out = x.clone();
        reset();
        return out;
    }

    /** Wipes the running state (the multiplier tables cannot be wiped through BC's API). */
    public void wipe() {
        reset();
        mul.init(new byte[16]);
    }
}
