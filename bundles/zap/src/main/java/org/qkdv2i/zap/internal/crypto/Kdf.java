package org.qkdv2i.zap.internal.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.macs.KMAC;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * KMAC256 (NIST SP 800-185 §4) as KDF and MAC, and SHA-256. Every use names its purpose in
 * the customisation string "qkdv2i/&lt;purpose&gt;/v1", so no two purposes share an output.
 */
public final class Kdf {

    private Kdf() {
    }

    /** KMAC256(key, data, custom) with an output of {@code outLen} bytes (L = 8·outLen, SP 800-185 §4.3). */
    public static byte[] kmac(byte[] key, String custom, int outLen, byte[]... data) {
        KMAC kmac = new KMAC(256, custom.getBytes(StandardCharsets.UTF_8));
        kmac.init(new KeyParameter(key));
        for (byte[] d : data) {
            // length-prefix every part: ("ab","c") and ("a","bc") must not collide
            kmac.update(ByteBuffer.allocate(4).putInt(d.length).array(), 0, 4);
            kmac.update(d, 0, d.length);
        }
        byte[] out = new byte[outLen];
        kmac.doFinal(out, 0, outLen);
        return out;
    }

    /** 32-byte KMAC256. */
    public static byte[] kmac(byte[] key, String custom, byte[]... data) {
        return kmac(key, custom, 32, data);
    }

    /** HKDF-SHA256 (RFC 5869) extract-and-expand; for long inputs (KMAC keys stop at 255 bytes). */
    public static byte[] hkdf(byte[] ikm, String salt, byte[] info, int outLen) {
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(ikm, utf8(salt), info));
        byte[] out = new byte[outLen];
        hkdf.generateBytes(out, 0, outLen);
        return out;
    }

    public static byte[] sha256(byte[]... parts) {
        SHA256Digest d = new SHA256Digest();
        for (byte[] p : parts) {
            d.update(p, 0, p.length);
        }
        byte[] out = new byte[32];
        d.doFinal(out, 0);
        return out;
    }

    /** SHA-256 over length-prefixed parts (unambiguous concatenation). */
    public static byte[] sha256Framed(byte[]... parts) {
        SHA256Digest d = new SHA256Digest();
        for (byte[] p : parts) {
            d.update(ByteBuffer.allocate(4).putInt(p.length).array(), 0, 4);
            d.update(p, 0, p.length);
        }
        byte[] out = new byte[32];
        d.doFinal(out, 0);
        return out;
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Constant-time comparison for tags. */
    public static boolean equal(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }
}
