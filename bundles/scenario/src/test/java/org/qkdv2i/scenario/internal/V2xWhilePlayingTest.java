package org.qkdv2i.scenario.internal;

import static org.junit.Assert.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.Test;

/** The report's V2X counters while the clock ran: per kind, without what the stacks did during start-up. */
public class V2xWhilePlayingTest {

    private static Report.V2xCount count(String id, String kind, long sent, long received, long delivered,
            Map<String, Long> refusedBy) {
        long refused = refusedBy.values().stream().mapToLong(Long::longValue).sum();
        return new Report.V2xCount(id, kind, "ITS_G5", sent, received, delivered, refused, refusedBy, 0, 0);
    }

    @Test
    public void countersAreSummedPerKindAndMeasuredFromTheClockStart() {
        var atStart = V2xFleet.byKind(List.of(
                count("R1", "RSU", 10, 500, 20, Map.of("STALE", 470L, "UNKNOWN_SIGNER", 10L)),
                count("R2", "RSU", 12, 400, 30, Map.of("STALE", 370L)),
                count("v1", "VEHICLE", 5, 50, 40, Map.of("NO_PSK", 10L))), 100.0);
        var atEnd = V2xFleet.byKind(List.of(
                count("R1", "RSU", 130, 1700, 1200, Map.of("STALE", 470L, "UNKNOWN_SIGNER", 20L)),
                count("R2", "RSU", 132, 1500, 1110, Map.of("STALE", 370L)),
                count("v1", "VEHICLE", 305, 350, 300, Map.of("NO_PSK", 50L))), 220.0);

        assertEquals(2, atEnd.get("RSU").stations());
        assertEquals(3200, atEnd.get("RSU").received());
        assertEquals(Map.of("STALE", 840L, "UNKNOWN_SIGNER", 20L), atEnd.get("RSU").refusedBy());

        List<Report.V2xTotal> played = V2xFleet.since(atStart, atEnd);
        Report.V2xTotal rsus = played.get(0);
        assertEquals("RSU", rsus.kind());
        assertEquals(120.0, rsus.wallSeconds(), 1e-9);
        assertEquals(240, rsus.sent());
        assertEquals(2300, rsus.received());
        assertEquals(2260, rsus.delivered());
        assertEquals(10, rsus.refused());
        // the start-up's STALE refusals are not the played window's: no STALE key left
        assertEquals(Map.of("UNKNOWN_SIGNER", 10L), rsus.refusedBy());
        Report.V2xTotal vehicles = played.get(1);
        assertEquals(1, vehicles.stations());
        assertEquals(300, vehicles.sent());
        assertEquals(Map.of("NO_PSK", 40L), vehicles.refusedBy());
    }
}
