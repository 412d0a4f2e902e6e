package org.qkdv2i.telemetry.api;

import java.time.Instant;
import java.util.Objects;

/**
 * State of one QKD link at a node.
 *
 * @param state link state name (STARTING, UP, DEGRADED, DOWN, ABORTED_EAVESDROPPING)
 * @param qber quantum bit error rate (0..1, NaN if unknown)
 * @param secretKeyRate secret key rate in bit/s
 * @param lossDb channel loss in dB (NaN if unknown)
 */
public record LinkTelemetry(String node, String link, String state, double qber, double secretKeyRate,
        double lossDb, String reason, Instant time) {
    public LinkTelemetry {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(link, "link");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(time, "time");
        reason = reason == null ? "" : reason;
    }
}
