package org.qkdv2i.scenario.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.qkdv2i.kmm.api.KeyEvent;
import org.qkdv2i.kmm.api.RelayRoutes;
import org.qkdv2i.kmm.api.RelayStats;
import org.qkdv2i.kmm.api.VirtualLink;
import org.qkdv2i.qkd.api.LinkState;
import org.qkdv2i.scenario.api.CityEvent;
import org.qkdv2i.scenario.api.ScenarioException;
import org.qkdv2i.scenario.internal.model.Scenario;
import org.qkdv2i.scenario.internal.model.ScenarioParser;
import org.qkdv2i.scenario.internal.sim.SimClock;

/**
 * The engine's logic against fakes (the real KMMs, drivers and controller are other bundles; the
 * end-to-end run with them is distributions/demo's DemoStoryIT): configurations written through
 * ConfigAdmin, the timelines turned into driver updates, link states and relay paths into events,
 * a handover sealed with a key both base stations hold, alarms once each, refused controls. The
 * simulated clock is a manual one the test moves.
 */
public class CityEngineTest {

    static final String CITY = """
            {"name":"t","durationSeconds":100,
             "nodes":[{"id":"E","kind":"BASE_STATION","x":0,"y":0},
                      {"id":"A","kind":"TRUSTED_NODE","x":200,"y":0},
                      {"id":"F","kind":"BASE_STATION","x":400,"y":0}],
             "links":[{"a":"E","b":"A"},{"a":"A","b":"F"}],
             "saes":[{"id":"S-E","node":"E"},{"id":"S-F","node":"F"}],
             "applications":[{"id":"ho","master":"S-E","slave":"S-F","handover":true,"keysPerSecond":2}],
             "rsus":[{"id":"R-E","baseStation":"E","x":50,"y":-50,"rangeM":150},
                     {"id":"R-F","baseStation":"F","x":350,"y":-50,"rangeM":150}],
             "vehicles":[{"id":"car","speedMps":10,"startSeconds":5,"route":[{"x":0,"y":-50},{"x":400,"y":-50}]}],
             "weather":[{"at":0,"weather":"CLEAR"},{"at":20,"weather":"DENSE_FOG","daylight":true,"links":["A-F"]}],
             "attacks":[{"at":30,"link":"E-A","attack":"INTERCEPT_RESEND","strength":0.4,"durationSeconds":10}]}
            """;

    private final Services services = new Services();
    private final FakeCm cm = new FakeCm();
    private final Map<UUID, byte[]> network = new ConcurrentHashMap<>(); // key ID -> bytes at both ends
    private final Map<String, LinkState> states = new ConcurrentHashMap<>();
    private final List<CityEvent> heard = new CopyOnWriteArrayList<>();
    private volatile double now;
    /** The drivers' lags the engine measures (a fake of their schedules), and how often it asked. */
    private final Map<String, Double> lags = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger lagReads = new java.util.concurrent.atomic.AtomicInteger();
    private Path home;
    private CityEngine engine;
    private Scenario scenario;
    private FakeDevices devices;

    @Before
    public void setUp() throws Exception {
        scenario = ScenarioParser.parse(CITY);
        home = Files.createTempDirectory("city-engine-test");
        for (String n : List.of("E", "A", "F")) {
            services.kmms.put(n, new FakeKmm(n, scenario, network, link -> states.getOrDefault(link, LinkState.STARTING)));
            services.routes.put(n, new FakeRoutes(n));
        }
        services.listeners.add(heard::add);
        SimClock manual = new SimClock() {
            @Override
            public double now() {
                return now;
            }

            @Override
            public double speed() {
                return 1;
            }
        };
        // the fake controller puts the path E-A-F at the three nodes, as the real one does through the agents
        CityEngine.Controller controller = (id, ss, sn, cs, cn, prio) -> {
            routes("E").links.add(new VirtualLink("v1", "E", "F", null, "A"));
            routes("A").links.add(new VirtualLink("v1", "E", "F", "E", "F"));
            routes("F").links.add(new VirtualLink("v1", "E", "F", "A", null));
        };
        devices = new FakeDevices(services.kmms);
        for (String d : List.of("bs-E", "bs-F")) {
            devices.device(d, false);
        }
        for (String d : List.of("R-E", "R-F", "car")) {
            devices.device(d, true);
        }
        devices.quantum("bs-E", "E", "S-E", Map.of("bs-F", "S-F"));
        devices.quantum("bs-F", "F", "S-F", Map.of("bs-E", "S-E"));
        engine = new CityEngine(null, cm.proxy(), scenario, services, 1, home, 0, 1000, speed -> manual, controller,
                devices, speed -> {
                    lagReads.incrementAndGet();
                    return Map.copyOf(lags);
                });
    }

