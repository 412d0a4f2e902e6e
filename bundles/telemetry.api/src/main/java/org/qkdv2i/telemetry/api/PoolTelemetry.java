package org.qkdv2i.telemetry.api;

import java.time.Instant;
import java.util.Objects;

/** Key pool level of one link at a node (counts are keys, never key material). */
public record PoolTelemetry(String node, String link, String peerNode, long ownKeys, long peerKeys,
        long capacity, long lowWater, long delivered, long expired, Instant time) {
    public PoolTelemetry {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(link, "link");
        Objects.requireNonNull(time, "time");
        peerNode = peerNode == null ? "" : peerNode;
    }
}
