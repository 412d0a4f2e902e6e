package org.qkdv2i.scenario.internal;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.qkdv2i.scenario.api.CityView;

/**
 * What happened in a run, for the demo's final report and the story test: the totals, each
 * handover with its key ID and whether both base stations held the same key, each reroute, each
 * eavesdropping detection.
 */
public record Report(String scenario, boolean ready, double readyAfterWallSeconds, double simSeconds,
        CityView.Totals totals, Map<String, Long> eventCounts, List<Handover> handovers, List<Reroute> reroutes,
        List<Detection> detections, long keyRequestsFailed, List<String> problems) {

    public Report {
        eventCounts = Map.copyOf(eventCounts);
        handovers = List.copyOf(handovers);
        reroutes = List.copyOf(reroutes);
        detections = List.copyOf(detections);
        problems = List.copyOf(problems);
    }

    /**
     * A session transfer between base stations.
     *
     * @param keyId        the relayed QKD key sealing the session context (ID only)
     * @param sameKey      the old and the new base station held the same key bytes (compared, then zeroised)
     * @param contextOpened the new base station opened the sealed context and it was the one sent
     * @param path         the relay path of the key, node by node
     */
    public record Handover(double atS, String vehicle, String from, String to, UUID keyId, boolean sameKey,
            boolean contextOpened, List<String> path, String failure) {
        public Handover {
            path = List.copyOf(path);
        }
    }

    /** An application's relay path changed. */
    public record Reroute(double atS, String app, List<String> before, List<String> after) {
        public Reroute {
            before = List.copyOf(before);
            after = List.copyOf(after);
        }
    }

    /** A link reported eavesdropping (its QKD rounds aborted). */
    public record Detection(double atS, String link, String attack, double qber) {
    }
}
