package org.qkdv2i.telemetry.api;

import java.time.Instant;
import java.util.Objects;

/**
 * Key relay counters over one physical link (ETSI GS QKD 015 virtual links riding on it).
 *
 * @param linkKeyBits link key spent on relaying (bits)
 * @param voided relayed keys voided (MAC failure, timeout)
 */
public record RelayTelemetry(String node, String link, String peerNode, long keysSent, long keysReceived,
        long linkKeyBits, long voided, Instant time) {
    public RelayTelemetry {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(link, "link");
        Objects.requireNonNull(time, "time");
        peerNode = peerNode == null ? "" : peerNode;
    }
}
