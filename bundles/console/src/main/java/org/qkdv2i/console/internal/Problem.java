package org.qkdv2i.console.internal;

import java.util.LinkedHashMap;
import java.util.Map;

import org.eclipse.jetty.http.HttpStatus;
import org.qkdv2i.scenario.api.ScenarioException;

/**
 * A refused request, answered as RFC 9457 {@code application/problem+json}: {@code type}
 * {@code about:blank} (RFC 9457 §4.2.1: the title is the HTTP status phrase), {@code status},
 * {@code detail} for the operator, {@code instance} the request path, and an optional
 * {@code reason} extension member (the scenario's or KMM's reason code).
 */
final class Problem extends Exception {

    private static final long serialVersionUID = 1L;
    static final String MEDIA_TYPE = "application/problem+json";

    private final int status;
    private final String reason;

    Problem(int status, String detail) {
        this(status, detail, null);
    }

    Problem(int status, String detail, String reason) {
        super(detail, null, false, false); // an expected refusal: no stack trace is ever needed
        this.status = status;
        this.reason = reason;
    }

    int status() {
        return status;
    }

    static Problem badRequest(String detail) {
        return new Problem(400, detail);
    }

    static Problem notFound(String detail) {
        return new Problem(404, detail);
    }

    static Problem unavailable(String detail) {
        return new Problem(503, detail);
    }

    /** ScenarioException.Reason to 400 / 404 / 409 / 503. */
    static Problem of(ScenarioException e) {
        ScenarioException.Reason r = e.reason() == null ? ScenarioException.Reason.UNAVAILABLE : e.reason();
        int status;
        switch (r) {
            case BAD_REQUEST:
                status = 400;
                break;
            case NOT_FOUND:
                status = 404;
                break;
            case CONFLICT:
                status = 409;
                break;
            case UNAVAILABLE:
            default:
                status = 503;
                break;
        }
        String detail = e.getMessage() == null || e.getMessage().isBlank() ? r.name().toLowerCase() : e.getMessage();
        return new Problem(status, detail, r.name());
    }

    byte[] body(String instance) {
        return body(status, getMessage(), instance, reason);
    }

    static byte[] body(int status, String detail, String instance, String reason) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "about:blank");
        String title = HttpStatus.getMessage(status);
        m.put("title", title == null ? "HTTP " + status : title);
        m.put("status", status);
        if (detail != null) {
            m.put("detail", detail);
        }
        if (instance != null) {
            m.put("instance", instance);
        }
        if (reason != null) {
            m.put("reason", reason);
        }
        return Json.bytes(m);
    }
}
