package org.qkdv2i.console.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

import org.qkdv2i.scenario.api.City;
import org.qkdv2i.scenario.api.CityEvent;
import org.qkdv2i.scenario.api.CityView;
import org.qkdv2i.scenario.api.Provisioned;
import org.qkdv2i.scenario.api.ScenarioException;

/**
 * A fake {@link City} for the console's tests: the real engine is another bundle
 * (bundles/scenario). It keeps a tiny city (E–A–B–F, two RSUs, one moving vehicle), advances
 * simulated time by one second and the vehicle by 10 m on every {@link #view()}, turns every link
 * DOWN in fog and ABORTED_EAVESDROPPING under attack, and numbers its events like the engine does.
 */
final class FakeCity implements City {

    private static final Set<String> SAES = Set.of("sae-E", "sae-F", "sae-A");

    private final Map<String, String> state = new LinkedHashMap<>();
    private final Map<String, String> attack = new LinkedHashMap<>();
    private final List<CityEvent> events = new ArrayList<>();
    private final int historyLimit;
    private Instant now = Instant.parse("2026-06-01T22:00:00Z");
    private double vehicleX = 0;
    private String weather = "CLEAR";
    private boolean daylight;
    private long seq;
    private volatile Consumer<CityEvent> listener = e -> { };
    volatile int viewCalls;

    FakeCity(int historyLimit) {
        this.historyLimit = historyLimit;
        state.put("E-A", "UP");
        state.put("A-B", "UP");
        state.put("B-F", "UP");
    }

    void listener(Consumer<CityEvent> l) {
        listener = l;
    }

    /** Emits an event as the engine would (numbered, kept, pushed to the listener). */
    CityEvent emit(String kind, String subject, String text) {
        CityEvent e;
        synchronized (this) {
            e = new CityEvent(++seq, now, kind, subject, text);
            events.add(e);
            while (events.size() > historyLimit) {
                events.remove(0);
            }
        }
        listener.accept(e);
        return e;
    }

    @Override
    public String name() {
        return "fake-paper-city";
    }

    @Override
    public synchronized CityView view() {
        viewCalls++;
        now = now.plusSeconds(1);
        vehicleX += 10;
        List<CityView.LinkView> links = new ArrayList<>();
        String[][] ends = {{"E-A", "E", "A"}, {"A-B", "A", "B"}, {"B-F", "B", "F"}};
        for (String[] l : ends) {
            String s = state.get(l[0]);
            boolean up = "UP".equals(s);
            links.add(new CityView.LinkView(l[0], l[1], l[2], 220, s, up ? 1200 + vehicleX : 0,
                    up ? 0.021 : Double.NaN, up ? 9.5 : Double.NaN, up ? 500 : 40, up ? 480 : 40, 1000,
                    attack.get(l[0]), up ? 1 : 0));
        }
        return new CityView(name(), now, 10, weather, daylight,
                List.of(new CityView.NodeView("E", "BASE_STATION", "BS E", 0, 0),
                        new CityView.NodeView("A", "TRUSTED_NODE", "A", 200, 100),
                        new CityView.NodeView("B", "TRUSTED_NODE", "B", 420, 100),
                        new CityView.NodeView("F", "BASE_STATION", "BS F", 620, 0)),
                links,
                List.of(new CityView.RsuView("rsu-E1", "E", 100, -80, 150, "ITS_G5"),
                        new CityView.RsuView("rsu-F1", "F", 520, -80, 150, "CV2X")),
                List.of(new CityView.VehicleView("car-1", "ITS_G5", vehicleX % 700, -90, 90, 13.9,
                        vehicleX % 700 < 300 ? "rsu-E1" : "rsu-F1", vehicleX % 700 < 300 ? "E" : "F")),
                List.of(new CityView.AppView("app-1", "sae-E", "sae-F", List.of("E", "A", "B", "F"), "ACTIVE")),
                new CityView.Totals(seq * 3, seq, 1, 42, 0));
    }

    @Override
    public synchronized List<CityEvent> events(long afterSeq, int limit) {
        List<CityEvent> out = new ArrayList<>();
        for (CityEvent e : events) {
            if (e.seq() > afterSeq) {
                out.add(e);
            }
        }
        return out.size() > limit ? new ArrayList<>(out.subList(out.size() - limit, out.size())) : out;
    }

    @Override
    public void setWeather(String w, boolean day) throws ScenarioException {
        if (!CityView.WEATHERS.contains(w)) {
            throw new ScenarioException(ScenarioException.Reason.BAD_REQUEST, "unknown weather " + w);
        }
        List<String> changed = new ArrayList<>();
        synchronized (this) {
            weather = w;
            daylight = day;
            String s = w.endsWith("FOG") ? "DOWN" : "UP";
            for (Map.Entry<String, String> e : state.entrySet()) {
                if (!e.getValue().equals(s) && !attack.containsKey(e.getKey())) {
                    e.setValue(s);
                    changed.add(e.getKey());
                }
            }
        }
        emit(CityEvent.WEATHER, "city", "weather " + w + (day ? " by day" : " by night"));
        for (String l : changed) {
            emit(CityEvent.LINK_STATE, l, "link " + l + " " + state.get(l));
        }
    }

    @Override
    public void startAttack(String linkId, String kind) throws ScenarioException {
        synchronized (this) {
            if (!state.containsKey(linkId)) {
                throw new ScenarioException(ScenarioException.Reason.NOT_FOUND, "no link " + linkId);
            }
            if (attack.containsKey(linkId)) {
                throw new ScenarioException(ScenarioException.Reason.CONFLICT, "link " + linkId + " is already attacked");
            }
            attack.put(linkId, kind);
            state.put(linkId, "ABORTED_EAVESDROPPING");
        }
        emit(CityEvent.ATTACK_STARTED, linkId, "Eve starts " + kind);
        emit(CityEvent.EAVESDROPPING_DETECTED, linkId, "QBER above threshold");
    }

    @Override
    public void stopAttack(String linkId) throws ScenarioException {
        synchronized (this) {
            if (!state.containsKey(linkId)) {
                throw new ScenarioException(ScenarioException.Reason.NOT_FOUND, "no link " + linkId);
            }
            if (attack.remove(linkId) == null) {
                return;
            }
            state.put(linkId, weather.endsWith("FOG") ? "DOWN" : "UP");
        }
        emit(CityEvent.ATTACK_STOPPED, linkId, "Eve leaves");
    }

    @Override
    public String updateDriver(String linkId) throws ScenarioException {
        if (!state.containsKey(linkId)) {
            throw new ScenarioException(ScenarioException.Reason.NOT_FOUND, "no link " + linkId);
        }
        emit(CityEvent.DRIVER_UPDATED, linkId, "driver bundle updated");
        return "org.qkdv2i.driver.sim.fso 0.1.0 updated for " + linkId;
    }

    @Override
    public Provisioned provision(String master, String slave) throws ScenarioException {
        if (!SAES.contains(master) || !SAES.contains(slave)) {
            throw new ScenarioException(ScenarioException.Reason.NOT_FOUND,
                    "unknown SAE " + (SAES.contains(master) ? slave : master));
        }
        emit(CityEvent.APP_PROVISIONED, "app-2", master + " -> " + slave);
        return new Provisioned("app-2", master, slave, List.of("E", "A", "B", "F"),
                UUID.fromString("00000000-0000-4000-8000-000000000001"), true);
    }
}
