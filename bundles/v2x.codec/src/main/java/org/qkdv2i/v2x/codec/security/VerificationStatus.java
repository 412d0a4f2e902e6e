package org.qkdv2i.v2x.codec.security;

/** Outcome of verifying signed IEEE 1609.2 data (§5.2, ETSI TS 103 097 §7). */
public enum VerificationStatus {
    /** Signature, chain to a trusted root, validity and permissions all hold. */
    OK,
    /** Not decodable as COER Ieee1609Dot2Data (or a certificate in it is not). */
    MALFORMED,
    /** Unsecured or encrypted data: nothing to verify. */
    NOT_SIGNED,
    /** A well-formed alternative this verifier does not support (another curve, implicit certificates, extDataHash…). */
    UNSUPPORTED,
    /**
     * The generation time lies further from the receiver's clock than the allowed age (a replay, or
     * a sender clock far off); only with {@code verify(…, now, maxAge)}.
     */
    STALE,
    /** The header lacks what the profile requires (generationTime; generationLocation for a DENM). */
    INVALID_HEADER,
    /** Signed with a digest of a certificate this node does not know. */
    UNKNOWN_SIGNER,
    /** The message signature does not verify under the signer's key. */
    BAD_SIGNATURE,
    /** A certificate signature in the chain does not verify under its issuer's key. */
    BAD_CERTIFICATE_SIGNATURE,
    /** The chain does not end in a trusted root (unknown issuer, or too long). */
    UNTRUSTED_CHAIN,
    /** A certificate of the chain is not valid at the message's generation time. */
    EXPIRED_CERT,
    /** The signer may not sign this psid, or an issuer may not issue for it. */
    PSID_NOT_PERMITTED
}
