package org.qkdv2i.sdn.api.json;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.junit.Test;
import org.qkdv2i.sdn.api.AppQos;
import org.qkdv2i.sdn.api.AppStatistic;
import org.qkdv2i.sdn.api.AppStatus;
import org.qkdv2i.sdn.api.AppType;
import org.qkdv2i.sdn.api.AttachmentPoint;
import org.qkdv2i.sdn.api.InterfaceCapabilities;
import org.qkdv2i.sdn.api.KeyPool;
import org.qkdv2i.sdn.api.LinkEndpoint;
import org.qkdv2i.sdn.api.LinkPerformance;
import org.qkdv2i.sdn.api.NodeCapabilities;
import org.qkdv2i.sdn.api.PhysPerf;
import org.qkdv2i.sdn.api.PhysPerfType;
import org.qkdv2i.sdn.api.QkdApp;
import org.qkdv2i.sdn.api.QkdInterface;
import org.qkdv2i.sdn.api.QkdLink;
import org.qkdv2i.sdn.api.QkdNode;
import org.qkdv2i.sdn.api.QkdRoleType;
import org.qkdv2i.sdn.api.QkdTechnology;
import org.qkdv2i.sdn.api.QkdiStatus;
import org.qkdv2i.sdn.api.QkdlStatus;
import org.qkdv2i.sdn.api.QkdlType;
import org.qkdv2i.sdn.api.QkdnStatus;
import org.qkdv2i.sdn.api.RestconfError;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

public class Qkd015JsonTest {

    private static final ObjectMapper M = new ObjectMapper();
    private final Qkd015Json strict = Qkd015Json.strict();
    private final Qkd015Json lenient = Qkd015Json.lenient();

    static QkdLink phys() {
        return new QkdLink("A-B", QkdlStatus.ACTIVE, true, new LinkEndpoint("A", 1L), new LinkEndpoint("B", null),
                QkdlType.PHYS, List.of("app-1"), null, List.of(), null, 3.25, "21", QkdRoleType.TRANSMITTER,
                new LinkPerformance(2048L, 65000L, 60000L, List.of(new PhysPerf(PhysPerfType.QBER, 0.021)),
                        new KeyPool(120, 80, 1000, 256), "UP"));
    }

    static QkdLink virt() {
        return QkdLink.virtual("v-A-C", QkdlStatus.ACTIVE, "A", "C", "A", "C");
    }

    static QkdApp app() {
        return new QkdApp("app-1", AppStatus.ON, AppType.CLIENT, "sae-a", List.of("sae-c"), 5L,
                Instant.parse("2026-11-27T06:00:00Z"), Instant.parse("2026-11-28T06:00:00Z"),
                List.of(new AppStatistic(Instant.parse("2026-11-27T07:00:00Z"), Instant.parse("2026-11-27T06:00:00Z"),
                        4096L)),
                new AppQos(1_000_000L, 1024L, 10L, 3600L, false, null), List.of("v-A-C"), "A", "C");
    }

    static QkdNode node() {
        return new QkdNode("B", QkdnStatus.OPERATING, "qkdv2i 0.1.0", "rooftop-2", NodeCapabilities.defaults(),
                List.of(app()),
                List.of(new QkdInterface(1, "sim-fso", QkdTechnology.DV_QKD, new AttachmentPoint("sw-1", 4L),
                        new InterfaceCapabilities(QkdRoleType.TRANSCEIVER, "1,12-20", 12.5), QkdiStatus.ENABLED)),
                List.of(phys(), virt()));
    }

