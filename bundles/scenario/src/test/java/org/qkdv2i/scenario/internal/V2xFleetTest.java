package org.qkdv2i.scenario.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.qkdv2i.kmm.api.KeyManager;
import org.qkdv2i.qkd.api.LinkState;
import org.qkdv2i.scenario.internal.model.Scenario;
import org.qkdv2i.scenario.internal.model.ScenarioParser;

/**
 * The V2X side's steps against fake devices ({@link FakeDevices}: the real DPN endpoints, DAUs and
 * stacks are other bundles; DemoStoryIT runs them): which RSU opens which session, what closes when
 * a vehicle leaves coverage, and the handover transfers over the base stations' DPN session — a
 * fresh QKD key for every transfer, in either direction.
 */
public class V2xFleetTest {

    static final String CITY = """
            {"name":"f","durationSeconds":100,
             "nodes":[{"id":"E","kind":"BASE_STATION","x":0,"y":0},
                      {"id":"A","kind":"TRUSTED_NODE","x":200,"y":0},
                      {"id":"F","kind":"BASE_STATION","x":400,"y":0}],
             "links":[{"a":"E","b":"A"},{"a":"A","b":"F"}],
             "saes":[{"id":"S-E","node":"E"},{"id":"S-F","node":"F"}],
             "applications":[{"id":"ho","master":"S-E","slave":"S-F","handover":true},
                             {"id":"ho2","master":"S-F","slave":"S-E","handover":true}],
             "rsus":[{"id":"R-E","baseStation":"E","x":50,"y":-50,"rangeM":150},
                     {"id":"R-F","baseStation":"F","x":350,"y":-50,"rangeM":150,"radio":"CV2X"}],
             "vehicles":[{"id":"car","speedMps":10,"route":[{"x":0,"y":-50},{"x":400,"y":-50}]},
                         {"id":"van","speedMps":10,"radio":"CV2X","route":[{"x":0,"y":-50},{"x":400,"y":-50}]}],
             "weather":[{"at":0,"weather":"CLEAR"}]}
            """;

    private final Map<UUID, byte[]> network = new ConcurrentHashMap<>();
    private final Map<String, KeyManager> kmms = new ConcurrentHashMap<>();
    private Scenario scenario;
    private FakeDevices devices;
    private V2xFleet fleet;

    @Before
    public void setUp() throws Exception {
        scenario = ScenarioParser.parse(CITY);
        // E's and F's KMMs share one key table, as two ends of a relayed key do
        kmms.put("E", new FakeKmm("E", scenario, network, link -> LinkState.UP));
        kmms.put("F", new FakeKmm("F", scenario, network, link -> LinkState.UP));
        devices = new FakeDevices(kmms);
        devices.device("bs-E", false);
        devices.device("bs-F", false);
        for (String d : List.of("R-E", "R-F", "car", "van")) {
            devices.device(d, true);
        }
        devices.quantum("bs-E", "E", "S-E", Map.of("bs-F", "S-F"));
        devices.quantum("bs-F", "F", "S-F", Map.of("bs-E", "S-E"));
        fleet = new V2xFleet(scenario, devices);
        fleet.start();
    }

    @After
    public void tearDown() {
        fleet.close();
    }

    private Scenario.Vehicle vehicle(String id) {
        return scenario.vehicles().stream().filter(v -> v.id().equals(id)).findFirst().orElseThrow();
    }

