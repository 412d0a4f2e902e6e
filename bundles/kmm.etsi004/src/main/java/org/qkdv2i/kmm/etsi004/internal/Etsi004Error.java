package org.qkdv2i.kmm.etsi004.internal;

/** A rejected request: HTTP status and a message for the client (never key material, never a trace). */
final class Etsi004Error extends Exception {

    private static final long serialVersionUID = 1L;

    final int status;

    Etsi004Error(int status, String message) {
        super(message, null, false, false); // an expected condition: no stack trace captured
        this.status = status;
    }

    static Etsi004Error badRequest(String message) {
        return new Etsi004Error(400, message);
    }
}