    @Test
    public void nodeRoundTripsAndIsRfc7951() throws Exception {
        QkdNode node = node();
        byte[] json = strict.writeNode(node);
        assertEquals(node, strict.readNode(json));

        JsonNode tree = M.readTree(json);
        assertEquals(1, tree.size());
        JsonNode n = tree.get("etsi-qkd-sdn-node:qkd_node");
        assertEquals("B", n.get("qkdn_id").asText());
        assertEquals("etsi-qkd-node-types:OPERATING", n.get("qkdn_status").asText());
        JsonNode link = n.get("qkd_links").get("qkd_link").get(0);
        assertEquals("etsi-qkd-node-types:PHYS", link.get("qkdl_type").asText());
        assertEquals("etsi-qkd-node-types:ACTIVE", link.get("qkdl_status").asText());
        assertTrue("uint32 is a JSON number", link.get("qkdl_performance").get("skr").isIntegralNumber());
        JsonNode perf = link.get("qkdl_performance").get("phys_perf").get(0);
        assertEquals("etsi-qkd-node-types:QBER", perf.get("perf_type").asText());
        assertTrue("decimal64 is a JSON string", perf.get("value").isTextual());
        assertEquals("0.021", perf.get("value").asText());
        assertEquals("3.250", link.get("phys_channel_att").asText());
        JsonNode pool = link.get("qkdl_performance").get("qkdv2i-sdn:key_pool");
        assertEquals("augmentation: qualified member, plain children", 120, pool.get("own_keys").asInt());
        assertEquals("UP", link.get("qkdl_performance").get("qkdv2i-sdn:driver_state").asText());
        assertFalse("no virt_* leaves on a PHYS link", link.has("virt_next_hop"));
        JsonNode v = n.get("qkd_links").get("qkd_link").get(1);
        assertEquals("A", v.get("virt_prev_hop").asText());
        assertTrue("virt_next_hop is a leaf-list", v.get("virt_next_hop").isArray());
        JsonNode a = n.get("qkd_applications").get("qkd_app").get(0);
        assertEquals("etsi-qkd-node-types:CLIENT", a.get("app_type").asText());
        assertEquals("etsi-qkd-node-types:ON", a.get("app_status").asText());
        assertEquals("2026-11-27T06:00:00Z", a.get("creation_time").asText());
        assertEquals(3600, a.get("app_qos").get("ttl").asInt());
        assertEquals("etsi-qkd-node-types:DV-QKD", n.get("qkd_interfaces").get("qkd_interface").get(0)
                .get("qkdi_type").asText());
    }

    @Test
    public void emptyNodeStillHasItsThreeLists() throws Exception {
        QkdNode empty = new QkdNode("A", null, null, null, null, null, null, null);
        JsonNode n = M.readTree(strict.writeNode(empty)).get("etsi-qkd-sdn-node:qkd_node");
        assertEquals(0, n.get("qkd_links").get("qkd_link").size());
        assertEquals(0, n.get("qkd_applications").get("qkd_app").size());
        assertEquals(empty, strict.readNode(strict.writeNode(empty)));
    }

    @Test
    public void subResourcesRoundTrip() throws Exception {
        assertEquals(List.of(phys(), virt()), strict.readLinks(strict.writeLinks(List.of(phys(), virt()))));
        assertEquals(virt(), strict.readLink(strict.writeLink(virt())));
        assertEquals(app(), strict.readApp(strict.writeApp(app())));
        assertEquals(List.of(app()), strict.readApps(strict.writeApps(List.of(app()))));
        assertEquals(node().qkdInterfaces(), strict.readInterfaces(strict.writeInterfaces(node().qkdInterfaces())));
        NodeCapabilities caps = new NodeCapabilities(true, false, true);
        assertEquals(caps, strict.readCapabilities(strict.writeCapabilities(caps)));

        JsonNode entry = M.readTree(strict.writeLink(virt()));
        assertTrue("a list entry is a one-element array (RFC 8040 §3.5.3)",
                entry.get("etsi-qkd-sdn-node:qkd_link").isArray());
        assertEquals(1, entry.get("etsi-qkd-sdn-node:qkd_link").size());
        assertTrue(M.readTree(strict.writeLinks(List.of())).get("etsi-qkd-sdn-node:qkd_links").has("qkd_link"));
    }

