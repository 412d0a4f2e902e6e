package org.qkdv2i.scenario.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.Hashtable;
import java.util.Map;

import org.junit.Test;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.qkdv2i.zap.api.DeviceAuthenticationUnit;

/** The devices' configurations as the city writes them (issue 8, city start-up at scale). */
public class DeploymentTest {

    private static Filter filter(Hashtable<String, Object> config, String key) throws Exception {
        return FrameworkUtil.createFilter((String) config.get(key));
    }

    /**
     * A DPN endpoint is handed only its own DAU and message handlers by SCR (reference targets),
     * not every DAU of the city: without the targets each DAU's registration bound into all 1,050
     * endpoints on ConfigAdmin's event thread.
     */
    @Test
    public void anEndpointTargetsItsOwnDauAndHandlers() throws Exception {
        Hashtable<String, Object> ep = Deployment.endpoint("R7");
        assertEquals("R7", ep.get("dauName"));
        for (String ref : new String[] { "Dau.target", "Handler.target" }) {
            Filter f = filter(ep, ref);
            assertTrue(ref, f.matches(Map.of(DeviceAuthenticationUnit.NAME, "R7")));
            assertFalse(ref, f.matches(Map.of(DeviceAuthenticationUnit.NAME, "R70")));
            assertFalse(ref, f.matches(Map.of(DeviceAuthenticationUnit.NAME, "v7")));
            assertFalse(ref, f.matches(Map.of("other", "R7")));
        }
    }

    /**
     * The V2X dev PKI: the root and AA certificates once, a ticket and its sealed key per station,
     * each loadable with the run's password by the stacks' own reader.
     */
    @Test
    public void v2xPkiHasOneRootAndATicketPerStation() throws Exception {
        java.nio.file.Path home = java.nio.file.Files.createTempDirectory("deployment-test");
        org.qkdv2i.scenario.internal.model.Scenario city = org.qkdv2i.scenario.internal.model.ScenarioParser.parse(
                new java.io.ByteArrayInputStream(org.qkdv2i.scenario.internal.model.CityGenerator
                        .generate(3, 4, 1, 60, 1).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        Deployment d = new Deployment(null, city, home, 1, 40_000, 1000);
        char[] password = "0123456789abcdef0123456789abcdef".toCharArray();
        d.v2xPkiInit(password);
        java.nio.file.Path pki = d.v2xPki();
        try (var files = java.nio.file.Files.list(pki)) {
            assertEquals("root, AA, and a ticket + key per station", 2 + 2 * (3 + 4), files.count());
        }
        org.qkdv2i.v2x.codec.security.TrustStore trust = org.qkdv2i.v2x.itsg5.internal.stack.CredentialFiles.loadTrust(
                new String[] { pki.resolve("root.oer").toString() }, new String[] { pki.resolve("aa.oer").toString() });
        assertEquals(2, trust.size());
        java.util.List<String> stations = new java.util.ArrayList<>();
        city.rsus().forEach(r -> stations.add(r.id()));
        city.vehicles().forEach(v -> stations.add(v.id()));
        for (String s : stations) {
            org.qkdv2i.v2x.codec.security.SigningCredential c = org.qkdv2i.v2x.itsg5.internal.stack.CredentialFiles
                    .loadCredential(pki.resolve(s + ".ticket.oer"), pki.resolve(s + ".ticket.key"), password.clone());
            assertEquals("EC", c.privateKey().getAlgorithm());
        }
    }

    @Test
    public void filterValuesAreEscaped() throws Exception {
        String odd = "a(b)*c\\d";
        Filter f = filter(Deployment.endpoint(odd), "Dau.target");
        assertTrue(f.matches(Map.of(DeviceAuthenticationUnit.NAME, odd)));
        assertFalse(f.matches(Map.of(DeviceAuthenticationUnit.NAME, "a(b)xxc\\d")));
        assertEquals("x\\(y\\)\\*\\\\", Deployment.filterValue("x(y)*\\"));
    }

    /**
     * A vehicle's radio is on the air where its route starts, not "nowhere" until the clock moves it:
     * radio.udp lets a radio without a place hear every radio of its technology, which made every
     * vehicle of a big city verify every RSU's CAMs (and every RSU every vehicle's) during start-up.
     */
    @Test
    public void vehicleRadiosArePlacedAtTheirRouteStart() throws Exception {
        org.qkdv2i.scenario.internal.model.Scenario city = org.qkdv2i.scenario.internal.model.ScenarioParser.parse(
                new java.io.ByteArrayInputStream(org.qkdv2i.scenario.internal.model.CityGenerator
                        .generate(4, 6, 1, 60, 1).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        Deployment d = new Deployment(null, city, java.nio.file.Files.createTempDirectory("deployment-test"), 1, 40_000,
                1000);
        java.util.Set<Object> places = new java.util.HashSet<>();
        int i = 0;
        for (org.qkdv2i.scenario.internal.model.Scenario.Vehicle v : city.vehicles()) {
            Hashtable<String, Object> radio = d.vehicleRadio(v, i++, 170);
            var start = org.qkdv2i.scenario.internal.sim.Mobility.place(v, 0);
            assertEquals(v.id(), radio.get("radio.id"));
            assertEquals("VEHICLE", radio.get("role"));
            assertEquals(V2xFleet.position(start.x(), start.y()), radio.get("position"));
            places.add(radio.get("position"));
        }
        assertEquals("each vehicle starts from its own place on the road", city.vehicles().size(), places.size());
    }
}
