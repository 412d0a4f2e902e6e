package org.qkdv2i.telemetry.api;

/**
 * What a telemetry adapter is connected to and what it has sent or dropped (for shell commands).
 *
 * @param endpoint where it sends to (broker URL, server endpoint); never credentials
 * @param droppedState state messages dropped because the local buffer overflowed
 * @param droppedAlarms alarms dropped because the buffer held nothing but alarms
 */
public record SinkStatus(String adapter, String node, String endpoint, boolean connected, long sent,
        long buffered, long droppedState, long droppedAlarms) {
}
