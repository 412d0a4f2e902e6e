package org.qkdv2i.telemetry.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Implemented by telemetry adapters (MQTT, OPC UA). Calls must not block on the network:
 * an adapter buffers and sends on its own threads, so key delivery never waits for telemetry.
 */
@ConsumerType
public interface TelemetrySink {

    /** Service property: the node this sink publishes for. */
    String NODE_PROPERTY = "qkd.node";

    void link(LinkTelemetry link);

    void pool(PoolTelemetry pool);

    default void kmm(KmmCounters counters) {}

    default void relay(RelayTelemetry relay) {}

    /** Allocation by agreed QoS per key pool (since 1.3). */
    default void qos(QosTelemetry qos) {}

    default void identity(IdentityEvent event) {}

    default void v2x(V2xCounters counters) {}

    /** Delivered at least once, never dropped before state messages. */
    void alarm(Alarm alarm);

    /** Connection and counters of this adapter. */
    SinkStatus status();
}
