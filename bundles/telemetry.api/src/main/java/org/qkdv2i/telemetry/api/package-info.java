/**
 * Telemetry a QKD-V2I node publishes to operators (IoT platforms over MQTT, SCADA over OPC UA):
 * state records, alarms, and the {@link org.qkdv2i.telemetry.api.TelemetrySink} SPI that each
 * telemetry adapter implements.
 * <p>1.1: {@link org.qkdv2i.telemetry.api.V2xCounters} carries all V2X stack counters (the 1.0
 * constructor and accessors stay).
 * <p>1.2: {@link org.qkdv2i.telemetry.api.PoolTelemetry} carries the link's key authentication counters
 * (bits spent, blocks checked and failed; the 1.1 constructor stays).
 * <p>1.3: {@link org.qkdv2i.telemetry.api.Alarm.Kind#KEY_AUTHENTICATION} (a link's key check failed);
 * {@link org.qkdv2i.telemetry.api.QosTelemetry} per key pool and
 * {@link org.qkdv2i.telemetry.api.TelemetrySink#qos} (default: ignored).
 */
@Version("1.3.0")
@Export
package org.qkdv2i.telemetry.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
