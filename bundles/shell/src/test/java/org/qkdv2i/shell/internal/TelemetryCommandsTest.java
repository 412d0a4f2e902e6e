package org.qkdv2i.shell.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.Test;
import org.qkdv2i.telemetry.api.Alarm;
import org.qkdv2i.telemetry.api.LinkTelemetry;
import org.qkdv2i.telemetry.api.PoolTelemetry;
import org.qkdv2i.telemetry.api.SinkStatus;
import org.qkdv2i.telemetry.api.TelemetrySink;

/** telemetry:sinks over in-test sinks, and its gate. */
public class TelemetryCommandsTest {

    private static final class FakeSink implements TelemetrySink {
        final AtomicReference<SinkStatus> status = new AtomicReference<>();

        FakeSink(SinkStatus s) {
            status.set(s);
        }

        @Override
        public void link(LinkTelemetry link) {
        }

        @Override
        public void pool(PoolTelemetry pool) {
        }

        @Override
        public void alarm(Alarm alarm) {
        }

        @Override
        public SinkStatus status() {
            SinkStatus s = status.get();
            if (s == null) {
                throw new IllegalStateException("sink closed");
            }
            return s;
        }
    }

    private final TelemetryCommands commands = new TelemetryCommands();

    @Test
    public void everySinkWithWhatItSentBufferedAndDroppedSortedByAdapterAndNode() {
        assertEquals(TelemetryCommands.NO_SINK, commands.sinks());
        FakeSink mqttB = new FakeSink(new SinkStatus("mqtt", "B", "tcp://127.0.0.1:1883", false, 12, 30, 7, 1));
        FakeSink mqttA = new FakeSink(new SinkStatus("mqtt", "A", "ssl://broker:8883", true, 1500, 0, 0, 0));
        FakeSink opcua = new FakeSink(new SinkStatus("opcua", "A", "opc.tcp://0.0.0.0:4840/qkdv2i", true, 99, 0, 0, 0));
        commands.bindTelemetrySink(mqttB, Map.of(TelemetrySink.NODE_PROPERTY, "B"));
        commands.bindTelemetrySink(opcua, Map.of(TelemetrySink.NODE_PROPERTY, "A"));
        commands.bindTelemetrySink(mqttA, Map.of(TelemetrySink.NODE_PROPERTY, "A"));
        String[] lines = commands.sinks().split("\n");
        assertEquals(5, lines.length);
        assertEquals("ADAPTER  NODE  ENDPOINT                       CONNECTED  SENT  BUFFERED  DROPPED STATE  DROPPED ALARMS",
                lines[0]);
        assertEquals("mqtt     A     ssl://broker:8883              yes        1500         0              0               0",
                lines[2]);
        assertEquals("mqtt     B     tcp://127.0.0.1:1883           no           12        30              7               1",
                lines[3]);
        assertTrue(lines[4], lines[4].startsWith("opcua    A     opc.tcp://0.0.0.0:4840/qkdv2i  yes"));

        // a sink failing mid-command gets a row saying so; one that left is gone
        mqttB.status.set(null);
        String out = commands.sinks();
        assertTrue(out, out.contains("?        B     status failed: sink closed"));
        commands.unbindTelemetrySink(mqttB);
        assertFalse(commands.sinks().contains("B  "));
    }

    @Test
    public void commandsOnlyWithTheTelemetryApiWired() {
        assertFalse(TelemetryCommandsGate.enable(Set.of("org.qkdv2i.kmm.api")));
        assertTrue(TelemetryCommandsGate.enable(Set.of("org.qkdv2i.kmm.api", "org.qkdv2i.telemetry.api")));
    }
}
