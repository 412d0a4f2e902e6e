package org.qkdv2i.kmm.api;

import java.util.Objects;

/**
 * Why a key request could not be served. The message is written for the person reading
 * the client's log; it never contains key material.
 */
public class KeyManagerException extends Exception {

    private static final long serialVersionUID = 1L;

    /** ETSI GS QKD 014 fixed message for unknown or foreign key IDs. */
    public static final String KEYS_NOT_FOUND = "one or more keys specified are not found on KME";
    /** ETSI GS QKD 014 fixed message for a size that is not a multiple of 8. */
    public static final String SIZE_NOT_MULTIPLE_OF_8 = "size shall be a multiple of 8";

    /** The class of failure, which protocol adapters map to their own status codes. */
    public enum Reason {
        /** The request is malformed or asks for what this KME cannot do (HTTP 400). */
        BAD_REQUEST,
        /** The caller may not have what it asked for (HTTP 401). */
        UNAUTHORIZED,
        /** A key ID is unknown, already delivered or not for this caller (HTTP 400). */
        KEYS_NOT_FOUND,
        /** Not enough key now, or the peer KMM cannot be reached; retry later (HTTP 503). */
        UNAVAILABLE
    }

    private final Reason reason;

    public KeyManagerException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
