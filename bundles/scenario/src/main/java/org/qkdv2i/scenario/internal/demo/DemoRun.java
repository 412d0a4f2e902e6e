package org.qkdv2i.scenario.internal.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.qkdv2i.scenario.api.City;
import org.qkdv2i.scenario.api.CityEvent;
import org.qkdv2i.scenario.api.CityListener;
import org.qkdv2i.scenario.api.CityView;
import org.qkdv2i.scenario.internal.CityComponent;
import org.qkdv2i.scenario.internal.Report;
import org.qkdv2i.scenario.internal.model.Scenario;

/** The demo on the launcher's main thread: live lines, then the final report; returns the exit code. */
final class DemoRun {

    private final BundleContext context;
    private final Supplier<City> city;
    private final Scenario scenario;
    private final DemoOptions options;
    private final PrintStream out = System.out;

    DemoRun(BundleContext context, Supplier<City> city, Scenario scenario, DemoOptions options) {
        this.context = context;
        this.city = city;
        this.scenario = scenario;
        this.options = options;
    }

    int call() {
        double duration = options.durationS() > 0 ? options.durationS() : scenario.durationS();
        out.println("demo: " + scenario.name() + " — " + scenario.nodes().size() + " nodes, " + scenario.links().size()
                + " FSO links, " + scenario.rsus().size() + " RSUs, " + scenario.vehicles().size() + " vehicles; "
                + String.format(Locale.ROOT, "%.0f simulated s", duration)
                + (options.headless() ? "" : "; web console http://localhost:" + options.consolePort() + "/"));
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("city.listener", "demo-terminal");
        ServiceRegistration<CityListener> printer = context.registerService(CityListener.class, this::print, props);
        long started = System.nanoTime();
        long nextLine = started;
        Report report = null;
        int waited = 0;
        try {
            while (true) {
                nextLine += TimeUnit.SECONDS.toNanos(1);
                long wait = nextLine - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait); // the pace of the terminal line, not synchronisation
                }
                City c = city.get();
                if (!(c instanceof CityComponent cc)) {
                    if (++waited % 5 == 0) {
                        out.printf(Locale.ROOT, "starting … %.0f s (the city service is not there yet)%n", wall(started));
                    }
                    continue;
                }
                if (!cc.ready()) {
                    CityView v = c.view();
                    long up = v.links().stream().filter(l -> "UP".equals(l.state()) || "DEGRADED".equals(l.state())).count();
                    if (++waited % 5 == 0) {
                        out.printf(Locale.ROOT, "starting the QKD network … %.0f s: %d/%d FSO links up%s%n", wall(started),
                                up, v.links().size(), up == v.links().size() ? ", provisioning the applications" : "");
                    }
                    if (wall(started) > 240) {
                        out.println("demo: the network did not come up within 240 s");
                        report = cc.report();
                        break;
                    }
                    continue;
                }
                double t = cc.simSeconds();
                out.println(Summary.line(c.view(), t));
                if (t >= duration) {
                    report = cc.report();
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                printer.unregister();
            } catch (IllegalStateException gone) {
                // framework stopping
            }
        }
        int code = 0;
        if (report != null) {
            printReport(report);
            if (options.report() != null) {
                try {
                    writeJson(report);
                } catch (IOException e) {
                    out.println("demo: report not written to " + options.report() + ": " + e.getMessage());
                    code = 1;
                }
            }
        } else {
            code = 1;
        }
        return code; // the launcher exits with it; DemoLauncher's shutdown hook stops the framework
    }

    private static double wall(long started) {
        return (System.nanoTime() - started) / 1e9;
    }

    /** Events worth a line of their own (not every UP/DEGRADED flicker of a link). */
    private void print(CityEvent e) {
        if (CityEvent.LINK_STATE.equals(e.kind()) && !e.text().contains("DOWN") && !e.text().contains("EAVESDROPPING")) {
            return;
        }
        City c = city.get();
        double t = c instanceof CityComponent cc ? cc.secondsOf(e.simTime()) : 0;
        out.printf(Locale.ROOT, "  » %4.0fs %-22s %s%n", t, e.kind(), e.text());
    }

    private void printReport(Report r) {
        CityView.Totals t = r.totals();
        out.println();
        out.println("=== final report: " + r.scenario() + " ===");
        out.printf(Locale.ROOT, "network ready after %.1f s (wall); %.0f simulated s played%n", r.readyAfterWallSeconds(),
                r.simSeconds());
        out.printf(Locale.ROOT, "keys delivered %d (relayed over trusted nodes %d), key requests refused %d%n",
                t.keysDelivered(), t.keysRelayed(), r.keyRequestsFailed());
        out.printf(Locale.ROOT, "handovers %d secured with a relayed QKD key (of %d); V2X messages %d; alarms %d%n",
                t.handovers(), r.handovers().size(), t.v2xMessages(), t.alarms());
        for (Report.Handover h : r.handovers()) {
            out.printf(Locale.ROOT, "  handover %4.0fs %s %s→%s DPN session %s epoch %d (QKD key %s relayed over %s): %s%n",
                    h.atS(), h.vehicle(), h.from(), h.to(), h.dpnSession(), h.epoch(),
                    h.keyId() == null ? "(unnamed)" : h.keyId(), String.join("-", h.path()),
                    h.failure() != null ? "FAILED " + h.failure()
                            : h.sameKey() && h.contextOpened() ? "same key at both base stations (exporter hash "
                                    + h.fingerprint() + "), context delivered" : "KEY MISMATCH");
        }
        if (r.rsuSetUpsFull() + r.rsuSetUpsFast() > 0) {
            out.printf(Locale.ROOT, "RSU–vehicle DPN sessions: %d full set-ups (first contact), %d fast transitions%n",
                    r.rsuSetUpsFull(), r.rsuSetUpsFast());
        }
        for (Report.V2xTotal v : r.v2xWhilePlaying()) {
            out.printf(Locale.ROOT, "V2X while playing, %d %s stations in %.0f s: sent %d, received %d, delivered %d,"
                    + " refused %d%s%n", v.stations(), v.kind(), v.wallSeconds(), v.sent(), v.received(), v.delivered(),
                    v.refused(), v.refusedBy().isEmpty() ? "" : " " + v.refusedBy());
        }
        for (Report.Reroute x : r.reroutes()) {
            out.printf(Locale.ROOT, "  reroute  %4.0fs %s %s → %s%n", x.atS(), x.app(), String.join("-", x.before()),
                    String.join("-", x.after()));
        }
        for (Report.Detection d : r.detections()) {
            out.printf(Locale.ROOT, "  eavesdropping detected %4.0fs on %s (Eve: %s, QBER %.1f %%)%n", d.atS(), d.link(),
                    d.attack(), 100 * d.qber());
        }
        Report.Clock k = r.clock();
        if (k.peakLagByLink().isEmpty()) {
            out.printf(Locale.ROOT, "clock: x%.0f requested; no simulated link reported its schedule%n", k.requestedSpeed());
        } else {
            out.printf(Locale.ROOT, "clock: x%.0f requested, x%.1f run; held back for the links' physics during %.0f"
                    + " simulated s (at most %.1f s; the slowest link up to %.1f s behind the requested speed: %s at"
                    + " %.0f s; the fastest up to %.1f s ahead of the clock); %d timeline change(s) waited for their"
                    + " link (up to %.1f s)%s%n", k.requestedSpeed(), k.clockSpeed(), k.behindS(), k.maxHeldS(),
                    k.peakLagS(), k.peakLagLink(), k.peakLagAtS(), k.maxAheadS(), k.eventsDeferred(), k.maxDeferralS(),
                    k.eventsPending() == 0 ? "" : ", " + k.eventsPending() + " never applied");
        }
        out.println("events: " + r.eventCounts());
        for (String p : r.problems()) {
            out.println("  problem: " + p);
        }
    }

    private void writeJson(Report r) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        json.findAndRegisterModules();
        ObjectNode root = json.valueToTree(r);
        Files.writeString(options.report(), json.writeValueAsString(root));
    }


}
