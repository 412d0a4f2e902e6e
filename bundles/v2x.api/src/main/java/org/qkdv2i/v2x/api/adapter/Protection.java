package org.qkdv2i.v2x.api.adapter;

/** How a received message was protected, after the stack checked it. */
public enum Protection {
    /** No security header (EU) or 1609.2 unsecuredData (US); accepted only where configured. */
    UNSECURED,
    /** SignedData whose signature, chain, validity, freshness and psid permission verified. */
    SIGNED,
    /** EncryptedData opened (and authenticated) by a registered PSK channel. */
    PSK
}
