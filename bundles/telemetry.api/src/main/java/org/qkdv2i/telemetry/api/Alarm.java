package org.qkdv2i.telemetry.api;

import java.time.Instant;
import java.util.Objects;

/**
 * An alarm operators must not miss; adapters deliver alarms at least once.
 *
 * @param subject what the alarm is about: a link ID, an SAE or unit ID
 */
public record Alarm(Kind kind, Severity severity, String node, String subject, Instant time, String text) {

    public enum Kind { EAVESDROPPING, POOL_EMPTY, LINK_DOWN, AUTH_FAILURE, REVOCATION }

    public enum Severity { INFO, WARNING, MAJOR, CRITICAL }

    public Alarm {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(time, "time");
        text = text == null ? "" : text;
    }
}
