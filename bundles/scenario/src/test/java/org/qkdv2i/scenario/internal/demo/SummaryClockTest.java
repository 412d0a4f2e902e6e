package org.qkdv2i.scenario.internal.demo;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.Test;
import org.qkdv2i.scenario.api.CityView;

/** The summary line says when the run is behind the requested speed, and only then. */
public class SummaryClockTest {

    private static CityView view(CityView.Clock clock) {
        return new CityView("c", Instant.EPOCH, 4, "CLEAR", false, List.of(),
                List.of(new CityView.LinkView("A-B", "A", "B", 263, "UP", 30_000, 0.01, 18, 40, 50, 100, null, 1)),
                List.of(), List.of(), List.of(), new CityView.Totals(1, 0, 0, 0, 0), clock);
    }

    @Test
    public void behindTheRequestedSpeedTheLineSaysHowFarTheClockIsHeldForWhichLinkAndHowFastItRuns() {
        String line = Summary.line(view(new CityView.Clock(48.2, 54.2, "A-B", 60, 2.6, true, 1, Map.of("A-B", 54.2), 0)),
                100);
        assertTrue(line, line.endsWith(" | alarms 0 | BEHIND x4: clock held 48 s for A-B's physics, runs x2.6,"
                + " 1 timeline change(s) waiting for their link"));
    }

    @Test
    public void onTimeOrUnmeasuredTheLineIsAsBefore() {
        String onTime = Summary.line(view(new CityView.Clock(0, 1.5, "A-B", 3, 4.0, false, 0, Map.of("A-B", 1.5), 0)), 100);
        String none = Summary.line(view(CityView.Clock.NONE), 100);
        assertFalse(onTime, onTime.contains("BEHIND"));
        assertEquals(none, onTime);
        assertTrue(none, none.endsWith("| alarms 0"));
    }
}
