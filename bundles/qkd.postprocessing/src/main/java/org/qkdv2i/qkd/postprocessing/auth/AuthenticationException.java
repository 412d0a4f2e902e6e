package org.qkdv2i.qkd.postprocessing.auth;

/** A classical message could not be authenticated (or no key was left to do so). */
public final class AuthenticationException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why authentication failed. */
    public enum Reason {
        /** The tag does not match the message: forged, altered, replayed or out of order. */
        TAG_MISMATCH,
        /** No unused one-time pad is left: refill from generated key or re-bootstrap. */
        PAD_EXHAUSTED,
        /** The tag has the wrong length. */
        MALFORMED
    }

    private final Reason reason;

    public AuthenticationException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
