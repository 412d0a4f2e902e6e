package org.qkdv2i.v2x.codec.fuzz;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.List;

import org.bouncycastle.jce.ECNamedCurveTable;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jce.spec.ECNamedCurveParameterSpec;
import org.bouncycastle.jce.spec.ECPrivateKeySpec;
import org.bouncycastle.jce.spec.ECPublicKeySpec;
import org.qkdv2i.v2x.codec.security.CertificateTemplate;
import org.qkdv2i.v2x.codec.security.Ieee1609Dot2Codec;
import org.qkdv2i.v2x.codec.security.Psid;
import org.qkdv2i.v2x.codec.security.SigningCredential;
import org.qkdv2i.v2x.codec.security.TrustStore;

/**
 * A root CA → authorization authority → authorization ticket chain (ECDSA P-256) from fixed private
 * scalars and fixed validity, so certificates and RFC 6979 signatures come out the same on every
 * run: the signed seed files of {@link Ieee1609VerifyFuzzTest} verify {@code OK} against
 * {@link #trustStore()} and the fuzzer starts from the accepting path. Test keys only.
 */
final class FuzzPki {
    static final BouncyCastleProvider BC = new BouncyCastleProvider();
    static final Instant START = Instant.parse("2026-11-01T00:00:00Z");
    /** The generation time of the signed seeds (inside the ticket's week). */
    static final Instant SIGNED_AT = Instant.parse("2026-11-03T12:00:00Z");

    final SigningCredential root;
    final SigningCredential authority;
    final SigningCredential ticket;

    FuzzPki(Ieee1609Dot2Codec codec) {
        ECPrivateKey r = privateKey(0x5eed_0001L);
        ECPrivateKey a = privateKey(0x5eed_0002L);
        ECPrivateKey t = privateKey(0x5eed_0003L);
        root = new SigningCredential(
                codec.selfSign(CertificateTemplate.root("root.fuzz.qkdv2i.test", START, 3 * 8760, publicKey(r)), r), r);
        authority = new SigningCredential(codec.issueCertificate(CertificateTemplate.authority("aa.fuzz.qkdv2i.test", START,
                8760, List.of(Psid.CAM, Psid.DENM, Psid.BSM), publicKey(a)), root), a);
        ticket = new SigningCredential(codec.issueCertificate(
                CertificateTemplate.ticket(START, 168, List.of(Psid.CAM, Psid.DENM, Psid.BSM), publicKey(t)), authority), t);
    }

    /** A receiver that trusts the root and knows the authority and the ticket (so digest signers resolve). */
    TrustStore trustStore() {
        TrustStore s = new TrustStore(16);
        s.addRoot(root.certificate());
        s.addCertificate(authority.certificate());
        s.addCertificate(ticket.certificate());
        return s;
    }

    private static final ECNamedCurveParameterSpec P256 = ECNamedCurveTable.getParameterSpec("secp256r1");

    private static ECPrivateKey privateKey(long scalar) {
        try {
            return (ECPrivateKey) KeyFactory.getInstance("EC", BC)
                    .generatePrivate(new ECPrivateKeySpec(BigInteger.valueOf(scalar).shiftLeft(128).add(BigInteger.ONE), P256));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ECPublicKey publicKey(ECPrivateKey k) {
        try {
            return (ECPublicKey) KeyFactory.getInstance("EC", BC)
                    .generatePublic(new ECPublicKeySpec(P256.getG().multiply(k.getS()).normalize(), P256));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
