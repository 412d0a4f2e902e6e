package org.qkdv2i.zap.internal.message;

/**
 * AES-256-GCM for one direction of an {@link AeadChannel} under one key (NIST SP 800-38D,
 * 96-bit nonce, 128-bit tag): the only thing the two implementations differ in. Framing,
 * nonces, AAD, replay, age, epoch and segment checks stay in the channel. Not thread-safe: the
 * channel serialises each direction.
 */
interface GcmCipher {

    int TAG_BYTES = 16;

    /**
     * Nonce of the re-key with zeros in {@link #destroy}: all ones, never a channel's nonce (its
     * sequence number stays below 2^63), so neither backend sees a key/nonce pair twice.
     */
    static byte[] destroyNonce() {
        byte[] n = new byte[12];
        java.util.Arrays.fill(n, (byte) 0xFF);
        return n;
    }

    /**
     * Encrypts {@code payload} into {@code out} at {@code aadLength}, tag after it. AAD =
     * {@code out[0, aadLength) || extraAad}.
     */
    void seal(byte[] nonce, byte[] out, int aadLength, byte[] extraAad, byte[] payload);

    /**
     * Decrypts {@code wire[aadLength, wire.length)} (ciphertext || tag) into {@code plain}
     * (length {@code wire.length - aadLength - 16}). AAD = {@code wire[0, aadLength) || extraAad}.
     *
     * @return false if the tag does not verify; {@code plain} is then all zero
     */
    boolean open(byte[] nonce, byte[] wire, int aadLength, byte[] extraAad, byte[] plain);

    /** Overwrites the key material this object can reach; unusable afterwards. */
    void destroy();

    /** Makes the cipher of one direction; {@code key} is copied, the caller zeroises its array. */
    @FunctionalInterface
    interface Factory {
        GcmCipher create(byte[] key, boolean forEncryption);
    }
}
