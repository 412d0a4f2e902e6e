package org.qkdv2i.scenario.internal.demo;

import java.util.Locale;

import org.qkdv2i.scenario.api.CityView;
import org.qkdv2i.scenario.api.CityView.LinkView;

/** The demo's one-line-per-second summary of a city view. */
final class Summary {

    private Summary() {
    }

    static String line(CityView v, double simS) {
        long up = v.links().stream().filter(l -> "UP".equals(l.state()) || "DEGRADED".equals(l.state())).count();
        double skr = v.links().stream().mapToDouble(LinkView::skrBps).sum();
        long minPool = v.links().stream().mapToLong(l -> Math.min(l.keysA(), l.keysB())).min().orElse(0);
        StringBuilder down = new StringBuilder();
        for (LinkView l : v.links()) {
            if (!"UP".equals(l.state()) && !"DEGRADED".equals(l.state())) {
                down.append(down.length() == 0 ? " (" : ", ").append(l.id()).append(' ')
                        .append("ABORTED_EAVESDROPPING".equals(l.state()) ? "EVE" : l.state());
            }
        }
        if (down.length() > 0) {
            down.append(')');
        }
        CityView.Totals t = v.totals();
        return String.format(Locale.ROOT,
                "t=%4.0fs x%.0f %s/%s | links %d/%d up%s | key rate %.1f kbit/s | pools min %d | keys %d (relayed %d)"
                        + " | handovers %d | V2X msgs %d | alarms %d",
                simS, v.speed(), v.weather(), v.daylight() ? "day" : "night", up, v.links().size(), down, skr / 1000,
                minPool, t.keysDelivered(), t.keysRelayed(), t.handovers(), t.v2xMessages(), t.alarms()) + behind(v);
    }

    /**
     * Said only when the run is behind the requested speed: the links' physics (their QKD rounds)
     * cannot keep up, so the clock is held back for the slowest link and runs slower than asked.
     */
    static String behind(CityView v) {
        CityView.Clock c = v.clock();
        if (!c.behind()) {
            return "";
        }
        return String.format(Locale.ROOT, " | BEHIND x%.0f: clock held %.0f s for %s's physics%s%s", v.speed(), c.heldS(),
                c.slowestLink(), Double.isNaN(c.clockSpeed()) ? "" : String.format(Locale.ROOT, ", runs x%.1f",
                        c.clockSpeed()), c.eventsWaiting() == 0 ? "" : ", " + c.eventsWaiting()
                                + " timeline change(s) waiting for their link");
    }
}
