package org.qkdv2i.sdn.controller.internal.graph;

/** A refused operation with a message an operator can act on; no stack trace (an expected condition). */
public final class NetworkException extends Exception {

    private static final long serialVersionUID = 1L;

    public enum Reason {
        /** Unknown application. */
        NOT_FOUND,
        /** The application ID exists already. */
        CONFLICT,
        /** No usable path joins the two nodes now. */
        NO_PATH,
        /** A node is not managed by this controller. */
        UNKNOWN_NODE
    }

    private final Reason reason;

    public NetworkException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
