package org.qkdv2i.v2x.codec.security;

import java.security.interfaces.ECPrivateKey;
import java.util.Objects;

/**
 * A certificate (COER) and the ECDSA NIST P-256 private key of its verification key: what signs
 * messages (an authorization ticket) or issues certificates (a root CA or an authority).
 */
public record SigningCredential(byte[] certificate, ECPrivateKey privateKey) {

    public SigningCredential {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(privateKey, "privateKey");
        certificate = certificate.clone();
    }

    @Override
    public byte[] certificate() {
        return certificate.clone();
    }

    public HashedId8 id() {
        return HashedId8.ofCertificate(certificate);
    }

    @Override
    public String toString() {
        return "SigningCredential[" + id() + "]"; // never the key
    }
}
