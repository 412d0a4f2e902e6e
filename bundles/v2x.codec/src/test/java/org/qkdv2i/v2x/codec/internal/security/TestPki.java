package org.qkdv2i.v2x.codec.internal.security;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.List;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.qkdv2i.v2x.codec.security.CertificateTemplate;
import org.qkdv2i.v2x.codec.security.Ieee1609Dot2Codec;
import org.qkdv2i.v2x.codec.security.Psid;
import org.qkdv2i.v2x.codec.security.SigningCredential;
import org.qkdv2i.v2x.codec.security.TrustStore;

/**
 * A small ETSI TS 102 940 style PKI built at test time: root CA → authorization authority (may
 * issue CAM and DENM) → authorization ticket (may sign CAM and DENM), all ECDSA NIST P-256
 * explicit certificates. Keys come from Bouncy Castle's provider object (not registered).
 */
final class TestPki {
    static final BouncyCastleProvider BC = new BouncyCastleProvider();
    /** Every certificate starts here; tickets last a week, the others a year or more. */
    static final Instant START = Instant.parse("2026-11-01T00:00:00Z");
    static final Instant IN_VALIDITY = Instant.parse("2026-11-03T12:00:00Z");

    final Ieee1609Dot2Codec codec;
    final SigningCredential root;
    final SigningCredential authority;
    final SigningCredential ticket;

    TestPki(Ieee1609Dot2Codec codec) {
        this(codec, List.of(Psid.CAM, Psid.DENM), List.of(Psid.CAM, Psid.DENM));
    }

    TestPki(Ieee1609Dot2Codec codec, List<Long> authorityMayIssue, List<Long> ticketMaySign) {
        this.codec = codec;
        KeyPair r = keyPair();
        root = new SigningCredential(codec.selfSign(CertificateTemplate.root("root.qkdv2i.test", START, 3 * 8760,
                (ECPublicKey) r.getPublic()), (ECPrivateKey) r.getPrivate()), (ECPrivateKey) r.getPrivate());
        KeyPair a = keyPair();
        authority = new SigningCredential(codec.issueCertificate(CertificateTemplate.authority("aa.qkdv2i.test", START,
                8760, authorityMayIssue, (ECPublicKey) a.getPublic()), root), (ECPrivateKey) a.getPrivate());
        KeyPair t = keyPair();
        ticket = new SigningCredential(codec.issueCertificate(CertificateTemplate.ticket(START, 168, ticketMaySign,
                (ECPublicKey) t.getPublic()), authority), (ECPrivateKey) t.getPrivate());
    }

    /** A receiver's store: the root trusted, the authority known (as ETSI receivers learn it from the CTL). */
    TrustStore trustStore() {
        TrustStore s = new TrustStore();
        s.addRoot(root.certificate());
        s.addCertificate(authority.certificate());
        return s;
    }

    static KeyPair keyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC", BC);
            g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            return g.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
