package org.qkdv2i.v2x.codec.security;

import org.osgi.annotation.versioning.ProviderType;
import org.qkdv2i.v2x.codec.DecodeResult;

/**
 * IEEE 1609.2 (2016/2022) / ETSI TS 103 097 v2.1.1 {@code Ieee1609Dot2Data} in COER, protocol
 * version 3. Thread-safe (it memoises signature verdicts, pure functions of the bytes, nothing
 * else: certificate signatures per instance, message signatures per framework, see the bundle
 * README); offered as an OSGi service, and by
 * {@link Ieee1609Dot2Codecs} outside a framework. Decoding and verifying never throw on any input.
 */
@ProviderType
public interface Ieee1609Dot2Codec {

    /**
     * Decodes unsecured, signed or encrypted data. Errors: {@code TRUNCATED},
     * {@code MALFORMED} (not COER, or not its canonical encoding), {@code UNEXPECTED_MESSAGE}
     * (another protocol version), {@code UNSUPPORTED} (a well-formed alternative not modelled,
     * e.g. signed extDataHash), {@code TRAILING_DATA}.
     */
    DecodeResult<SecuredData> decode(byte[] encoding);

    /** {@code Ieee1609Dot2Data { 3, unsecuredData payload }}. */
    byte[] encodeUnsecured(byte[] payload);

    /**
     * SignedData with SHA-256 and ECDSA NIST P-256 (§5.3.1): the signature covers
     * SHA-256(SHA-256(ToBeSignedData) ‖ SHA-256(signer certificate)).
     *
     * @throws IllegalArgumentException if the credential's certificate is not a COER certificate
     *                                  with a P-256 verification key
     */
    byte[] sign(SignRequest request, SigningCredential signer);

    /**
     * Verifies signed data: the message signature, then the chain up to a root of {@code trust},
     * each certificate's validity at the generation time and the psid permissions. A successfully
     * verified signer certificate is added to {@code trust}.
     */
    VerificationResult verify(byte[] encoding, TrustStore trust);

    /**
     * As {@link #verify(byte[], TrustStore)}, and first refuses data generated more than
     * {@code maxAge} before or after {@code now} as {@link VerificationStatus#STALE} (the receive
     * path's freshness check, ETSI TS 103 097 / IEEE 1609.2 §5.2.4.2.3 relevance checks).
     */
    VerificationResult verify(byte[] encoding, TrustStore trust, java.time.Instant now, java.time.Duration maxAge);

    /**
     * Issues an explicit certificate signed by {@code issuer} (an authority or a root).
     *
     * @throws IllegalArgumentException on an unusable issuer certificate
     */
    byte[] issueCertificate(CertificateTemplate template, SigningCredential issuer);

    /**
     * Issues a self-signed explicit certificate (a root CA); {@code privateKey} belongs to the
     * template's verification key.
     */
    byte[] selfSign(CertificateTemplate template, java.security.interfaces.ECPrivateKey privateKey);
}
