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

    private static ByteBuffer id(byte[] a, byte[] b) {
        byte[] k = new byte[b == null ? 32 : 64];
        System.arraycopy(Ecdsa256.sha256(a), 0, k, 0, 32);
        if (b != null) {
            System.arraycopy(Ecdsa256.sha256(b), 0, k, 32, 32);
        }
        return ByteBuffer.wrap(k);
    }

    boolean verified(byte[] certificate, byte[] issuer) {
        return verifiedPairs.containsKey(id(certificate, issuer));
    }

    void rememberVerified(byte[] certificate, byte[] issuer) {
        if (verifiedPairs.size() >= CAPACITY) {
            verifiedPairs.clear();
        }
        verifiedPairs.put(id(certificate, issuer), Boolean.TRUE);
    }

    ECPublicKeyParameters key(byte[] certificate) {
        return keys.get(id(certificate, null));
    }

    void rememberKey(byte[] certificate, ECPublicKeyParameters key) {
        if (keys.size() >= CAPACITY) {
            keys.clear();
        }
        keys.put(id(certificate, null), key);
    }
}