    @After
    public void tearDown() throws Exception {
        if (engine != null) {
            engine.close();
        }
        try (var walk = Files.walk(home)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private FakeRoutes routes(String node) {
        return (FakeRoutes) services.routes.get(node);
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + 60_000_000_000L; // a loaded 2-core host sets the city up slowly
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            try {
                Thread.sleep(20); // polling a condition with a deadline
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    private CityEvent awaitEvent(String kind, String subject) {
        await(kind + " " + subject, () -> heard.stream().anyMatch(e -> e.kind().equals(kind) && e.subject().equals(subject)));
        return heard.stream().filter(e -> e.kind().equals(kind) && e.subject().equals(subject)).findFirst().get();
    }

    private void startStory() {
        states.put("E-A", LinkState.UP);
        states.put("A-F", LinkState.UP);
        engine.start();
        await("the story to start", engine::ready);
    }

    /** Returns once a whole tick has run after the call (each tick reads the lags first). */
    private void awaitTick() {
        int seen = lagReads.get();
        await("a whole tick", () -> lagReads.get() >= seen + 2);
    }

    @Test
    public void theClockWaitsForTheSlowestLinkAndTimelineChangesApplyAtEachLinksOwnTime() {
        startStory();
        // the story's start re-bases the drivers' pacing (just after the clock starts) and holds none
        await("paced from the story's start", () -> cm.linkEnd("E-A", "ALICE").get("paceEpoch") instanceof Long
                && Double.valueOf(0).equals(cm.linkEnd("E-A", "ALICE").get("paceHoldSeconds")));
        // A-F's physics 10 s behind the requested speed, E-A on time; the tolerance is 2.5 s (two 1 s
        // rounds + half a wall second at x1): the clock is held 7.5 s back, A-F is 2.5 s behind it
        lags.put("E-A", 0.0);
        lags.put("A-F", 10.0);
        awaitTick();
        now = 28;
        await("the clock held 7.5 s back", () -> engine.view().clock().heldS() == 7.5);
        assertEquals(20.5, engine.simSeconds(), 1e-9);
        assertTrue(engine.view().clock().behind());
        assertEquals("E-A (on time as reported) is 7.5 s ahead of the held clock", 7.5,
                engine.view().clock().aheadS(), 1e-9);
        await("every Alice told to wait for the held clock", () -> Double.valueOf(7.5).equals(
                cm.linkEnd("E-A", "ALICE").get("paceHoldSeconds")) && Double.valueOf(7.5).equals(
                        cm.linkEnd("A-F", "ALICE").get("paceHoldSeconds")));
        assertEquals("A-F", engine.view().clock().slowestLink());
        // fog over A-F at 20: the city's clock is past it, A-F's physics (18 s) is not
        CityEvent fog = awaitEvent(CityEvent.WEATHER, "A-F");
        assertTrue(fog.text(), fog.text().contains("reaches A-F 3 s behind"));
        await("the fog waiting for A-F", () -> engine.view().clock().eventsWaiting() == 1);
        assertEquals("CLEAR", cm.linkEnd("A-F", "ALICE").get("weather"));
        now = 30.5; // clock 23, A-F at 20.5
        await("fog at A-F's Alice", () -> "DENSE_FOG".equals(cm.linkEnd("A-F", "ALICE").get("weather")));

        // Eve at 30 on E-A, which is on time: she starts when the held clock reaches 30
        now = 37;
        awaitTick();
        assertTrue("clock at 29.5: no attack yet", heard.stream().noneMatch(e -> e.kind().equals(CityEvent.ATTACK_STARTED)));
        now = 38;
        CityEvent eve = awaitEvent(CityEvent.ATTACK_STARTED, "E-A");
        assertEquals("at E-A's (and the clock's) 30.5 s", 30.5, engine.secondsOf(eve.simTime()), 1e-6);

        // A-F catches up: the clock runs up to the requested speed again
        lags.put("A-F", 1.0);
        await("not held any more", () -> !engine.view().clock().behind());
        await("the clock at the requested speed's 38 s", () -> engine.simSeconds() == 38);
        await("the hold released at once", () -> Double.valueOf(0).equals(cm.linkEnd("E-A", "ALICE").get("paceHoldSeconds")));
        await("nothing waits", () -> engine.report().clock().eventsPending() == 0);

        Report.Clock c = engine.report().clock();
        assertEquals(7.5, c.maxHeldS(), 1e-9);
        assertEquals(0, c.heldS(), 0);
        assertTrue("held while the clock went from 20.5 to 30.5 at least: " + c.behindS(), c.behindS() >= 10 - 1e-9);
        assertEquals("the fog waited for A-F", 1, c.eventsDeferred());
        assertEquals(10.0, c.peakLagS(), 1e-9);
        assertEquals("A-F", c.peakLagLink());
        assertEquals(0.0, c.peakLagByLink().get("E-A"), 0);
        assertEquals(2.5, c.toleranceS(), 1e-9);
        assertEquals(7.5, c.maxAheadS(), 1e-9);
    }

    @Test
    public void withNoLagNothingWaitsAndNothingIsBehind() {
        startStory();
        lags.put("E-A", 0.0); // on time: the drivers report a schedule at or ahead of the clock
        lags.put("A-F", 0.0);
        now = 21;
        CityEvent fog = awaitEvent(CityEvent.WEATHER, "A-F");
        assertFalse(fog.text(), fog.text().contains("behind"));
        await("fog at A-F's Alice", () -> "DENSE_FOG".equals(cm.linkEnd("A-F", "ALICE").get("weather")));
        now = 31;
        CityEvent eve = awaitEvent(CityEvent.ATTACK_STARTED, "E-A");
        assertTrue("at the tick's time", engine.secondsOf(eve.simTime()) >= 30 && engine.secondsOf(eve.simTime()) <= 31);
        awaitTick();
        assertFalse(engine.view().clock().behind());
        assertEquals(0, engine.view().clock().lagS(), 0);
        assertEquals("the clock is not held", 31, engine.simSeconds(), 0);
        Report.Clock c = engine.report().clock();
        assertEquals(0, c.eventsDeferred());
        assertEquals(0, c.behindS(), 0);
        assertEquals(0, c.maxHeldS(), 0);
        assertEquals(0, c.maxAheadS(), 0);
        assertEquals(0, c.peakLagS(), 0);
        assertEquals(0, c.eventsPending());
    }

    @Test
    public void theCityIsConfiguredThroughConfigAdmin() {
        startStory();
        assertEquals(List.of("E", "A", "F"), cm.values("org.qkdv2i.kmm.Node", "nodeId"));
        assertEquals("two ends per link", 4, cm.all("org.qkdv2i.driver.sim.fso.Link").size());
        Dictionary<String, Object> alice = cm.linkEnd("E-A", "ALICE");
        Dictionary<String, Object> bob = cm.linkEnd("E-A", "BOB");
        assertEquals(200.0, (Double) alice.get("distanceM"), 1e-9);
        assertEquals("same bootstrap key at both ends", alice.get("authKeyHex"), bob.get("authKeyHex"));
        assertEquals(32 * 1024, ((String) alice.get("authKeyHex")).length());
        assertEquals(bob.get("quantumPort"), alice.get("quantumPort"));
        assertEquals("CLEAR", alice.get("weather"));
        String[] peersOfA = (String[]) cm.all("org.qkdv2i.kmm.Node").get(1).get("peers");
        assertEquals(2, peersOfA.length);
        assertEquals(List.of("S-E", "S-F"), cm.values("org.qkdv2i.kmm.Sae", "saeId"));
        assertEquals(3, cm.all("org.qkdv2i.sdn.Agent").size());
        assertEquals(1, cm.all("org.qkdv2i.sdn.Controller").size());
        assertTrue("dev PKI written", Files.isRegularFile(home.resolve("pki/ca.pem")));
        assertEquals(List.of("E", "A", "F"), engine.view().apps().get(0).path());
        // the devices: a PUF, a DAU and a DPN endpoint per base station, RSU and vehicle
        assertEquals(List.of("bs-E", "bs-F", "R-E", "R-F", "car"), cm.values("org.qkdv2i.zap.Dau", "name"));
        assertEquals(List.of("BASE_STATION", "BASE_STATION", "RSU", "RSU", "VEHICLE"),
                cm.values("org.qkdv2i.zap.Dau", "role"));
        assertEquals(List.of("DAU_N", "DAU_N", "DAU_N", "DAU_N", "DAU_V"), cm.values("org.qkdv2i.zap.Dau", "kind"));
        assertEquals(List.of("bs-E", "bs-F", "R-E", "R-F", "car"),
                cm.values("org.qkdv2i.zap.EmulatedSramPuf", "puf.device"));
        List<Hashtable<String, Object>> eps = cm.all("org.qkdv2i.dpn.Endpoint");
        assertEquals(5, eps.size());
        assertEquals("bs-E", eps.get(0).get("dauName"));
        assertEquals("S-E", eps.get(0).get("qkdSaeId"));
        assertEquals(List.of("bs-F=S-F"), List.of((String[]) eps.get(0).get("qkdPeerSaeId")));
        assertEquals(Boolean.TRUE, eps.get(0).get("quantumKeyRequired"));
        assertNull("an RSU has no KMM: no QKD mixing", eps.get(2).get("qkdSaeId"));
        assertEquals(1, cm.all("org.qkdv2i.dpn.IdentityLog").size());
        // radios on the unicast virtual air, SIGNED stacks with the dev PKI
        List<Hashtable<String, Object>> radios = cm.all("org.qkdv2i.radio.udp.Air");
        assertEquals(List.of("R-E", "R-F", "car"), cm.values("org.qkdv2i.radio.udp.Air", "radio.id"));
        assertEquals(150.0, (Double) radios.get(0).get("range.m"), 1e-9);
        assertNotNull("an RSU stands still", radios.get(0).get("position"));
        assertNotNull("a vehicle starts where its route does (then the engine moves it)", radios.get(2).get("position"));
        assertEquals("one in-JVM air for the city (neighbour-directed unicast)", List.of("city-t", "city-t", "city-t"),
                cm.values("org.qkdv2i.radio.udp.Air", "air"));
        assertEquals(List.of("RSU", "RSU", "VEHICLE"), cm.values("org.qkdv2i.radio.udp.Air", "role"));
        assertEquals("V2I: vehicles exchange frames with RSUs only", "V2I", radios.get(2).get("hears"));
        List<Hashtable<String, Object>> stacks = cm.all("org.qkdv2i.v2x.itsg5.Stack");
        assertEquals(3, stacks.size());
        assertEquals(15, stacks.get(0).get("stationType"));
        assertEquals("SIGNED", stacks.get(2).get("security"));
        assertEquals("(v2x.station=car)", stacks.get(2).get("stationState.target"));
        assertTrue("V2X dev PKI written", Files.isRegularFile(home.resolve("v2x-pki/car.ticket.key"))
                && Files.isRegularFile(home.resolve("v2x-pki/root.oer")));
        await("every DAU enrolled", () -> devices.enrolled.size() == 5);
        assertEquals("R-E, R-F, car", 3, engine.report().v2x().size());
        assertTrue(Double.isFinite(engine.report().devicesReadyAfterWallSeconds()));
        assertEquals(Set.of("R-E", "R-F", "car"), devices.stationStates.keySet());
        assertEquals(Set.of("bs-E", "bs-F"), devices.handlers.keySet());
        engine.close();
        engine = null;
        assertEquals("every configuration deleted", 0, cm.live());
        assertTrue("station states and handlers unregistered", devices.stationStates.isEmpty()
                && devices.handlers.isEmpty());
    }

    @Test
    public void timelinesDriveTheDriversAndTheirStatesBecomeEvents() {
        startStory();
        now = 21;
        CityEvent fog = awaitEvent(CityEvent.WEATHER, "A-F");
        assertTrue(fog.text(), fog.text().contains("dense fog by day over A-F"));
        await("fog at A-F's Alice", () -> "DENSE_FOG".equals(cm.linkEnd("A-F", "ALICE").get("weather")));
        assertEquals(Boolean.TRUE, cm.linkEnd("A-F", "ALICE").get("daylight"));
        assertEquals("E-A untouched", "CLEAR", cm.linkEnd("E-A", "ALICE").get("weather"));
        assertNull("Bob's end untouched (the channel runs at Alice)", cm.linkEnd("A-F", "BOB").get("weather"));

        states.put("A-F", LinkState.DOWN);
        assertTrue(awaitEvent(CityEvent.LINK_STATE, "A-F").text().contains("UP → DOWN"));

        // the controller moves the path: a new VIRT link through the nodes
        routes("E").links.add(new VirtualLink("v2", "E", "F", null, "A"));
        routes("A").links.add(new VirtualLink("v2", "E", "F", "E", "F"));
        routes("F").links.add(new VirtualLink("v2", "E", "F", "A", null));
        routes("A").links.removeIf(v -> v.linkId().equals("v2")); // not yet at A: no path change seen
        now = 25;
        await("a tick", () -> engine.view().simTime().isAfter(Instant.EPOCH));
        routes("A").links.add(new VirtualLink("v2", "E", "F", "E", "F"));

        now = 31;
        awaitEvent(CityEvent.ATTACK_STARTED, "E-A");
        await("Eve at E-A's Alice", () -> Double.valueOf(0.4).equals(cm.linkEnd("E-A", "ALICE").get("eveInterceptFraction")));
        assertEquals("INTERCEPT_RESEND", engine.view().links().get(0).attack());
        states.put("E-A", LinkState.ABORTED_EAVESDROPPING);
        assertTrue(awaitEvent(CityEvent.EAVESDROPPING_DETECTED, "E-A").text().contains("QBER 13.0 %"));
        now = 41;
        awaitEvent(CityEvent.ATTACK_STOPPED, "E-A");
        await("Eve gone", () -> Double.valueOf(0).equals(cm.linkEnd("E-A", "ALICE").get("eveInterceptFraction")));
        Report r = engine.report();
        assertEquals(1, r.detections().size());
        assertEquals("INTERCEPT_RESEND", r.detections().get(0).attack());
        assertTrue("keys drawn by the application: " + r.totals(), r.totals().keysDelivered() > 0);
        assertEquals("all over A", r.totals().keysDelivered(), r.totals().keysRelayed());

        List<CityEvent> all = engine.events(0, 1000);
        for (int i = 0; i < all.size(); i++) {
            assertEquals("numbered without gaps", i + 1, all.get(i).seq());
        }
        await("listeners heard every event", () -> heard.size() >= all.size());
        assertEquals(all, heard.subList(0, all.size()));
        assertEquals("the last two", all.subList(all.size() - 2, all.size()), engine.events(0, 2));
        assertEquals(List.of(), engine.events(all.get(all.size() - 1).seq(), 10));
    }

    @Test
    public void aVehicleIsHandedOverOverTheBaseStationsQuantumKeyedDpnSession() {
        startStory();
        now = 10; // car at x=50: served by R-E, session at E
        await("car served by R-E", () -> "R-E".equals(engine.view().vehicles().get(0).rsu()));
        assertEquals("E", engine.view().vehicles().get(0).baseStation());
        await("R-E's DPN session to the car", () -> devices.connects.contains("R-E>car"));
        await("the air link PSK registered at both stacks", () -> devices.pskRegistered.containsKey("R-E")
                && devices.pskRegistered.containsKey("car"));
        // x=50 m east of the origin, 10 m/s east: the radio's place on the air and the stack's state
        await("the car's radio moved", () -> devices.positions.containsKey("car")
                && devices.positions.get("car").longitude() == V2xFleet.longitude(50));
        assertEquals(V2xFleet.latitude(-50), devices.positions.get("car").latitude());
        assertEquals(1000, devices.stationStates.get("car").stationState().speed());
        assertEquals(900, devices.stationStates.get("car").stationState().heading());
        FakeDevices.FakeSession servingE = devices.sessionsOf("R-E").get(0);

        now = 35; // x=300: R-F
        CityEvent h = awaitEvent(CityEvent.HANDOVER, "car");
        assertTrue(h.text(), h.text().contains("E → F (R-E → R-F)") && h.text().contains("relayed E-A-F"));
        Report.Handover ho = engine.report().handovers().get(0);
        assertNull(ho.failure());
        assertTrue("same exporter hash at both base stations", ho.sameKey());
        assertTrue("the context arrived at F over the session", ho.contextOpened());
        assertTrue(ho.quantumKeyed());
        assertEquals(32, ho.fingerprint().length());
        assertEquals(0, ho.epoch());
        FakeDevices.FakeSession ef = devices.sessionsOf("bs-E").get(0);
        assertEquals(V2xFleet.hex(ef.sessionId()), ho.dpnSession());
        assertEquals("one QKD key mixed in at set-up", 1, ef.keysMixed.size());
        assertEquals("the report names the QKD key the session mixed in", UUID.fromString(ef.keysMixed.get(0)),
                ho.keyId());
        assertFalse("the key was delivered once (taken by ID at F) and is gone",
                network.containsKey(UUID.fromString(ef.keysMixed.get(0))));
        assertTrue(devices.connects.contains("bs-E>bs-F"));
        assertTrue("F's RSU serves the car now", devices.connects.contains("R-F>car"));
        assertEquals(V2xFleet.hex(devices.sessionsOf("R-F").get(0).sessionId()), ho.servingSession());
        assertFalse("R-E's session closed", servingE.isOpen());
        assertTrue("its PSK registrations closed", devices.pskRegistered.get("R-E").contains("closed"));
        assertEquals("F", engine.view().vehicles().get(0).baseStation());
        assertEquals(1, engine.view().totals().handovers());
        assertEquals("V2X messages from the stacks' counters (7 delivered each)", 21,
                engine.view().totals().v2xMessages());
        Report r = engine.report();
        assertEquals(List.of("R-E", "R-F", "car"), r.v2x().stream().map(Report.V2xCount::station).toList());
        assertEquals(1, r.v2x().get(0).servingSessions());
        assertEquals("bs-E>bs-F, R-E>car, R-F>car", 3, r.dpnSessionsOpened());
        assertEquals("RSU-vehicle set-ups counted by kind", r.rsuSetUpsFull() + r.rsuSetUpsFast(),
                devices.connects.stream().filter(c -> c.startsWith("R-")).count());

        now = 60; // x=400 -> end of the route, still at R-F; then out of coverage when parked? no: in range
        await("a tick", () -> engine.simSeconds() >= 60);
        assertEquals("no second handover", 1, engine.report().handovers().size());
    }

    @Test
    public void alarmsAreRaisedOncePerConditionAndCounted() {
        startStory();
        KeyEvent empty = new KeyEvent(KeyEvent.Type.POOL_EMPTY, "A", "A-F", "no own keys", Instant.now());
        engine.keyEvent(empty);
        engine.keyEvent(empty);
        engine.keyEvent(new KeyEvent(KeyEvent.Type.POOL_LOW, "A", "A-F", "", Instant.now()));
        awaitEvent(CityEvent.POOL_EMPTY, "A-F");
        assertEquals(1, engine.view().totals().alarms());
        engine.keyEvent(new KeyEvent(KeyEvent.Type.POOL_REFILLED, "A", "A-F", "", Instant.now()));
        engine.keyEvent(empty);
        await("second alarm", () -> engine.view().totals().alarms() == 2);
        engine.keyEvent(new KeyEvent(KeyEvent.Type.LINK_EAVESDROPPING, "E", "E-A", "QBER 13%", Instant.now()));
        await("third alarm", () -> heard.stream().filter(e -> e.kind().equals(CityEvent.ALARM)).count() == 1);
        assertEquals(3, engine.view().totals().alarms());
    }

    @Test
    public void controlsRefuseWhatMakesNoSense() throws Exception {
        assertReason(ScenarioException.Reason.UNAVAILABLE, () -> engine.startAttack("E-A", "BLOCK"));
        startStory();
        assertReason(ScenarioException.Reason.BAD_REQUEST, () -> engine.setWeather("SNOW", false));
        assertReason(ScenarioException.Reason.NOT_FOUND, () -> engine.startAttack("E-F", "BLOCK"));
        assertReason(ScenarioException.Reason.BAD_REQUEST, () -> engine.startAttack("E-A", "JAM"));
        engine.startAttack("A-F", "BLOCK");
        await("block at A-F", () -> Double.valueOf(1).equals(cm.linkEnd("A-F", "ALICE").get("eveBlockFraction")));
        assertReason(ScenarioException.Reason.CONFLICT, () -> engine.startAttack("A-F", "FLOOD"));
        engine.stopAttack("A-F");
        engine.stopAttack("A-F"); // nothing happens
        assertReason(ScenarioException.Reason.NOT_FOUND, () -> engine.provision("S-E", "S-X"));
        assertReason(ScenarioException.Reason.NOT_FOUND, () -> engine.updateDriver("X-Y"));
        engine.setWeather("RAIN", true);
        await("rain everywhere", () -> "RAIN".equals(cm.linkEnd("E-A", "ALICE").get("weather"))
                && "RAIN".equals(cm.linkEnd("A-F", "ALICE").get("weather")));
        assertEquals("RAIN", engine.view().weather());
        assertTrue(engine.view().daylight());
        var p = engine.provision("S-E", "S-F");
        assertTrue(p.sameKey());
        assertEquals(List.of("E", "A", "F"), p.path());
    }

    interface Call {
        void run() throws Exception;
    }

    private static void assertReason(ScenarioException.Reason reason, Call call) throws Exception {
        try {
            call.run();
            fail("accepted");
        } catch (ScenarioException e) {
            assertEquals(e.getMessage(), reason, e.reason());
        }
    }

    // ------------------------------------------------------------------ fakes

    static final class FakeRoutes implements RelayRoutes {
        final String node;
        final List<VirtualLink> links = new CopyOnWriteArrayList<>();

        FakeRoutes(String node) {
            this.node = node;
        }

        @Override
        public String nodeId() {
            return node;
        }

        @Override
        public void putVirtualLink(VirtualLink link) {
            links.add(link);
        }

        @Override
        public boolean removeVirtualLink(String linkId) {
            return links.removeIf(v -> v.linkId().equals(linkId));
        }

        @Override
        public List<VirtualLink> virtualLinks() {
            return List.copyOf(links);
        }

        @Override
        public List<RelayStats> relayStats() {
            return List.of();
        }
    }

    /** ConfigurationAdmin recording configurations (a dynamic proxy: only the methods the engine calls). */
    static final class FakeCm {
        record Conf(String pid, Hashtable<String, Object> props, boolean[] deleted) {
        }

        final List<Conf> confs = new CopyOnWriteArrayList<>();

        ConfigurationAdmin proxy() {
            return (ConfigurationAdmin) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] { ConfigurationAdmin.class }, (p, m, args) -> switch (m.getName()) {
                        case "createFactoryConfiguration", "getConfiguration" -> configuration((String) args[0]);
                        default -> throw new UnsupportedOperationException(m.getName());
                    });
        }

        private Configuration configuration(String pid) {
            Conf c = new Conf(pid, new Hashtable<>(), new boolean[1]);
            confs.add(c);
            return (Configuration) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] { Configuration.class }, (p, m, args) -> {
                        switch (m.getName()) {
                            case "update" -> {
                                @SuppressWarnings("unchecked")
                                Dictionary<String, Object> d = (Dictionary<String, Object>) args[0];
                                synchronized (c.props) {
                                    c.props.clear();
                                    for (var e = d.keys(); e.hasMoreElements();) {
                                        String k = e.nextElement();
                                        c.props.put(k, d.get(k));
                                    }
                                }
                                return null;
                            }
                            case "delete" -> {
                                c.deleted[0] = true;
                                return null;
                            }
                            case "getProperties" -> {
                                return new Hashtable<>(c.props);
                            }
                            case "hashCode" -> {
                                return System.identityHashCode(p);
                            }
                            case "equals" -> {
                                return p == args[0];
                            }
                            default -> throw new UnsupportedOperationException(m.getName());
                        }
                    });
        }

        List<Hashtable<String, Object>> all(String pid) {
            return confs.stream().filter(c -> c.pid.equals(pid)).map(Conf::props).toList();
        }

        List<Object> values(String pid, String key) {
            return all(pid).stream().map(p -> p.get(key)).toList();
        }

        Hashtable<String, Object> linkEnd(String link, String role) {
            Supplier<Hashtable<String, Object>> s = () -> all("org.qkdv2i.driver.sim.fso.Link").stream()
                    .filter(p -> link.equals(p.get("linkId")) && role.equals(p.get("role"))).findFirst().orElseThrow();
            Hashtable<String, Object> p = s.get();
            synchronized (p) {
                return new Hashtable<>(p);
            }
        }

        long live() {
            return confs.stream().filter(c -> !c.deleted[0]).count();
        }
    }
}
