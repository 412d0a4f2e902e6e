package org.qkdv2i.sdn.controller.internal;

/** An agent call that failed: unreachable, refused, or answered with an error status. */
final class AgentException extends Exception {

    private static final long serialVersionUID = 1L;

    /** HTTP status, or 0 when no answer came. */
    final int status;

    AgentException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }
}
