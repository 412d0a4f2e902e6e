package org.qkdv2i.v2x.codec.internal.security;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.util.Arrays;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.oer.Element;
import org.bouncycastle.oer.OEREncoder;
import org.bouncycastle.oer.OERInputStream;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.EccP256CurvePoint;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.EcdsaP256Signature;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.Signature;
import org.bouncycastle.oer.its.template.ieee1609dot2.IEEE1609dot2;
import org.bouncycastle.oer.its.template.ieee1609dot2.basetypes.Ieee1609Dot2BaseTypes;
import org.qkdv2i.v2x.codec.DecodeError;
import org.qkdv2i.v2x.codec.DecodeError.Kind;

/**
 * Bouncy Castle's COER (ITU-T X.696 canonical OER) reader and writer with the IEEE 1609.2
 * definitions, wrapped so that no input can escape as an exception.
 */
final class Oer {
    private Oer() {
    }

    static final Element DATA = IEEE1609dot2.Ieee1609Dot2Data.build();
    static final Element CERTIFICATE = IEEE1609dot2.Certificate.build();
    static final Element TBS_DATA = IEEE1609dot2.ToBeSignedData.build();
    static final Element TBS_CERTIFICATE = IEEE1609dot2.ToBeSignedCertificate.build();
    static final Element SIGNER = IEEE1609dot2.SignerIdentifier.build();
    static final Element SIGNATURE = Ieee1609Dot2BaseTypes.Signature.build();

    /**
     * Length of the COER {@code Ieee1609Dot2Data} prefix before a SignedData's tbsData:
     * protocolVersion 3 (Uint8, one octet), the content CHOICE tag [1] signedData (0x81, X.696 §20:
     * a root alternative, so no length follows) and hashId sha256 (an ENUMERATED value below 128:
     * one octet, X.696 §11). SignedData and Ieee1609Dot2Data are SEQUENCEs without extension marker
     * or OPTIONAL fields, so no preamble (IEEE 1609.2 §6.3.2, §6.3.4): the encoding is the plain
     * concatenation of the fields' encodings.
     */
    static final int SIGNED_DATA_PREFIX = 3;
    /** SignerIdentifier [1] certificate, SequenceOfCertificate quantity 1 (X.696 §20, §21: one length octet, 1). */
    static final int CERTIFICATE_SIGNER_PREFIX = 3;

    /** Largest input decoded: far above any radio frame (GeoNetworking ≤ 1500 B, WSMP ≤ 2302 B). */
    static final int MAX_INPUT = 65_535;

    /** Thrown inside this package only; always turned into a {@link DecodeError}. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        final transient DecodeError error;

        Failure(Kind kind, String field, long bitOffset, String detail) {
            super(detail, null, false, false);
            this.error = new DecodeError(kind, field, bitOffset, detail);
        }
    }

    /**
     * Parses one complete value and insists the input was its canonical encoding (COER has exactly
     * one encoding per value; anything else was altered or produced by a non-conforming sender).
     */
    static ASN1Encodable parse(byte[] bytes, Element element, String field) throws Failure {
        if (bytes == null || bytes.length == 0) {
            throw new Failure(Kind.TRUNCATED, field, 0, "no input");
        }
        if (bytes.length > MAX_INPUT) {
            throw new Failure(Kind.MALFORMED, field, 0, bytes.length + " octets, at most " + MAX_INPUT + " accepted");
        }
        ByteArrayInputStream in = new ByteArrayInputStream(bytes);
        ASN1Encodable value;
        // BC compares each declared length with this bound before allocating; the input's own
        // length would make a cut-off message look like a bad length, so the fixed bound is used
        // and a length running past the end reads to EOF (TRUNCATED).
        try (OERInputStream oer = new OERInputStream(in, MAX_INPUT)) {
            value = oer.parse(element);
        } catch (EOFException e) {
            throw new Failure(Kind.TRUNCATED, field, 8L * (bytes.length - in.available()),
                    "input ends inside the " + field);
        } catch (Exception | StackOverflowError e) { // deep nesting of SignedData recurses in BC's reader
            // BC reports bad lengths, choices and enumerations as IOException/IllegalArgumentException/
            // IllegalStateException, and a truncated read sometimes as a bare exception: one kind here.
            long at = 8L * (bytes.length - in.available());
            boolean atEnd = in.available() == 0;
            throw new Failure(atEnd ? Kind.TRUNCATED : Kind.MALFORMED, field, at,
                    (atEnd ? "input ends inside the " : "not a COER ") + field + " (" + reason(e) + ")");
        }
        if (in.available() != 0) {
            throw new Failure(Kind.TRAILING_DATA, field, 8L * (bytes.length - in.available()),
                    in.available() + " octets after the " + field);
        }
        byte[] again;
        try {
            again = OEREncoder.toByteArray(value, element);
        } catch (RuntimeException e) {
            throw new Failure(Kind.MALFORMED, field, 0, field + " does not re-encode (" + reason(e) + ")");
        }
        if (!Arrays.equals(again, bytes)) {
            int i = Arrays.mismatch(again, bytes);
            throw new Failure(Kind.MALFORMED, field, 8L * i, "not the canonical COER encoding of the " + field
                    + " (X.696 §8), first difference at octet " + i);
        }
        return value;
    }

