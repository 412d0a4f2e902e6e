package org.qkdv2i.v2x.codec.internal.security;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.bouncycastle.oer.its.ieee1609dot2.Certificate;
import org.qkdv2i.v2x.codec.internal.security.Oer.Failure;

/**
 * Certificates already parsed, by the full SHA-256 of their encoding. Parsing (COER, then the
 * re-encoding that proves the input canonical) is a pure function of the octets and was about half
 * of a verification's CPU once the ECDSA work is memoised: a signer certificate and its issuers were
 * parsed again for every message. BC's parsed objects are immutable, so receivers may share them;
 * only successful parses are kept, and every check on the contents still runs for each message.
 * Bounded: cleared when full (a city holds ≈ 1,050 tickets plus its authorities).
 */
final class ParsedCertificates {
    static final int CAPACITY = 8192;

    /** A parsed certificate and the full SHA-256 of its encoding (the key of every certificate memo). */
    record Parsed(Certificate certificate, byte[] sha256) {
    }

    private final Map<ByteBuffer, Parsed> parsed = new ConcurrentHashMap<>();
    private final int capacity;

    ParsedCertificates() {
        this(CAPACITY);
    }

    ParsedCertificates(int capacity) {
        this.capacity = capacity;
    }

    Parsed parse(byte[] bytes, String what) throws Failure {
        if (bytes == null || bytes.length == 0 || bytes.length > Oer.MAX_INPUT) {
            OerIeee1609Dot2Codec.parseCertificate(bytes, what); // throws the parser's own error
            throw new IllegalStateException("unreachable: " + what + " parsed without octets");
        }
        byte[] sha256 = Ecdsa256.sha256(bytes);
        ByteBuffer id = ByteBuffer.wrap(sha256);
        Parsed c = parsed.get(id);
        if (c == null) {
            c = new Parsed(OerIeee1609Dot2Codec.parseCertificate(bytes, what), sha256);
            if (parsed.size() >= capacity) {
                parsed.clear();
            }
            parsed.put(id, c);
        }
        return c;
    }

    int size() {
        return parsed.size();
    }
}
