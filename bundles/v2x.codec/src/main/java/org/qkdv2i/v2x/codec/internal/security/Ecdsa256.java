package org.qkdv2i.v2x.codec.internal.security;

import java.math.BigInteger;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;

import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.EccP256CurvePoint;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.EcdsaP256Signature;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.Point256;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.Signature;
import org.bouncycastle.util.BigIntegers;

/** ECDSA over NIST P-256 with the IEEE 1609.2 §5.3.1 hash input, on Bouncy Castle's lightweight API. */
final class Ecdsa256 {
    private Ecdsa256() {
    }

    private static final X9ECParameters P256 = CustomNamedCurves.getByName("secp256r1");
    static final ECDomainParameters DOMAIN = new ECDomainParameters(P256.getCurve(), P256.getG(), P256.getN(), P256.getH());

    static byte[] sha256(byte[]... parts) {
        SHA256Digest d = new SHA256Digest();
        for (byte[] p : parts) {
            d.update(p, 0, p.length);
        }
        byte[] h = new byte[32];
        d.doFinal(h, 0);
        return h;
    }

    /** §5.3.1: e = SHA-256( SHA-256(tbs) ‖ SHA-256(signer certificate, or the empty string if self-signed) ). */
    static byte[] digest(byte[] tbs, byte[] signerCertificate) {
        return sha256(sha256(tbs), sha256(signerCertificate == null ? new byte[0] : signerCertificate));
    }

    /** As {@link #digest} with SHA-256(signer certificate) already computed. */
    static byte[] digestWithSignerHash(byte[] tbs, byte[] signerCertificateSha256) {
        return sha256(sha256(tbs), signerCertificateSha256);
    }

    static ECPublicKeyParameters publicKey(ECPublicKey key) {
        if (key.getParams().getCurve().getField().getFieldSize() != 256) {
            throw new IllegalArgumentException("not a P-256 key");
        }
        ECPoint q = DOMAIN.getCurve().createPoint(key.getW().getAffineX(), key.getW().getAffineY());
        if (!q.isValid()) {
            throw new IllegalArgumentException("the public key is not a P-256 point");
        }
        return new ECPublicKeyParameters(q, DOMAIN);
    }

    /** The COER point of a verification key: compressed, as §6.4.3 requires when hashing a certificate. */
    static EccP256CurvePoint compressed(ECPublicKeyParameters key) {
        byte[] enc = key.getQ().getEncoded(true);
        byte[] x = Arrays.copyOfRange(enc, 1, 33);
        return enc[0] == 2 ? EccP256CurvePoint.compressedY0(x) : EccP256CurvePoint.compressedY1(x);
    }

    /**
     * The key of a COER point; {@code null} for x-only/fill (no key) or a point off the curve.
     */
    static ECPublicKeyParameters publicKey(EccP256CurvePoint p) {
        try {
            byte[] enc;
            switch (p.getChoice()) {
            case EccP256CurvePoint.compressedY0, EccP256CurvePoint.compressedY1 -> {
                byte[] x = ASN1OctetString.getInstance(p.getEccp256CurvePoint()).getOctets();
                enc = new byte[33];
                enc[0] = (byte) (p.getChoice() == EccP256CurvePoint.compressedY0 ? 2 : 3);
                System.arraycopy(x, 0, enc, 1, 32);
            }
            case EccP256CurvePoint.uncompressedP256 -> {
                Point256 xy = Point256.getInstance(p.getEccp256CurvePoint());
                enc = new byte[65];
                enc[0] = 4;
                System.arraycopy(xy.getX().getOctets(), 0, enc, 1, 32);
                System.arraycopy(xy.getY().getOctets(), 0, enc, 33, 32);
            }
            default -> {
                return null;
            }
            }
            return new ECPublicKeyParameters(DOMAIN.getCurve().decodePoint(enc), DOMAIN);
        } catch (RuntimeException e) {
            return null;
        }
    }

    static ECPrivateKeyParameters privateKey(ECPrivateKey key) {
        if (key.getParams().getCurve().getField().getFieldSize() != 256) {
            throw new IllegalArgumentException("not a P-256 key");
        }
        return new ECPrivateKeyParameters(key.getS(), DOMAIN);
    }

    /** Deterministic ECDSA (RFC 6979 nonces); rSig as x-only, as ETSI TS 103 097 senders do. */
    static Signature sign(ECPrivateKeyParameters key, byte[] digest) {
        ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
        signer.init(true, key);
        BigInteger[] rs = signer.generateSignature(digest);
        return Signature.ecdsaNistP256Signature(new EcdsaP256Signature(
                EccP256CurvePoint.xOnly(BigIntegers.asUnsignedByteArray(32, rs[0])),
                new DEROctetString(BigIntegers.asUnsignedByteArray(32, rs[1]))));
    }

    /**
     * The two integers ECDSA verification takes, as octets: r = the x coordinate of rSig whatever
     * its form (§6.3.29), and sSig; {@code null} if the signature is not a readable P-256 one.
     */
    static byte[][] rs(Signature signature) {
        if (signature.getChoice() != Signature.ecdsaNistP256Signature) {
            return null;
        }
        try {
            EcdsaP256Signature sig = EcdsaP256Signature.getInstance(signature.getSignature());
            EccP256CurvePoint rSig = sig.getRSig();
            byte[] r = switch (rSig.getChoice()) {
            case EccP256CurvePoint.xonly, EccP256CurvePoint.compressedY0, EccP256CurvePoint.compressedY1 ->
                ASN1OctetString.getInstance(rSig.getEccp256CurvePoint()).getOctets();
            case EccP256CurvePoint.uncompressedP256 -> Point256.getInstance(rSig.getEccp256CurvePoint()).getX().getOctets();
            default -> null;
            };
            return r == null ? null : new byte[][] {r, sig.getSSig().getOctets()};
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Verifies; {@code false} also for a signature of another algorithm (see {@link #rs}). */
    static boolean verify(ECPublicKeyParameters key, byte[] digest, Signature signature) {
        byte[][] rs = rs(signature);
        if (rs == null) {
            return false;
        }
        try {
            ECDSASigner verifier = new ECDSASigner();
            verifier.init(false, key);
            return verifier.verifySignature(digest, new BigInteger(1, rs[0]), new BigInteger(1, rs[1]));
        } catch (RuntimeException e) {
            return false;
        }
    }
}