    static byte[] encode(ASN1Encodable value, Element element) {
        return OEREncoder.toByteArray(value, element);
    }

    /**
     * The COER {@code Ieee1609Dot2Data { 3, signedData { sha256, tbsData, signer, signature } }}
     * assembled from the already encoded ToBeSignedData (the octets that were hashed) instead of
     * encoding it a second time inside the whole message: octet-identical to BC's encoding of the
     * whole (see {@link #SIGNED_DATA_PREFIX}; SignedDataOctetsTest compares them).
     */
    static byte[] signedData(byte[] tbs, SignerIdentifierOctets signer, Signature signature) {
        byte[] sig = signatureOctets(signature);
        byte[] out = new byte[SIGNED_DATA_PREFIX + tbs.length + signer.length() + sig.length];
        out[0] = (byte) OerIeee1609Dot2Codec.PROTOCOL_VERSION;
        out[1] = (byte) 0x81; // Ieee1609Dot2Content [1] signedData
        out[2] = 0x00; // HashAlgorithm sha256
        System.arraycopy(tbs, 0, out, SIGNED_DATA_PREFIX, tbs.length);
        signer.writeTo(out, SIGNED_DATA_PREFIX + tbs.length);
        System.arraycopy(sig, 0, out, out.length - sig.length, sig.length);
        return out;
    }

    /**
     * COER of a Signature. ecdsaNistP256Signature with an x-only rSig (what this codec signs):
     * written here — CHOICE tag [0] 0x80, EccP256CurvePoint tag [0] x-only 0x80, then the fixed-size
     * 32-octet x and sSig without length (X.696 §20, §17); anything else through BC.
     */
    static byte[] signatureOctets(Signature signature) {
        if (signature.getChoice() == Signature.ecdsaNistP256Signature) {
            EcdsaP256Signature e = EcdsaP256Signature.getInstance(signature.getSignature());
            if (e.getRSig().getChoice() == EccP256CurvePoint.xonly) {
                byte[] x = ASN1OctetString.getInstance(e.getRSig().getEccp256CurvePoint()).getOctets();
                byte[] sSig = e.getSSig().getOctets();
                if (x.length == 32 && sSig.length == 32) {
                    byte[] out = new byte[2 + 32 + 32];
                    out[0] = (byte) 0x80;
                    out[1] = (byte) 0x80;
                    System.arraycopy(x, 0, out, 2, 32);
                    System.arraycopy(sSig, 0, out, 34, 32);
                    return out;
                }
            }
        }
        return encode(signature, SIGNATURE);
    }

