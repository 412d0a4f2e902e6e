package org.qkdv2i.kmm.internal.core;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.qkdv2i.kmm.internal.core.PeerTransport.ExtKey;
import org.qkdv2i.kmm.internal.core.PeerTransport.ExtKeysRequest;
import org.qkdv2i.qkd.postprocessing.auth.Ghash;

/**
 * One-time pad and information-theoretic MAC of one relay hop. The link key of a hop (the
 * stored keys named in the message, concatenated in order) is laid out as: 16 bytes GHASH key,
 * 16 bytes tag pad, then the pad of each relayed key in order. The tag is
 * GHASH_H(authenticated data) XOR tag pad (Wegman–Carter: an ε-almost-XOR-universal hash XOR a
 * fresh pad; ε = L/2^128 for L blocks); the authenticated data binds the sender, the receiver,
 * every metadata member and every ciphertext, each length-prefixed, so no member can be moved or
 * changed without the tag failing.
 */
final class RelayCrypto {

    /** GHASH key and tag pad at the front of the hop's link key. */
    static final int MAC_KEY_BYTES = 32;
    static final int TAG_BYTES = 16;
    private static final String DOMAIN = "qkdv2i/relay-hop/v1";

    private RelayCrypto() {
    }

    /** Bytes of link key one hop of {@code keys} keys of {@code keyBits} bits consumes. */
    static long linkKeyBytes(int keys, int keyBits) {
        return MAC_KEY_BYTES + (long) keys * (keyBits / 8);
    }

    /** Stored keys of {@code storedKeyBits} one hop consumes (the remainder of the last is discarded). */
    static int storedKeysNeeded(int keys, int keyBits, int storedKeyBits) {
        long bytes = linkKeyBytes(keys, keyBits);
        int per = storedKeyBits / 8;
        return (int) ((bytes + per - 1) / per);
    }

    /**
     * The hop message: every key XOR its pad, tagged. {@code plain} and {@code pad} stay the
     * caller's (it zeroises them).
     */
    static ExtKeysRequest seal(String sender, String receiver, ExtKeysRequest unsealed, List<UUID> keyIds,
            byte[][] plain, byte[] pad) {
        List<ExtKey> keys = new ArrayList<>(plain.length);
        int off = MAC_KEY_BYTES;
        for (int i = 0; i < plain.length; i++) {
            byte[] c = plain[i].clone();
            xor(c, pad, off);
            off += c.length;
            keys.add(new ExtKey(keyIds.get(i), c, null));
        }
        ExtKeysRequest r = with(unsealed, keys, null);
        return with(r, keys, tag(sender, receiver, r, pad));
    }

    /** Whether the tag verifies (constant-time comparison). */
    static boolean verify(String sender, String receiver, ExtKeysRequest r, byte[] pad) {
        byte[] expect = tag(sender, receiver, r, pad);
        try {
            return r.mac() != null && org.bouncycastle.util.Arrays.constantTimeAreEqual(expect, r.mac());
        } finally {
            Arrays.fill(expect, (byte) 0);
        }
    }

    /** The plain keys of a verified message; the caller zeroises them. */
    static byte[][] open(ExtKeysRequest r, byte[] pad) {
        byte[][] out = new byte[r.keys().size()][];
        int off = MAC_KEY_BYTES;
        for (int i = 0; i < out.length; i++) {
            byte[] k = r.keys().get(i).value().clone();
            xor(k, pad, off);
            off += k.length;
            out[i] = k;
        }
        return out;
    }

    private static ExtKeysRequest with(ExtKeysRequest r, List<ExtKey> keys, byte[] mac) {
        return new ExtKeysRequest(keys, r.initiatorSaeId(), r.targetSaeIds(), r.ackCallbackUrl(), r.virtualLink(),
                r.initiatorNode(), r.targetNode(), r.link(), r.linkKeyIds(), r.keySize(), mac);
    }

    private static byte[] tag(String sender, String receiver, ExtKeysRequest r, byte[] pad) {
        byte[] h = Arrays.copyOfRange(pad, 0, 16);
        Ghash g = new Ghash(h);
        Arrays.fill(h, (byte) 0);
        byte[] data = authenticated(sender, receiver, r);
        try {
            g.update(data, 0, data.length);
            g.updateLengths(0, 8L * data.length);
            byte[] t = g.digest();
            for (int i = 0; i < TAG_BYTES; i++) {
                t[i] ^= pad[16 + i];
            }
            return t;
        } finally {
            g.wipe();
        }
    }

    /** Canonical bytes of everything but the tag; holds ciphertexts only. */
    static byte[] authenticated(String sender, String receiver, ExtKeysRequest r) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(DOMAIN);
            out.writeUTF(sender);
            out.writeUTF(receiver);
            writeString(out, r.initiatorSaeId());
            out.writeInt(r.targetSaeIds().size());
            for (String s : r.targetSaeIds()) {
                writeString(out, s);
            }
            writeString(out, r.ackCallbackUrl());
            writeString(out, r.virtualLink());
            writeString(out, r.initiatorNode());
            writeString(out, r.targetNode());
            writeString(out, r.link());
            out.writeInt(r.linkKeyIds().size());
            for (UUID id : r.linkKeyIds()) {
                out.writeLong(id.getMostSignificantBits());
                out.writeLong(id.getLeastSignificantBits());
            }
            out.writeInt(r.keySize());
            out.writeInt(r.keys().size());
            for (ExtKey k : r.keys()) {
                out.writeLong(k.keyId().getMostSignificantBits());
                out.writeLong(k.keyId().getLeastSignificantBits());
                out.writeInt(k.value().length);
                out.write(k.value());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static void xor(byte[] target, byte[] pad, int off) {
        for (int i = 0; i < target.length; i++) {
            target[i] ^= pad[off + i];
        }
    }
}
