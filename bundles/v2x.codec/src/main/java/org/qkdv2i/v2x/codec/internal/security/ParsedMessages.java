package org.qkdv2i.v2x.codec.internal.security;

import java.util.concurrent.atomic.LongAdder;

import org.bouncycastle.oer.its.ieee1609dot2.SignedData;
import org.qkdv2i.v2x.codec.security.SecuredData;

/**
 * Signed messages already parsed, by the full SHA-256 of their received octets: in a city simulated
 * in one JVM the same signed CAM reaches many receivers (an RSU's ≈ 25–30 vehicles), and each of
 * them parsed the same octets and ran the canonical re-encoding check again before its memo hit
 * (≈ 12 µs digest-signed, ≈ 30 µs with a certificate). That work is a pure function of the octets:
 * equal keys mean equal octets (a collision would be a SHA-256 collision; never a truncated hash).
 * <p>
 * Only inputs that parsed, proved canonical (X.696 §8) and became a signed-message model are stored;
 * a malformed, non-canonical, unsupported or unsigned input is never stored (it costs its sender the
 * same each time). What is shared is never mutated: BC's parsed objects have no mutators and the
 * verifier only reads them; the model's octet arrays (payload, included certificate) are copied
 * for each receiver ({@link Parsed#model()}), so no receiver can touch another's. Everything that is
 * judged per receiver (freshness, signer lookup, chain, validity, permissions, the verdict memo's
 * role) still runs for each receiver.
 * <p>
 * Bounded ({@link StripedLru}: least recently used first out, never more than the capacity).
 * Capacity 0 = off (every receiver parses).
 */
final class ParsedMessages {

    /** ≈ 1.5 s of a 1,050-station city's ≈ 2,600 signed CAMs/s (receivers hear a CAM within ms). */
    static final int DEFAULT_CAPACITY = 4096;

    /**
     * A parsed, canonical signed message. {@code signedData}: BC's objects, read only. {@code tbs}
     * and its SHA-256: the ToBeSignedData octets, taken on first use (a slice of the octets, a pure
     * function of them; a race only computes the same array twice).
     */
    static final class Parsed {
        final SignedData signedData;
        private final SecuredData.Signed model;
        private volatile byte[] tbs;
        private volatile byte[] tbsSha256;

        Parsed(SignedData signedData, SecuredData.Signed model) {
            this.signedData = signedData;
            this.model = model;
        }

        /** A receiver's own copy of the model (its arrays are the receiver's, as a fresh parse's are). */
        SecuredData.Signed model() {
            byte[] cert = model.signerCertificate();
            return new SecuredData.Signed(model.header(), model.payload().clone(), model.signerKind(), model.signerId(),
                    cert == null ? null : cert.clone());
        }

        /** ToBeSignedData octets of {@code encoding} (the octets this was parsed from); never written to. */
        byte[] tbs(byte[] encoding) {
            byte[] t = tbs;
            if (t == null) {
                t = Verifier.tbsData(model, signedData, encoding);
                tbs = t;
            }
            return t;
        }

        /** SHA-256 of {@link #tbs}: the first half of the §5.3.1 hash; never written to. */
        byte[] tbsSha256(byte[] encoding) {
            byte[] h = tbsSha256;
            if (h == null) {
                h = Ecdsa256.sha256(tbs(encoding));
                tbsSha256 = h;
            }
            return h;
        }
    }

    private volatile StripedLru<Parsed> entries;
    private final LongAdder hits = new LongAdder();
    private final LongAdder parses = new LongAdder();

    ParsedMessages() {
        this(DEFAULT_CAPACITY);
    }

    ParsedMessages(int capacity) {
        configure(capacity);
    }

    /** A new capacity starts empty; 0 turns sharing off. */
    synchronized void configure(int capacity) {
        if (entries == null || capacity != entries.capacity()) {
            entries = new StripedLru<>(capacity);
        }
    }

    boolean enabled() {
        return entries.capacity() > 0;
    }

    int capacity() {
        return entries.capacity();
    }

    /** The message parsed from octets with this SHA-256, or {@code null}. */
    Parsed get(byte[] sha256) {
        Parsed p = entries.get(sha256);
        if (p != null) {
            hits.increment();
        }
        return p;
    }

    /** Call only with what parsing exactly the octets with this SHA-256 gave, proved canonical. */
    void put(byte[] sha256, Parsed parsed) {
        entries.putIfAbsent(sha256, parsed);
    }

    /** Counts a parse of received octets by a verifier sharing this (whether it succeeds or is stored or not). */
    void parsed() {
        parses.increment();
    }

    long hits() {
        return hits.sum();
    }

    /** Parses of received octets by the verifiers sharing this (each hit avoided one). */
    long parses() {
        return parses.sum();
    }

    int size() {
        return entries.size();
    }
}
