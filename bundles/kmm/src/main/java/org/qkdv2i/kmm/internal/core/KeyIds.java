package org.qkdv2i.kmm.internal.core;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.bouncycastle.crypto.digests.SHA256Digest;

/**
 * Rules both KMMs of a link derive identically, so they agree without talking:
 * the ID of each stored key cut from a block, and which half of the link owns it.
 */
public final class KeyIds {

    private static final byte[] LABEL = "qkdv2i/stored-key/v1".getBytes(StandardCharsets.US_ASCII);

    private KeyIds() {
    }

    /**
     * ID of stored key {@code index} of block {@code blockId}: SHA-256(label || block ID || index),
     * first 16 bytes as an RFC 9562 version-8 (custom) UUID. Deterministic, so both ends agree.
     */
    public static UUID storedKeyId(UUID blockId, int index) {
        SHA256Digest d = new SHA256Digest();
        d.update(LABEL, 0, LABEL.length);
        byte[] b = ByteBuffer.allocate(20).putLong(blockId.getMostSignificantBits())
                .putLong(blockId.getLeastSignificantBits()).putInt(index).array();
        d.update(b, 0, b.length);
        byte[] h = new byte[32];
        d.doFinal(h, 0);
        h[6] = (byte) ((h[6] & 0x0f) | 0x80); // version 8
        h[8] = (byte) ((h[8] & 0x3f) | 0x80); // IETF variant
        ByteBuffer bb = ByteBuffer.wrap(h);
        return new UUID(bb.getLong(), bb.getLong());
    }

    /**
     * Direction split: the node that may hand stored key {@code storedKeyId} of link
     * {@code linkId} to its master SAEs. First bit of SHA-256(linkId || storedKeyId):
     * 0 → the lexicographically smaller node ID, 1 → the larger.
     */
    public static String owner(String linkId, UUID storedKeyId, String nodeA, String nodeB) {
        String smaller = nodeA.compareTo(nodeB) <= 0 ? nodeA : nodeB;
        String larger = smaller.equals(nodeA) ? nodeB : nodeA;
        return ownerBit(linkId, storedKeyId) == 0 ? smaller : larger;
    }

    static int ownerBit(String linkId, UUID storedKeyId) {
        SHA256Digest d = new SHA256Digest();
        byte[] l = linkId.getBytes(StandardCharsets.UTF_8);
        d.update(l, 0, l.length);
        byte[] b = ByteBuffer.allocate(16).putLong(storedKeyId.getMostSignificantBits())
                .putLong(storedKeyId.getLeastSignificantBits()).array();
        d.update(b, 0, b.length);
        byte[] h = new byte[32];
        d.doFinal(h, 0);
        return (h[0] >> 7) & 1;
    }
}
