package org.qkdv2i.telemetry.api;

import java.time.Instant;
import java.util.Objects;

/**
 * Counters of one V2X stack adapter (ITS-G5, C-V2X) since the stack started; the finer counters
 * mirror the V2X adapter API's {@code StackStatistics}.
 *
 * @param adapter the stack's name ({@code v2x.stack}), unique within the node
 * @param sent frames handed to the radio
 * @param received frames received from the radio
 * @param rejected received frames dropped: {@code malformed + refused}
 * @param sendFailures sends the radio refused or that had no radio (since 1.1)
 * @param delivered messages delivered to applications (since 1.1)
 * @param malformed frames that did not decode (since 1.1)
 * @param refused frames dropped by security: verification failed, unknown PSK, unsecured where not
 *        accepted (since 1.1; its growth raises {@link Alarm.Kind#AUTH_FAILURE})
 * @param duplicates DENM repetitions not delivered again (since 1.1)
 * @param outsideArea GeoBroadcast packets for an area the station is not in (since 1.1)
 */
public record V2xCounters(String node, String adapter, long sent, long received, long rejected, long sendFailures,
        long delivered, long malformed, long refused, long duplicates, long outsideArea, Instant time) {

    public V2xCounters {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(adapter, "adapter");
        Objects.requireNonNull(time, "time");
    }

    /** The 1.0 record: the finer counters are 0. */
    public V2xCounters(String node, String adapter, long sent, long received, long rejected, Instant time) {
        this(node, adapter, sent, received, rejected, 0, 0, 0, 0, 0, 0, time);
    }
}
