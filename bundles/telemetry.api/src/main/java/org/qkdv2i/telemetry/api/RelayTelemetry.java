package org.qkdv2i.telemetry.api;

import java.time.Instant;
import java.util.Objects;

/** Key relay counters over one physical link (ETSI GS QKD 015 virtual links riding on it). */
public record RelayTelemetry(String node, String link, long keysRelayed, long linkKeysUsed, Instant time) {
    public RelayTelemetry {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(link, "link");
        Objects.requireNonNull(time, "time");
    }
}
