package org.qkdv2i.v2x.codec.security;

/** IEEE 1609.2 §6.3.33 RecipientInfo alternatives; each names its recipient by a HashedId8. */
public enum RecipientKind {
    /** pskRecipInfo: HashedId8 of a pre-shared symmetric key. */
    PSK,
    /** symmRecipInfo: a data encryption key wrapped under a known symmetric key. */
    SYMMETRIC,
    /** certRecipInfo: wrapped with the public encryption key of a certificate. */
    CERTIFICATE,
    /** signedDataRecipInfo: wrapped with a key from a signed message. */
    SIGNED_DATA,
    /** rekRecipInfo: wrapped with a response encryption key. */
    RESPONSE_KEY
}
