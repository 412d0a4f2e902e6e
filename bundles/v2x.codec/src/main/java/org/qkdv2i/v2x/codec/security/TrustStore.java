package org.qkdv2i.v2x.codec.security;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The certificates a verifier knows, by HashedId8: trusted roots (trust anchors from
 * configuration) and other certificates (authorities and authorization tickets, trusted only
 * when they chain to a root). The verifier adds the tickets of verified messages, so later
 * digest-signed messages from the same station verify (ETSI TS 103 097 §7.1.1). Thread-safe;
 * holds at most {@link #capacity()} non-root certificates.
 */
public final class TrustStore {

    private final Map<HashedId8, byte[]> roots = new ConcurrentHashMap<>();
    private final Map<HashedId8, byte[]> others = new ConcurrentHashMap<>();
    private final int capacity;

    public TrustStore() {
        this(10_000);
    }

    public TrustStore(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
    }

    /** Trusts a root certificate (COER, self-signed); returns its HashedId8. */
    public HashedId8 addRoot(byte[] certificate) {
        HashedId8 id = HashedId8.ofCertificate(certificate);
        roots.put(id, certificate.clone());
        return id;
    }

    /**
     * Knows a certificate (COER) without trusting it; returns its HashedId8, or {@code null} when
     * the store is full.
     */
    public HashedId8 addCertificate(byte[] certificate) {
        HashedId8 id = HashedId8.ofCertificate(certificate);
        if (roots.containsKey(id) || others.containsKey(id)) {
            return id;
        }
        if (others.size() >= capacity) {
            return null;
        }
        others.put(id, certificate.clone());
        return id;
    }

    public boolean isRoot(HashedId8 id) {
        return roots.containsKey(id);
    }

    /** The certificate with this HashedId8 (a copy), root or not. */
    public Optional<byte[]> certificate(HashedId8 id) {
        byte[] c = roots.get(id);
        if (c == null) {
            c = others.get(id);
        }
        return c == null ? Optional.empty() : Optional.of(c.clone());
    }

    public int capacity() {
        return capacity;
    }

    public int size() {
        return roots.size() + others.size();
    }
}
