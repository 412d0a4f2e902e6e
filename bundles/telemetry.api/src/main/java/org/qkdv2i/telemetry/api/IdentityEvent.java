package org.qkdv2i.telemetry.api;

import java.time.Instant;
import java.util.Objects;

/** A DAU (unit authentication) or DPN (identity directory) event: e.g. AUTHENTICATED, AUTH_FAILED, REVOKED. */
public record IdentityEvent(String node, String source, String kind, String subject, String detail, Instant time) {
    public IdentityEvent {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(time, "time");
        detail = detail == null ? "" : detail;
    }
}
