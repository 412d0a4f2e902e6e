package org.qkdv2i.v2x.codec.security;

/** IEEE 1609.2 §6.3.24 SignerIdentifier alternatives. */
public enum SignerKind {
    /** HashedId8 of the signing certificate, which the receiver must already know. */
    DIGEST,
    /** The signing certificate itself (ETSI: one certificate, the authorization ticket). */
    CERTIFICATE,
    /** Self-signed (certificate requests only). */
    SELF
}
