package org.qkdv2i.sdn.agent.internal;

import org.qkdv2i.sdn.api.RestconfError;

/** A refused request: HTTP status and the RFC 8040 error to answer with. */
final class RestconfException extends Exception {

    private static final long serialVersionUID = 1L;

    final int status;
    final transient RestconfError error;

    RestconfException(int status, String type, String tag, String path, String message) {
        super(message, null, false, false); // an expected condition: no stack trace captured
        this.status = status;
        this.error = new RestconfError(type, tag, null, path, message);
    }

    // RFC 8040 §7: status and error-tag go together
    static RestconfException badRequest(String tag, String path, String message) {
        return new RestconfException(400, "protocol", tag, path, message);
    }

    static RestconfException invalid(String path, String message) {
        return new RestconfException(400, "application", "invalid-value", path, message);
    }

    static RestconfException forbidden(String message) {
        return new RestconfException(403, "protocol", "access-denied", null, message);
    }

    static RestconfException notFound(String path, String message) {
        return new RestconfException(404, "protocol", "invalid-value", path, message);
    }

    static RestconfException unavailable(String message) {
        return new RestconfException(503, "application", "operation-failed", null, message);
    }
}
