package org.qkdv2i.telemetry.api;

import java.time.Instant;
import java.util.Objects;

/** Node-wide key management counters. */
public record KmmCounters(String node, int pools, int saes, long delivered, long expired, Instant time) {
    public KmmCounters {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(time, "time");
    }
}
