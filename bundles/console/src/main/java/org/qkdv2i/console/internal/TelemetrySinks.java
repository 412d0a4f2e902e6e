package org.qkdv2i.console.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.qkdv2i.telemetry.api.SinkStatus;
import org.qkdv2i.telemetry.api.TelemetrySink;

/**
 * The telemetry sinks (MQTT, OPC UA) for the console's {@code /api/telemetry}. The only class that
 * touches {@code org.qkdv2i.telemetry.api}, which the bundle imports optionally: the console enables
 * this component only when that package is wired, so it runs without any telemetry bundle.
 */
@Component(enabled = false, service = SinkDirectory.class)
public final class TelemetrySinks implements SinkDirectory {

    private final Set<TelemetrySink> sinks = new CopyOnWriteArraySet<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindSink(TelemetrySink sink) {
        sinks.add(sink);
    }

    void unbindSink(TelemetrySink sink) {
        sinks.remove(sink);
    }

    @Override
    public List<Map<String, Object>> sinks() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (TelemetrySink s : sinks) {
            try {
                out.add(map(s.status()));
            } catch (RuntimeException leftMeanwhile) {
                // a sink being deactivated: not part of this answer
            }
        }
        out.sort((a, b) -> String.valueOf(a.get("node")).compareTo(String.valueOf(b.get("node"))));
        return out;
    }

    static Map<String, Object> map(SinkStatus s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("adapter", s.adapter());
        m.put("node", s.node());
        m.put("endpoint", s.endpoint()); // never credentials (SinkStatus contract)
        m.put("connected", s.connected());
        m.put("sent", s.sent());
        m.put("buffered", s.buffered());
        m.put("droppedState", s.droppedState());
        m.put("droppedAlarms", s.droppedAlarms());
        return m;
    }
}
