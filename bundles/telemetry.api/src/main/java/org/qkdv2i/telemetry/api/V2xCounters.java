package org.qkdv2i.telemetry.api;

import java.time.Instant;
import java.util.Objects;

/** Counters of one V2X stack adapter (ITS-G5, C-V2X). */
public record V2xCounters(String node, String adapter, long sent, long received, long rejected, Instant time) {
    public V2xCounters {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(adapter, "adapter");
        Objects.requireNonNull(time, "time");
    }
}