    /** A document in the shape TeraFlowSDN's QKD driver sends: container wrapper, no module on top. */
    @Test
    public void readsWhatPublicUsersSend() throws Exception {
        String tfs = "{\"qkd_links\": {\"qkd_link\": [{\"qkdl_id\": \"00000000-0000-0000-0000-0000000000c1\","
                + " \"qkdl_type\": \"etsi-qkd-node-types:VIRT\","
                + " \"qkdl_local\": {\"qkdn_id\": \"A\", \"qkdi_id\": \"101\"},"
                + " \"qkdl_remote\": {\"qkdn_id\": \"C\", \"qkdi_id\": \"301\"},"
                + " \"virt_prev_hop\": null, \"virt_next_hop\": [\"B\"], \"virt_bandwidth\": 100}]}}";
        QkdLink l = strict.readLink(bytes(tfs));
        assertEquals(QkdlType.VIRT, l.qkdlType());
        assertEquals("A", l.localNode());
        assertEquals(Long.valueOf(101), l.qkdlLocal().qkdiId());
        assertNull(l.virtPrevHop());
        assertEquals("B", l.nextHop());
        assertEquals(Long.valueOf(100), l.virtBandwidth());

        // bare identities, unqualified top member, a lone next hop string, a bare entry object
        String loose = "{\"qkd_link\": {\"qkdl_id\": \"v1\", \"qkdl_type\": \"VIRT\", \"qkdl_status\": \"PENDING\","
                + " \"virt_next_hop\": \"C\"}}";
        QkdLink l2 = strict.readLink(bytes(loose));
        assertEquals(QkdlStatus.PENDING, l2.qkdlStatus());
        assertEquals(List.of("C"), l2.virtNextHop());

        String node = "{\"qkd_node\": {\"qkdn_id\": \"00000000-0000-0000-0000-000000000001\","
                + " \"qkdn_status\": \"etsi-qkd-node-types:OPERATING\", \"qkdn_location_id\": \"\","
                + " \"qkdn_capabilities\": {}, \"qkd_applications\": {\"qkd_app\": []},"
                + " \"qkd_interfaces\": {\"qkd_interface\": [{\"qkdi_id\": 100, \"qkdi_att_point\": {\"device\": \"10.0.2.1\", \"port\": 1001},"
                + " \"qkdi_capabilities\": {}}]},"
                + " \"qkd_links\": {\"qkd_link\": [{\"qkdl_id\": \"l1\", \"qkdl_enable\": true,"
                + " \"qkdl_local\": {\"qkdn_id\": \"n1\", \"qkdi_id\": 100}, \"qkdl_remote\": {\"qkdn_id\": \"n2\", \"qkdi_id\": 200},"
                + " \"qkdl_type\": \"etsi-qkd-node-types:PHYS\", \"qkdl_applications\": [],"
                + " \"qkdl_performance\": {\"skr\": 2000, \"phys_perf\": [{\"perf_type\": \"etsi-qkd-node-types:QBER\", \"value\": 0.01}]}}]}}}";
        QkdNode n = strict.readNode(bytes(node));
        assertEquals(NodeCapabilities.defaults(), n.qkdnCapabilities());
        assertEquals(Double.valueOf(0.01), n.qkdLinks().get(0).qkdlPerformance().qber());
        assertEquals(Long.valueOf(1001), n.qkdInterfaces().get(0).qkdiAttPoint().port());
    }

    @Test
    public void strictRefusesUnknownMembersLenientIgnoresThem() throws Exception {
        String doc = "{\"etsi-qkd-sdn-node:qkd_link\": [{\"qkdl_id\": \"v1\", \"qkdl_type\": \"etsi-qkd-node-types:VIRT\","
                + " \"qkdl_colour\": \"blue\"}]}";
        Qkd015JsonException e = expectFailure(() -> strict.readLink(bytes(doc)));
        assertEquals("unknown-element", e.errorTag());
        assertEquals("/qkd_link/qkdl_colour", e.path());
        assertEquals("v1", lenient.readLink(bytes(doc)).qkdlId());
    }

