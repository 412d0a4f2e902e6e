package org.qkdv2i.v2x.codec.security;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * IEEE 1609.2 §6.3.6 HashedId8: the low-order (last) 8 octets of a SHA-256 hash, kept as one
 * big-endian {@code long} so it compares and hashes by value.
 *
 * @param value the 8 octets, big-endian
 */
public record HashedId8(long value) {

    /** From exactly 8 octets. */
    public static HashedId8 of(byte[] octets) {
        if (octets == null || octets.length != 8) {
            throw new IllegalArgumentException("a HashedId8 is 8 octets");
        }
        long v = 0;
        for (byte b : octets) {
            v = (v << 8) | (b & 0xFF);
        }
        return new HashedId8(v);
    }

    /** From 16 hex digits. */
    public static HashedId8 fromHex(String hex) {
        return of(HexFormat.of().parseHex(hex));
    }

    /** The last 8 octets of SHA-256 over {@code data} (§6.3.6). */
    public static HashedId8 ofSha256(byte[] data) {
        byte[] h = sha256(data);
        return of(Arrays.copyOfRange(h, 24, 32));
    }

    /** A certificate's identifier: HashedId8 over its complete COER encoding (§6.4.3). */
    public static HashedId8 ofCertificate(byte[] certificateCoer) {
        return ofSha256(certificateCoer);
    }

    /**
     * The pskRecipInfo of a pre-shared AES-128 key (§6.3.34): HashedId8 over the COER
     * {@code SymmetricEncryptionKey { aes128Ccm: psk }}, i.e. over 0x80 followed by the 16 key
     * octets. The copy is zeroised; the caller zeroises {@code psk16}.
     */
    public static HashedId8 ofPsk(byte[] psk16) {
        if (psk16 == null || psk16.length != 16) {
            throw new IllegalArgumentException("an AES-128-CCM pre-shared key is 16 octets");
        }
        byte[] coer = new byte[17];
        coer[0] = (byte) 0x80; // CHOICE root alternative 0 (X.696 §20)
        System.arraycopy(psk16, 0, coer, 1, 16);
        try {
            return ofSha256(coer);
        } finally {
            Arrays.fill(coer, (byte) 0);
        }
    }

    public byte[] toBytes() {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (value >>> (56 - 8 * i));
        }
        return b;
    }

    @Override
    public String toString() {
        return HexFormat.of().formatHex(toBytes());
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every JRE", e);
        }
    }
}
