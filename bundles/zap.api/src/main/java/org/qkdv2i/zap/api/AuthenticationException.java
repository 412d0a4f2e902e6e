package org.qkdv2i.zap.api;

/** A unit authentication failed; {@link #reason()} says why, the message says what to do. */
public class AuthenticationException extends Exception {

    private static final long serialVersionUID = 1L;

    public enum Reason {
        /** A tag or signature did not verify: the peer is not who it claims. */
        BAD_PROOF,
        /** A nonce or message was seen before. */
        REPLAYED,
        /** The peer is not in the identity directory and has no enrolled relation. */
        UNKNOWN_PEER,
        /** The peer's identity is revoked. */
        REVOKED,
        /** The peer is not the one expected. */
        WRONG_PEER,
        /** A malformed or out-of-order handshake message. */
        PROTOCOL,
        /** The DAU cannot authenticate now (no PUF, identity not reconstructed, no directory). */
        UNAVAILABLE
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
