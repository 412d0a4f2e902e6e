package org.qkdv2i.v2x.codec.internal.security;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.bouncycastle.crypto.params.ECPublicKeyParameters;

/**
 * Remembers results that depend only on certificate contents: "certificate C's signature verifies
 * under issuer certificate I" and C's decompressed verification key. Keyed by full SHA-256 hashes
 * of the encodings (not the 64-bit HashedId8), so a cached verdict can never be borrowed by another
 * certificate. Trust (roots), validity and permissions are still judged for every message. An RSU
 * thus pays one ECDSA verification per message instead of one per certificate (about 3×).
 * Bounded: cleared when full.
 */
final class SignatureMemo {

    static final int CAPACITY = 4096;

    private final Map<ByteBuffer, Boolean> verifiedPairs = new ConcurrentHashMap<>();
    private final Map<ByteBuffer, ECPublicKeyParameters> keys = new ConcurrentHashMap<>();

    /** The arguments are full SHA-256 hashes of the encodings ({@link ParsedCertificates.Parsed#sha256()}). */
    private static ByteBuffer id(byte[] a, byte[] b) {
        byte[] k = new byte[b == null ? 32 : 64];
        System.arraycopy(a, 0, k, 0, 32);
        if (b != null) {
            System.arraycopy(b, 0, k, 32, 32);
        }
        return ByteBuffer.wrap(k);
    }

    boolean verified(byte[] certificateSha256, byte[] issuerSha256) {
        return verifiedPairs.containsKey(id(certificateSha256, issuerSha256));
    }

    void rememberVerified(byte[] certificateSha256, byte[] issuerSha256) {
        if (verifiedPairs.size() >= CAPACITY) {
            verifiedPairs.clear();
        }
        verifiedPairs.put(id(certificateSha256, issuerSha256), Boolean.TRUE);
    }

    ECPublicKeyParameters key(byte[] certificateSha256) {
        return keys.get(id(certificateSha256, null));
    }

    void rememberKey(byte[] certificateSha256, ECPublicKeyParameters key) {
        if (keys.size() >= CAPACITY) {
            keys.clear();
        }
        keys.put(id(certificateSha256, null), key);
    }
}
