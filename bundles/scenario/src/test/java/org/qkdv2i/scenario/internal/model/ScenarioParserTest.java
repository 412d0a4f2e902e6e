package org.qkdv2i.scenario.internal.model;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.List;
import java.util.stream.Collectors;

import org.junit.Test;
import org.qkdv2i.scenario.internal.model.Scenario.Kind;
import org.qkdv2i.scenario.internal.model.Scenario.Link;

public class ScenarioParserTest {

    /** A small valid city; tests break one thing in it at a time. */
    static final String SMALL = """
            {"name":"small","durationSeconds":100,
             "nodes":[{"id":"E","kind":"BASE_STATION","x":0,"y":0},
                      {"id":"A","kind":"TRUSTED_NODE","x":200,"y":0},
                      {"id":"F","kind":"BASE_STATION","x":400,"y":0}],
             "links":[{"a":"E","b":"A"},{"a":"A","b":"F","optics":{"roundSeconds":0.5}}],
             "saes":[{"id":"S-E","node":"E"},{"id":"S-F","node":"F"}],
             "applications":[{"id":"ho","master":"S-E","slave":"S-F","handover":true}],
             "rsus":[{"id":"R1","baseStation":"E","x":0,"y":-50,"rangeM":150}],
             "vehicles":[{"id":"v1","speedMps":10,"route":[{"x":0,"y":-50},{"x":400,"y":-50}]}],
             "weather":[{"at":0,"weather":"CLEAR"},{"at":50,"weather":"DENSE_FOG","links":["E-A"]}],
             "attacks":[{"at":10,"link":"A-F","attack":"INTERCEPT_RESEND","durationSeconds":20}]}
            """;

    private static String refused(String json) {
        try {
            ScenarioParser.parse(json);
        } catch (ScenarioFormatException e) {
            return e.getMessage();
        }
        fail("accepted: " + json);
        return null;
    }

    private static void assertRefused(String json, String pathPrefix, String contains) {
        String m = refused(json);
        assertTrue("message names the path " + pathPrefix + ": " + m, m.startsWith(pathPrefix));
        assertTrue("message says '" + contains + "': " + m, m.contains(contains));
    }

    @Test
    public void smallCityParses() throws Exception {
        Scenario s = ScenarioParser.parse(SMALL);
        assertEquals("small", s.name());
        assertEquals(3, s.nodes().size());
        assertEquals(Kind.BASE_STATION, s.node("E").orElseThrow().kind());
        Link ea = s.link("E-A").orElseThrow();
        assertEquals("E", ea.alice());
        assertEquals(200.0, ea.lengthM(), 1e-9);
        assertEquals(0.5, (Double) s.link("A-F").orElseThrow().optics().get("roundSeconds"), 0);
        assertEquals(List.of("E-A"), s.weather().get(1).links());
        assertEquals("defaults: intercept-resend on half of the pulses", 0.5, s.attacks().get(0).strength(), 0);
        assertTrue(s.apps().get(0).handover());
        assertEquals(1.0, s.speed(), 0);
    }

    @Test
    public void theDefaultScenarioIsThePapers() {
        Scenario s = ScenarioParser.defaultScenario();
        List<String> bs = s.nodes().stream().filter(n -> n.kind() == Kind.BASE_STATION).map(n -> n.id()).toList();
        assertEquals(List.of("E", "F"), bs);
        for (String tn : List.of("A", "B", "C")) {
            assertEquals(Kind.TRUSTED_NODE, s.node(tn).orElseThrow().kind());
        }
        // daisy chain A-B-C plus an alternative path A-D-C, every hop 150-300 m
        for (String l : List.of("A-B", "B-C", "A-D", "D-C", "E-A", "C-F")) {
            double len = s.link(l).orElseThrow().lengthM();
            assertTrue(l + " " + len, len >= 150 && len <= 300);
        }
        assertTrue("E and F are more than 300 m apart (relay needed)",
                Math.hypot(s.node("F").get().x() - s.node("E").get().x(), 0) > 300);
        assertTrue(s.rsus().stream().anyMatch(r -> r.baseStation().equals("E")));
        assertTrue(s.rsus().stream().anyMatch(r -> r.baseStation().equals("F")));
        assertTrue(s.apps().stream().anyMatch(a -> a.handover() && a.master().equals("HO-E") && a.slave().equals("HO-F")));
        List<String> story = s.weather().stream().map(w -> w.weather() + (w.daylight() ? "/day" : "/night"))
                .collect(Collectors.toList());
        assertEquals(List.of("CLEAR/night", "CLEAR/day", "HAZE/day", "DENSE_FOG/day", "CLEAR/day", "CLEAR/night"), story);
        assertEquals("Eve after the fog", 1, s.attacks().size());
        assertTrue(s.attacks().get(0).atS() > s.weather().get(4).atS());
    }

