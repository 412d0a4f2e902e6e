package org.qkdv2i.zap.internal.message;

import java.nio.charset.StandardCharsets;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.KMAC;
import org.bouncycastle.crypto.params.KeyParameter;

/** Big-endian field access and the small derivations every channel shares. */
final class Bytes {

    private Bytes() {
    }

    static void putLong(byte[] b, int off, long v) {
        for (int i = 7; i >= 0; i--) {
            b[off + i] = (byte) v;
            v >>>= 8;
        }
    }

    static long getLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xFF);
        }
        return v;
    }

    static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    static int getInt(byte[] b, int off) {
        return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The 4-byte segment tag sent in clear so a message of another micro-segment is told apart
     * from a forged one before the tag check: first 4 bytes of
     * SHA-256("qkdv2i/segment/v1" || 0x00 || segment). The segment itself is bound by the tag.
     */
    static int segmentHash(String segment) {
        SHA256Digest d = new SHA256Digest();
        byte[] label = utf8("qkdv2i/segment/v1");
        d.update(label, 0, label.length);
        d.update((byte) 0);
        byte[] s = utf8(segment);
        d.update(s, 0, s.length);
        byte[] out = new byte[32];
        d.doFinal(out, 0);
        return getInt(out, 0);
    }

    /** KMAC256(key, data, L = outLen·8, S = customisation): the one KDF of this package. */
    static byte[] kmac(byte[] key, String customisation, byte[] data, int outLen) {
        KMAC kmac = new KMAC(256, utf8(customisation));
        kmac.init(new KeyParameter(key));
        kmac.update(data, 0, data.length);
        byte[] out = new byte[outLen];
        kmac.doFinal(out, 0, outLen);
        return out;
    }
}
