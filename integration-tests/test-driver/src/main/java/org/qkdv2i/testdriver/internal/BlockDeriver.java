package org.qkdv2i.testdriver.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Derives block {@code n} of a link from the shared seed alone, so both ends hold the same
 * ID and bytes without exchanging anything. Key: HMAC-SHA256 keyed by the seed over
 * (label, linkId, n, counter), counter-mode expanded to the block size. ID: SHA-256 over
 * (label, seed, linkId, n), cut to 128 bits and stamped as an RFC 9562 version-8 UUID.
 * Fields are length-prefixed so that no two (linkId, n) pairs share an input.
 */
final class BlockDeriver {

    private static final byte[] KEY_LABEL = "qkdv2i-testdriver-key".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ID_LABEL = "qkdv2i-testdriver-id".getBytes(StandardCharsets.US_ASCII);

    private final byte[] seed;
    private final byte[] linkId;
    private final int blockBytes;

    BlockDeriver(String seed, String linkId, int blockBits) {
        if (seed == null || seed.isEmpty()) {
            throw new IllegalArgumentException("seed must not be empty");
        }
        if (linkId == null || linkId.isBlank()) {
            throw new IllegalArgumentException("linkId must not be empty");
        }
        if (blockBits <= 0 || blockBits % 8 != 0) {
            throw new IllegalArgumentException("blockBits must be a positive multiple of 8, got " + blockBits);
        }
        this.seed = seed.getBytes(StandardCharsets.UTF_8);
        this.linkId = linkId.getBytes(StandardCharsets.UTF_8);
        this.blockBytes = blockBits / 8;
    }

    int blockBytes() {
        return blockBytes;
    }

    /** The ID of block {@code n}. */
    UUID id(long n) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(ID_LABEL);
            updatePrefixed(sha, seed);
            updatePrefixed(sha, linkId);
            sha.update(ByteBuffer.allocate(8).putLong(n).array());
            byte[] h = sha.digest();
            ByteBuffer b = ByteBuffer.wrap(h);
            long msb = b.getLong();
            long lsb = b.getLong();
            Arrays.fill(h, (byte) 0);
            msb = (msb & ~0xF000L) | 0x8000L;                 // version 8 (custom)
            lsb = (lsb & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // RFC variant
            return new UUID(msb, lsb);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** A fresh array with the key bytes of block {@code n}; the caller zeroises it. */
    byte[] key(long n) {
        byte[] out = new byte[blockBytes];
        byte[] t = null;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            SecretKeySpec k = new SecretKeySpec(seed, "HmacSHA256");
            mac.init(k);
            byte[] prefix = ByteBuffer.allocate(KEY_LABEL.length + 4 + linkId.length + 8)
                    .put(KEY_LABEL).putInt(linkId.length).put(linkId).putLong(n).array();
            int off = 0;
            for (int counter = 0; off < blockBytes; counter++) {
                mac.update(prefix);
                mac.update(ByteBuffer.allocate(4).putInt(counter).array());
                t = mac.doFinal();
                int len = Math.min(t.length, blockBytes - off);
                System.arraycopy(t, 0, out, off, len);
                Arrays.fill(t, (byte) 0);
                off += len;
            }
            return out;
        } catch (GeneralSecurityException e) {
            Arrays.fill(out, (byte) 0);
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        } finally {
            if (t != null) {
                Arrays.fill(t, (byte) 0);
            }
        }
    }

    /** Forgets the seed. */
    void destroy() {
        Arrays.fill(seed, (byte) 0);
    }

    private static void updatePrefixed(MessageDigest sha, byte[] v) {
        sha.update(ByteBuffer.allocate(4).putInt(v.length).array());
        sha.update(v);
    }
}