    @Test
    public void unknownMembersAreRefusedWithTheirPath() {
        assertRefused(SMALL.replace("\"name\":\"small\"", "\"name\":\"small\",\"colour\":\"red\""), "$.colour",
                "unknown member");
        assertRefused(SMALL.replace("\"rangeM\":150", "\"rangeM\":150,\"height\":4"), "$.rsus[0].height", "unknown");
        assertRefused(SMALL.replace("{\"x\":0,\"y\":-50}", "{\"x\":0,\"y\":-50,\"z\":1}"), "$.vehicles[0].route[0].z",
                "unknown");
        assertRefused(SMALL.replace("\"roundSeconds\":0.5", "\"roundSecs\":0.5"), "$.links[1].optics.roundSecs",
                "not a driver.sim.fso optics option");
        assertRefused(SMALL.replace("\"roundSeconds\":0.5", "\"eveInterceptFraction\":0.5"),
                "$.links[1].optics.eveInterceptFraction", "attacks");
        assertRefused(SMALL.replace("\"roundSeconds\":0.5", "\"distanceM\":250"), "$.links[1].optics.distanceM",
                "positions");
    }

    @Test
    public void badValuesAreRefusedWithTheirPath() {
        assertRefused(SMALL.replace("\"kind\":\"TRUSTED_NODE\"", "\"kind\":\"TOWER\""), "$.nodes[1].kind",
                "not one of [TRUSTED_NODE, BASE_STATION]");
        assertRefused(SMALL.replace("\"speedMps\":10", "\"speedMps\":-3"), "$.vehicles[0].speedMps", "out of range");
        assertRefused(SMALL.replace("\"speedMps\":10", "\"speedMps\":\"fast\""), "$.vehicles[0].speedMps",
                "must be a number");
        assertRefused(SMALL.replace("\"weather\":\"DENSE_FOG\"", "\"weather\":\"SNOW\""), "$.weather[1].weather",
                "not one of");
        assertRefused(SMALL.replace("\"attack\":\"INTERCEPT_RESEND\"", "\"attack\":\"JAM\""), "$.attacks[0].attack",
                "not one of");
        assertRefused(SMALL.replace("\"roundSeconds\":0.5", "\"roundSeconds\":0"), "$.links[1].optics.roundSeconds",
                "out of range");
        assertRefused(SMALL.replace("{\"at\":50,", "{\"at\":500,"), "$.weather[1].at", "out of range");
        assertRefused(SMALL.replace("\"durationSeconds\":100,", ""), "$.durationSeconds", "required");
        assertRefused(SMALL.replace("\"id\":\"v1\"", "\"id\":\"v 1\""), "$.vehicles[0].id", "not an ID");
        assertRefused("{\"name\":\"x\",", "$", "not valid JSON");
        assertRefused("[]", "$", "must be an object");
    }

    @Test
    public void brokenReferencesAreRefused() {
        assertRefused(SMALL.replace("{\"a\":\"E\",\"b\":\"A\"}", "{\"a\":\"E\",\"b\":\"Q\"}"), "$.links[0].b",
                "no node \"Q\"");
        assertRefused(SMALL.replace("\"baseStation\":\"E\"", "\"baseStation\":\"A\""), "$.rsus[0].baseStation",
                "not a BASE_STATION");
        assertRefused(SMALL.replace("\"slave\":\"S-F\"", "\"slave\":\"S-X\""), "$.applications[0].slave", "no SAE");
        assertRefused(SMALL.replace("\"links\":[\"E-A\"]", "\"links\":[\"E-F\"]"), "$.weather[1].links[0]",
                "no link \"E-F\"");
        assertRefused(SMALL.replace("\"link\":\"A-F\"", "\"link\":\"A-E\""), "$.attacks[0].link", "no link");
        assertRefused(SMALL.replace("{\"id\":\"S-F\",\"node\":\"F\"}", "{\"id\":\"S-F\",\"node\":\"E\"}"),
                "$.applications[0].slave", "an application joins SAEs of two nodes");
        assertRefused(SMALL.replace("{\"id\":\"R1\"", "{\"id\":\"A\""), "$.rsus[0].id", "already used at $.nodes[1].id");
    }

    @Test
    public void physicalConstraintsAreChecked() {
        // A at 350 m from E: beyond the paper's FSO reach
        assertRefused(SMALL.replace("\"x\":200", "\"x\":350"), "$.links[0]", "FSO-QKD links span 150–300 m");
        assertRefused(SMALL.replace("{\"a\":\"A\",\"b\":\"F\"", "{\"a\":\"A\",\"b\":\"E\""), "$.links[1]",
                "already joined by link E-A");
        assertRefused(SMALL.replace("\"attacks\":[", "\"attacks\":[{\"at\":20,\"link\":\"A-F\",\"attack\":\"BLOCK\"},"),
                "$.attacks[1]", "overlaps");
        assertRefused(SMALL.replace("{\"at\":50,", "{\"at\":0,\"weather\":\"HAZE\"},{\"at\":50,").replace(
                "{\"at\":0,\"weather\":\"CLEAR\"}", "{\"at\":5,\"weather\":\"CLEAR\"}"), "$.weather[1].at",
                "time order");
        assertRefused(SMALL.replace("\"route\":[{\"x\":0,\"y\":-50},", "\"route\":["), "$.vehicles[0].route",
                "at least two waypoints");
        assertRefused(SMALL.replace("\"attack\":\"INTERCEPT_RESEND\"", "\"attack\":\"PHOTON_NUMBER_SPLITTING\",\"strength\":2"),
                "$.attacks[0].strength", "has no strength");
    }
}
