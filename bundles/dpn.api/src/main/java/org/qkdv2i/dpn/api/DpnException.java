package org.qkdv2i.dpn.api;

/** A DPN operation failed; {@link #reason()} says why, the message what to do. */
public class DpnException extends Exception {

    private static final long serialVersionUID = 1L;

    public enum Reason {
        /** The micro-segmentation policy does not allow this pair of devices. */
        POLICY_DENIED,
        /** Unit authentication failed (the message names the ZAP reason). */
        AUTHENTICATION_FAILED,
        /** The peer (or this device) is revoked. */
        REVOKED,
        /** The peer could not be reached or the connection broke. */
        UNREACHABLE,
        /** The session is closed. */
        CLOSED
    }

    private final Reason reason;

    public DpnException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
