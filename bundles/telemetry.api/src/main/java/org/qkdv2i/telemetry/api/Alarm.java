package org.qkdv2i.telemetry.api;

import java.time.Instant;
import java.util.Objects;

/**
 * An alarm operators must not miss; adapters deliver alarms at least once.
 *
 * @param subject what the alarm is about: a link ID, an SAE or unit ID
 */
public record Alarm(Kind kind, Severity severity, String node, String subject, Instant time, String text) {

    /**
     * {@code KEY_AUTHENTICATION} (since 1.3): the two ends of a QKD link held different material for
     * driver key blocks (key-check values differed; blocks destroyed at both ends): a driver fault
     * or tampering; the subject is the link.
     */
    public enum Kind { EAVESDROPPING, POOL_EMPTY, LINK_DOWN, AUTH_FAILURE, REVOCATION, KEY_AUTHENTICATION }

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
