package org.qkdv2i.shell.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.qkdv2i.telemetry.api.SinkStatus;
import org.qkdv2i.telemetry.api.TelemetrySink;

/**
 * Gogo command {@code telemetry:sinks}: what every telemetry adapter ({@link TelemetrySink}:
 * MQTT publisher, OPC UA server) is connected to and what it has sent, buffered or dropped.
 * Sinks come and go (dynamic, greedy; adapters are hot-swapped); one leaving or failing
 * mid-command gets a row saying so. Enabled by {@link TelemetryCommandsGate} only when
 * {@code org.qkdv2i.telemetry.api} is wired to this bundle.
 */
@Component(name = TelemetryCommandsGate.TELEMETRY_COMMANDS, enabled = false, service = TelemetryCommands.class,
        property = {"osgi.command.scope=telemetry", "osgi.command.function=sinks"})
public class TelemetryCommands {

    static final String NO_SINK = "no telemetry sink in this framework (configure org.qkdv2i.telemetry.mqtt.Publisher "
            + "or org.qkdv2i.telemetry.opcua.Server)";

    /** Sinks present → the node named in their service properties. */
    private final Map<TelemetrySink, String> sinks = new ConcurrentHashMap<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindTelemetrySink(TelemetrySink sink, Map<String, Object> props) {
        Object node = props.get(TelemetrySink.NODE_PROPERTY);
        sinks.put(sink, node == null ? "?" : node.toString());
    }

    void unbindTelemetrySink(TelemetrySink sink) {
        sinks.remove(sink);
    }

    /** A sink's status, or why it gave none (its node from the service properties). */
    record Entry(String node, SinkStatus status, String failure) {
    }

    @Descriptor("telemetry adapters: what each is connected to, what it has sent, buffered and dropped")
    public String sinks() {
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<TelemetrySink, String> e : sinks.entrySet()) {
            try {
                entries.add(new Entry(e.getValue(), e.getKey().status(), null));
            } catch (RuntimeException failed) {
                entries.add(new Entry(e.getValue(), null, LinkCommands.describe(failed)));
            }
        }
        return table(entries).stripTrailing();
    }

    static String table(List<Entry> entries) {
        Table t = new Table("ADAPTER", "NODE", "ENDPOINT", "CONNECTED", "SENT", "BUFFERED", "DROPPED STATE",
                "DROPPED ALARMS");
        entries.stream().sorted(Comparator.comparing((Entry e) -> e.status() == null ? "~" : e.status().adapter())
                .thenComparing(e -> e.status() == null || e.status().node() == null ? e.node() : e.status().node()))
                .forEach(e -> {
                    SinkStatus s = e.status();
                    if (s == null) {
                        t.row("?", e.node(), "status failed: " + e.failure(), "-", "-", "-", "-", "-");
                    } else {
                        t.row(s.adapter(), s.node() == null ? e.node() : s.node(), s.endpoint(),
                                s.connected() ? "yes" : "no", s.sent(), s.buffered(), s.droppedState(),
                                s.droppedAlarms());
                    }
                });
        return t.render(NO_SINK);
    }
}
