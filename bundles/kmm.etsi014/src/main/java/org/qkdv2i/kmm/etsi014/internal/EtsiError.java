package org.qkdv2i.kmm.etsi014.internal;

import java.util.List;

/**
 * A rejected request: HTTP status, ETSI error message and optional details.
 * 401 carries no body (ETSI GS QKD 014 §5.2-5.4).
 */
final class EtsiError extends Exception {

    private static final long serialVersionUID = 1L;

    final int status;
    final List<String> details;

    EtsiError(int status, String message, String... details) {
        super(message, null, false, false); // an expected condition: no stack trace captured
        this.status = status;
        this.details = List.of(details);
    }

    static EtsiError badRequest(String message, String... details) {
        return new EtsiError(400, message, details);
    }

    static EtsiError unauthorized(String why) {
        return new EtsiError(401, why);
    }

    static EtsiError unavailable(String message, String... details) {
        return new EtsiError(503, message, details);
    }
}