    @Test
    public void badValuesNameTheMember() {
        Qkd015JsonException e = expectFailure(() -> strict.readLink(bytes(
                "{\"etsi-qkd-sdn-node:qkd_link\": [{\"qkdl_id\": \"v1\", \"qkdl_type\": \"etsi-qkd-node-types:WORMHOLE\"}]}")));
        assertEquals("invalid-value", e.errorTag());
        assertEquals("/qkd_link/qkdl_type", e.path());
        assertTrue(e.getMessage(), e.getMessage().contains("etsi-qkd-node-types:VIRT"));

        e = expectFailure(() -> strict.readLink(bytes(
                "{\"etsi-qkd-sdn-node:qkd_link\": [{\"qkdl_id\": \"v1\", \"qkdl_type\": \"other-module:VIRT\"}]}")));
        assertEquals("invalid-value", e.errorTag());

        e = expectFailure(() -> strict.readLink(bytes(
                "{\"etsi-qkd-sdn-node:qkd_link\": [{\"qkdl_id\": \"v1\", \"virt_bandwidth\": 4294967296}]}")));
        assertEquals("/qkd_link/virt_bandwidth", e.path());

        e = expectFailure(() -> strict.readLink(bytes(
                "{\"etsi-qkd-sdn-node:qkd_link\": [{\"qkdl_id\": \"v1\", \"virt_bandwidth\": -1}]}")));
        assertEquals("invalid-value", e.errorTag());

        e = expectFailure(() -> strict.readLink(bytes("{\"etsi-qkd-sdn-node:qkd_link\": [{\"qkdl_type\": \"VIRT\"}]}")));
        assertEquals("missing-element", e.errorTag());
        assertEquals("/qkd_link/qkdl_id", e.path());

        e = expectFailure(() -> strict.readLink(bytes("{\"etsi-qkd-sdn-node:qkd_link\": [{\"qkdl_id\": \"a\"}, {\"qkdl_id\": \"b\"}]}")));
        assertEquals("invalid-value", e.errorTag());

        e = expectFailure(() -> strict.readLink(bytes("{\"etsi-qkd-sdn-node:qkd_link\": [{\"qkdl_id\": \"a\", \"qkdl_id\": \"b\"}]}")));
        assertEquals("malformed-message", e.errorTag());

        e = expectFailure(() -> strict.readLink(bytes("{\"etsi-qkd-sdn-node:qkd_link\": [{\"qkdl_id\": \"a\"}]} trailing")));
        assertEquals("malformed-message", e.errorTag());

        e = expectFailure(() -> strict.readApp(bytes(
                "{\"etsi-qkd-sdn-node:qkd_app\": [{\"app_id\": \"x\", \"expiration_time\": \"tomorrow\"}]}")));
        assertEquals("/qkd_app/expiration_time", e.path());

        e = expectFailure(() -> strict.readLinks(bytes("{\"etsi-qkd-sdn-node:qkd_links\": {\"qkd_link\": ["
                + "{\"qkdl_id\": \"a\"}, {\"qkdl_id\": \"a\"}]}}")));
        assertTrue(e.getMessage(), e.getMessage().contains("duplicate qkdl_id a"));

        e = expectFailure(() -> strict.readNode(bytes("[1,2]")));
        assertEquals("malformed-message", e.errorTag());
        e = expectFailure(() -> strict.readNode(new byte[0]));
        assertEquals("malformed-message", e.errorTag());
    }

    @Test
    public void errorsBodyRoundTripsInRfc8040Shape() throws Exception {
        List<RestconfError> errors = List.of(
                RestconfError.protocol("access-denied", null, "client 'eve' may not write"),
                new RestconfError("application", "invalid-value", "qkdv2i-route",
                        "/etsi-qkd-sdn-node:qkd_node/qkd_links/qkd_link=v1", "B is not a peer of A"));
        byte[] json = strict.writeErrors(errors);
        assertEquals(errors, strict.readErrors(json));
        JsonNode e = M.readTree(json).get("ietf-restconf:errors").get("error").get(0);
        assertEquals("protocol", e.get("error-type").asText());
        assertEquals("access-denied", e.get("error-tag").asText());
        assertFalse(e.has("error-path"));
    }

    @Test
    public void decimalsRoundToThreeFractionDigits() throws Exception {
        QkdLink l = new QkdLink("l", null, null, null, null, QkdlType.PHYS, null, null, null, null, null, null, null,
                new LinkPerformance(null, null, null, List.of(new PhysPerf(PhysPerfType.QBER, 0.01234))));
        JsonNode perf = M.readTree(strict.writeLink(l)).get("etsi-qkd-sdn-node:qkd_link").get(0)
                .get("qkdl_performance").get("phys_perf").get(0);
        assertEquals("0.012", perf.get("value").asText());
        assertEquals(0.012, strict.readLink(strict.writeLink(l)).qkdlPerformance().qber(), 0);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private interface Call {
        Object run() throws Exception;
    }

    private static Qkd015JsonException expectFailure(Call c) {
        try {
            Object o = c.run();
            fail("expected a Qkd015JsonException, got " + o);
            return null;
        } catch (Qkd015JsonException e) {
            return e;
        } catch (Exception e) {
            throw new AssertionError("expected a Qkd015JsonException, got " + e, e);
        }
    }
}
