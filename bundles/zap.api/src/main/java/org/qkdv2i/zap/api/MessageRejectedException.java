package org.qkdv2i.zap.api;

/** A received message was refused; {@link #reason()} says why. Nothing was delivered. */
public class MessageRejectedException extends Exception {

    private static final long serialVersionUID = 1L;

    public enum Reason {
        /** Not parseable as a protected message of this channel's format. */
        MALFORMED,
        /** The authentication tag did not verify: altered, or under another key. */
        TAMPERED,
        /** This sequence number was accepted before. */
        REPLAYED,
        /** Older than the replay window allows (or out of order on a strict channel). */
        REORDERED,
        /** The generation time is older than the channel's maximum age (or in the future). */
        EXPIRED,
        /** Protected for another micro-segment. */
        CROSS_SEGMENT,
        /** Protected under a key epoch this channel no longer or not yet has. */
        WRONG_EPOCH,
        /** The sender's identity was revoked. */
        REVOKED,
        /** The channel was closed. */
        CLOSED
    }

    private final Reason reason;

    public MessageRejectedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
