package org.qkdv2i.qkd.api;

import java.time.Instant;
import java.util.Objects;

/**
 * A status snapshot of one link end. Rates are in bits per second of (simulated) time.
 *
 * @param state             operational state
 * @param qber              quantum bit error rate of the last round, 0..1 (NaN if unknown)
 * @param secretKeyRate     secret key rate after post-processing, bit/s
 * @param rawKeyRate        detection (raw key) rate, bit/s
 * @param channelLossDb     total channel loss in dB (NaN if unknown)
 * @param reason            why the state is what it is ("" when nothing to say)
 * @param timestamp         when the snapshot was taken
 */
public record LinkStatus(LinkState state, double qber, double secretKeyRate, double rawKeyRate,
        double channelLossDb, String reason, Instant timestamp) {

    public LinkStatus {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(timestamp, "timestamp");
        reason = reason == null ? "" : reason;
        if (secretKeyRate < 0 || rawKeyRate < 0) {
            throw new IllegalArgumentException("rates cannot be negative");
        }
    }

    /** A snapshot with no measurements yet. */
    public static LinkStatus of(LinkState state, String reason, Instant timestamp) {
        return new LinkStatus(state, Double.NaN, 0, 0, Double.NaN, reason, timestamp);
    }
}