    private Scenario.Rsu rsu(String id) {
        return scenario.rsus().stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    public void everyDauIsEnrolledBeforeItIsServed() {
        devices.logPresent = false;
        assertFalse("no identity log yet", fleet.devicesReady());
        assertFalse(fleet.enrolled("car", "R-E"));
        devices.logPresent = true;
        assertTrue(fleet.devicesReady());
        assertEquals("bs-E, bs-F, R-E, R-F, car, van", 6, devices.enrolled.size());
        assertTrue(fleet.enrolled("car", "R-E"));
    }

    @Test
    public void theServingRsuOpensTheSessionAndLeavingCoverageClosesIt() {
        fleet.devicesReady();
        Scenario.Vehicle car = vehicle("car");
        assertTrue(fleet.needsSession("car", rsu("R-E")));
        String id = fleet.serve(car, rsu("R-E"));
        assertEquals("its base station attaches the RSU first (R0 key holder)", List.of("bs-E>R-E", "R-E>car"),
                devices.connects);
        FakeDevices.FakeSession s = devices.sessionsOf("R-E").get(0);
        assertEquals(V2xFleet.hex(s.sessionId()), id);
        assertEquals("R-E", fleet.servingRsu("car"));
        assertFalse("served: nothing to open", fleet.needsSession("car", rsu("R-E")));
        assertEquals("the PSK at both stacks", List.of("registered"), devices.pskRegistered.get("R-E"));
        assertEquals(List.of("registered"), devices.pskRegistered.get("car"));
        assertEquals("serving again opens nothing", id, fleet.serve(car, rsu("R-E")));
        assertEquals(2, devices.connects.size());

        fleet.leave("car");
        assertFalse(s.isOpen());
        assertNull(fleet.servingRsu("car"));
        assertEquals(List.of("registered", "closed"), devices.pskRegistered.get("R-E"));
        assertTrue("back in range: a new session", fleet.needsSession("car", rsu("R-E")));
        assertEquals(1, fleet.counts().get(0).servingSessions());
    }

    @Test
    public void eachTransferTakesAFreshQkdKeyInEitherDirection() throws Exception {
        fleet.devicesReady();
        Scenario.Vehicle car = vehicle("car");
        Scenario.Vehicle van = vehicle("van");
        fleet.serve(car, rsu("R-E"));
        V2xFleet.Transfer first = fleet.transfer(car, "E", "F", rsu("R-F"));
        assertTrue(first.sameKey() && first.contextDelivered() && first.quantumKeyed());
        assertEquals("set-up mixes the first key", 0, first.epoch());
        assertEquals("R-F", fleet.servingRsu("car"));

        V2xFleet.Transfer second = fleet.transfer(van, "E", "F", rsu("R-F"));
        assertEquals("the same session", first.dpnSession(), second.dpnSession());
        assertEquals("rekeyed with a fresh QKD key", 1, second.epoch());
        assertNotEquals(first.fingerprint(), second.fingerprint());
        assertTrue(second.sameKey() && second.contextDelivered());

        V2xFleet.Transfer back = fleet.transfer(car, "F", "E", rsu("R-E"));
        assertEquals("F's end of the same session", first.dpnSession(), back.dpnSession());
        assertEquals(2, back.epoch());
        assertTrue(back.sameKey() && back.contextDelivered() && back.quantumKeyed());
        FakeDevices.FakeSession ef = devices.sessionsOf("bs-E").get(0);
        assertEquals("three QKD keys, one per transfer", 3, ef.keysMixed.size());
        assertEquals("three distinct keys", 3, ef.keysMixed.stream().distinct().count());
        assertTrue("every key taken by ID at the other base station", network.isEmpty());
        assertEquals("one base-station session set up", 1, devices.connects.stream()
                .filter(c -> c.startsWith("bs-") && c.contains(">bs-")).count());
    }

    @Test
    public void handoversCarryThePmkR0SoTheNextRsuIsAFastTransitionAndSetUpsAreCounted() throws Exception {
        fleet.devicesReady();
        Scenario.Vehicle car = vehicle("car");
        Scenario.Vehicle van = vehicle("van");
        fleet.serve(car, rsu("R-E"));
        assertEquals("first contact: full", 1, fleet.fullSetUps());
        assertEquals(0, fleet.fastSetUps());

        V2xFleet.Transfer t = fleet.transfer(car, "E", "F", rsu("R-F"));
        assertTrue("E sent F the car's PMK-R0 for F's domain", t.fastTransitionKey());
        assertTrue("F's RSU: fast transition", t.fastServing());
        assertEquals("the QKD key's ID is named", devices.sessionsOf("bs-E").stream().filter(x -> x.quantum)
                .findFirst().orElseThrow().keysMixed.get(0), t.quantumKeyId());
        assertEquals(1, fleet.fastSetUps());
        assertTrue(devices.sessionsOf("R-F").stream().anyMatch(FakeDevices.FakeSession::fastTransition));

        // the van was never served in E's domain: nothing to hand over, F's RSU does a full first contact
        V2xFleet.Transfer v = fleet.transfer(van, "E", "F", rsu("R-F"));
        assertFalse(v.fastTransitionKey());
        assertFalse(v.fastServing());
        assertEquals(2, fleet.fullSetUps());

        V2xFleet.Transfer back = fleet.transfer(car, "F", "E", rsu("R-E"));
        assertTrue(back.fastTransitionKey() && back.fastServing());
        assertEquals(2, fleet.fastSetUps());
        assertEquals("every set-up counted once", fleet.fullSetUps() + fleet.fastSetUps(),
                fleet.counts().stream().filter(c -> c.kind().equals("RSU")).mapToLong(c -> c.servingSessions()).sum());
    }

    @Test
    public void anRsuItsBaseStationCannotReachServesWithFullSetUpsAndIsNotRetriedOnEveryServe() {
        fleet.devicesReady();
        devices.unreachable.add("bs-E>R-E");
        fleet.serve(vehicle("car"), rsu("R-E"));
        fleet.serve(vehicle("van"), rsu("R-E"));
        assertEquals("served all the same", "R-E", fleet.servingRsu("van"));
        assertEquals("attachment tried once", 1, devices.attempts.stream().filter("bs-E>R-E"::equals).count());
        assertEquals(2, fleet.fullSetUps());
        assertEquals(0, fleet.fastSetUps());
    }
}