    /**
     * COER length of a parsed Signature: for ecdsaNistP256Signature the CHOICE tag, the rSig tag,
     * its point (x-only/compressed 32 octets, uncompressed 64, fill NULL none) and the 32-octet
     * sSig, all fixed sizes (X.696 §17, §20); anything else through BC's encoder.
     */
    static int signatureLength(Signature signature) {
        if (signature.getChoice() == Signature.ecdsaNistP256Signature) {
            int point = switch (EcdsaP256Signature.getInstance(signature.getSignature()).getRSig().getChoice()) {
            case EccP256CurvePoint.xonly, EccP256CurvePoint.compressedY0, EccP256CurvePoint.compressedY1 -> 32;
            case EccP256CurvePoint.uncompressedP256 -> 64;
            case EccP256CurvePoint.fill -> 0;
            default -> -1;
            };
            if (point >= 0) {
                return 1 + 1 + point + 32;
            }
        }
        return encode(signature, SIGNATURE).length;
    }

    /** A SignerIdentifier's encoding, written without copying a certificate twice. */
    record SignerIdentifierOctets(byte[] encoded, byte[] certificate) {
        /** {@code certificate {c}} from c's canonical COER octets (X.696 §21: quantity 1, then c). */
        static SignerIdentifierOctets certificate(byte[] canonicalCertificate) {
            return new SignerIdentifierOctets(null, canonicalCertificate);
        }

        /** Any alternative, through BC's encoder (the digest one is 9 octets). */
        static SignerIdentifierOctets of(ASN1Encodable signerIdentifier) {
            return new SignerIdentifierOctets(encode(signerIdentifier, SIGNER), null);
        }

        /** {@code digest {h}}: tag [0] 0x80, then the fixed-size 8-octet HashedId8 (X.696 §17, §20). */
        static SignerIdentifierOctets digest(byte[] hashedId8) {
            if (hashedId8.length != 8) {
                throw new IllegalArgumentException("a HashedId8 is 8 octets");
            }
            byte[] enc = new byte[9];
            enc[0] = (byte) 0x80;
            System.arraycopy(hashedId8, 0, enc, 1, 8);
            return new SignerIdentifierOctets(enc, null);
        }

        int length() {
            return certificate != null ? CERTIFICATE_SIGNER_PREFIX + certificate.length : encoded.length;
        }

        void writeTo(byte[] out, int at) {
            if (certificate == null) {
                System.arraycopy(encoded, 0, out, at, encoded.length);
                return;
            }
            out[at] = (byte) 0x81; // SignerIdentifier [1] certificate
            out[at + 1] = 0x01; // quantity: one length octet
            out[at + 2] = 0x01; // one certificate (ETSI TS 103 097 §5.2)
            System.arraycopy(certificate, 0, out, at + CERTIFICATE_SIGNER_PREFIX, certificate.length);
        }
    }

    /**
     * The ToBeSignedData octets of a signed {@code Ieee1609Dot2Data}, as a slice of its encoding.
     * Only for an {@code encoding} that {@link #parse} accepted (so it is the canonical COER of the
     * parsed value: the concatenation of its fields' canonical encodings) whose content is signedData
     * with hashId sha256; {@code signerLength} and {@code signature} are the parsed message's. What
     * lies between the 3-octet prefix and the signer is exactly {@code encode(tbsData, TBS_DATA)}
     * (SignedDataOctetsTest compares them); {@code null} where the prefix is not the expected one.
     */
    static byte[] tbsDataSlice(byte[] encoding, int signerLength, Signature signature) {
        if (encoding[0] != OerIeee1609Dot2Codec.PROTOCOL_VERSION || encoding[1] != (byte) 0x81 || encoding[2] != 0) {
            return null;
        }
        int end = encoding.length - signerLength - signatureLength(signature);
        if (end <= SIGNED_DATA_PREFIX) {
            return null;
        }
        return Arrays.copyOfRange(encoding, SIGNED_DATA_PREFIX, end);
    }

    private static String reason(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + (m.length() > 120 ? m.substring(0, 120) + "…" : m));
    }
}
