package org.qkdv2i.sdn.controller.internal;

/** A refused northbound request: HTTP status and a message for the caller. No stack trace. */
final class ApiError extends Exception {

    private static final long serialVersionUID = 1L;

    final int status;

    ApiError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    static ApiError badRequest(String message) {
        return new ApiError(400, message);
    }
}
