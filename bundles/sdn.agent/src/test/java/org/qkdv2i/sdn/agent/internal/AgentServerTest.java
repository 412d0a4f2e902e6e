package org.qkdv2i.sdn.agent.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.junit.AfterClass;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.qkdv2i.kmm.api.KeyManager;
import org.qkdv2i.kmm.api.RelayRoutes;
import org.qkdv2i.kmm.api.VirtualLink;
import org.qkdv2i.qkd.api.LinkState;
import org.qkdv2i.sdn.api.AppStatus;
import org.qkdv2i.sdn.api.QkdApp;
import org.qkdv2i.sdn.api.QkdLink;
import org.qkdv2i.sdn.api.QkdNode;
import org.qkdv2i.sdn.api.QkdlStatus;
import org.qkdv2i.sdn.api.QkdlType;
import org.qkdv2i.sdn.api.RestconfError;
import org.qkdv2i.sdn.api.json.Qkd015Json;
import org.qkdv2i.tls.BcNodeTls;
import org.qkdv2i.tls.DevPki;
import org.qkdv2i.tls.JettyTls;
import org.qkdv2i.tls.NodeTls;

/**
 * The agent of node B (in a chain A–B–C) on an ephemeral port over real mutual TLS with
 * DevPki certificates, in front of a fake KMM: a controller ("ctl") writes, an SAE
 * certificate of the same CA ("sae-x") may only read.
 */
public class AgentServerTest {

    @ClassRule
    public static final TemporaryFolder TMP = new TemporaryFolder();

    static final char[] PW = DevPki.DEFAULT_PASSWORD.toCharArray();
    static final String ROOT = "/restconf/data/etsi-qkd-sdn-node:qkd_node";
    static final Qkd015Json JSON = Qkd015Json.lenient();
    static final AtomicReference<KeyManager> KM = new AtomicReference<>();
    static final AtomicReference<RelayRoutes> RR = new AtomicReference<>();
    static Path pki;
    static AgentServer server;
    static String base;
    static HttpClient controller;
    static HttpClient stranger;

    FakeKmm kmm;

    @BeforeClass
    public static void start() throws Exception {
        pki = TMP.newFolder("pki").toPath();
        DevPki.init(pki, List.of("B"), List.of("ctl", "sae-x"), PW);
        NodeTls tls = BcNodeTls.load("B", pki.resolve("node-B.p12"), PW, pki.resolve("ca.pem"), null, null);
        AgentHandler handler = new AgentHandler("B", Set.of("ctl"), new AgentHandler.Sources() {
            @Override
            public KeyManager keyManager() {
                return KM.get();
            }

            @Override
            public RelayRoutes relayRoutes() {
                return RR.get();
            }
        }, new NodeView("B", "qkdv2i test", "roof-b", new RateMeter(TimeUnit.SECONDS.toNanos(10))), new AppTable(),
                new ConcurrentHashMap<>(), 4096, Clock.fixed(Instant.parse("2026-11-27T07:00:00Z"), ZoneOffset.UTC),
                System::nanoTime);
        server = new AgentServer("B", tls, "127.0.0.1", 0, handler);
        server.start();
        base = "https://localhost:" + server.port();
        controller = client("ctl");
        stranger = client("sae-x");
    }

    @AfterClass
    public static void stop() throws Exception {
        for (HttpClient c : new HttpClient[] { controller, stranger }) {
            if (c != null) {
                c.stop();
            }
        }
        if (server != null) {
            server.stop();
        }
    }

    @Before
    public void freshKmm() {
        kmm = new FakeKmm("B");
        kmm.pools.add(FakeKmm.pool("B", "A-B", "A", LinkState.UP, 0.02, 40_000, 50, 50, 0));
        kmm.pools.add(FakeKmm.pool("B", "B-C", "C", LinkState.UP, 0.03, 30_000, 60, 40, 0));
        KM.set(kmm);
        RR.set(kmm);
    }

    static HttpClient client(String cn) throws Exception {
        NodeTls tls = BcNodeTls.load(cn, pki.resolve("sae-" + cn + ".p12"), PW, pki.resolve("ca.pem"), null, null);
        HttpClient c = new HttpClient();
        c.setSslContextFactory(JettyTls.clientFactory(tls));
        c.start();
        return c;
    }

    static ContentResponse get(HttpClient c, String path) throws Exception {
        return c.newRequest(base + path).timeout(10, TimeUnit.SECONDS).send();
    }

    static ContentResponse send(HttpClient c, HttpMethod method, String path, String json) throws Exception {
        var r = c.newRequest(base + path).method(method).timeout(10, TimeUnit.SECONDS);
        if (json != null) {
            r.body(new StringRequestContent(Qkd015Json.MEDIA_TYPE, json));
        }
        return r.send();
    }

    static RestconfError error(ContentResponse r, int status) throws Exception {
        assertEquals(r.getContentAsString(), status, r.getStatus());
        assertTrue(String.valueOf(r.getMediaType()), String.valueOf(r.getMediaType()).contains("yang-data+json"));
        List<RestconfError> errors = JSON.readErrors(r.getContent());
        assertEquals(1, errors.size());
        assertFalse("no stack trace", r.getContentAsString().contains("\tat "));
        return errors.get(0);
    }

    static String virt(String id, String first, String last, String prev, String next) {
        return "{\"etsi-qkd-sdn-node:qkd_link\":[{\"qkdl_id\":\"" + id + "\",\"qkdl_type\":\"etsi-qkd-node-types:VIRT\","
                + "\"qkdl_local\":{\"qkdn_id\":\"" + first + "\"},\"qkdl_remote\":{\"qkdn_id\":\"" + last + "\"}"
                + (prev == null ? "" : ",\"virt_prev_hop\":\"" + prev + "\"")
                + (next == null ? "" : ",\"virt_next_hop\":[\"" + next + "\"]") + "}]}";
    }

    @Test
    public void getTheNodeAndItsSubResources() throws Exception {
        kmm.putVirtualLink(new VirtualLink("v-A-C", "A", "C", "A", "C"));
        ContentResponse r = get(stranger, ROOT);
        assertEquals(200, r.getStatus());
        assertEquals(Qkd015Json.MEDIA_TYPE, r.getMediaType());
        QkdNode node = Qkd015Json.strict().readNode(r.getContent());
        assertEquals("B", node.qkdnId());
        assertEquals("roof-b", node.qkdnLocationId());
        assertEquals(3, node.qkdLinks().size());
        assertEquals(QkdlType.PHYS, node.link("A-B").orElseThrow().qkdlType());
        assertEquals(Long.valueOf(40_000), node.link("A-B").orElseThrow().qkdlPerformance().skr());
        assertEquals(QkdlStatus.ACTIVE, node.link("v-A-C").orElseThrow().qkdlStatus());
        assertTrue(r.getContentAsString().startsWith("{\"etsi-qkd-sdn-node:qkd_node\":"));

        assertEquals(3, JSON.readLinks(get(stranger, ROOT + "/qkd_links").getContent()).size());
        assertEquals("trailing slash as TeraFlowSDN sends it", 3,
                JSON.readLinks(get(stranger, ROOT + "/qkd_links/").getContent()).size());
        QkdLink v = JSON.readLink(get(stranger, ROOT + "/qkd_links/qkd_link=v-A-C").getContent());
        assertEquals("A", v.virtPrevHop());
        assertEquals(2, JSON.readInterfaces(get(stranger, ROOT + "/qkd_interfaces").getContent()).size());
        assertEquals(2, JSON.readInterface(get(stranger, ROOT + "/qkd_interfaces/qkd_interface=2").getContent())
                .qkdiId());
        assertTrue(JSON.readCapabilities(get(stranger, ROOT + "/qkdn_capabilities").getContent()).keyRelayModeEnable());
        assertEquals(0, JSON.readApps(get(stranger, ROOT + "/qkd_applications").getContent()).size());

        RestconfError e = error(get(stranger, ROOT + "/qkd_links/qkd_link=nope"), 404);
        assertEquals("invalid-value", e.errorTag());
        assertTrue(e.errorMessage(), e.errorMessage().contains("no link nope at node B"));
        error(get(stranger, ROOT + "/qkd_interfaces/qkd_interface=9"), 404);
        error(get(stranger, "/restconf/data/other:thing"), 404);
        error(get(stranger, ROOT + "/qkd_links/qkd_link=v-A-C/extra"), 404);
    }

    @Test
    public void controllerPutsAndDeletesVirtualLinksThroughRelayRoutes() throws Exception {
        ContentResponse r = send(controller, HttpMethod.PUT, ROOT + "/qkd_links/qkd_link=v-A-C",
                virt("v-A-C", "A", "C", "A", "C"));
        assertEquals(r.getContentAsString(), 201, r.getStatus());
        assertEquals(ROOT + "/qkd_links/qkd_link=v-A-C", r.getHeaders().get(HttpHeader.LOCATION));
        assertEquals(new VirtualLink("v-A-C", "A", "C", "A", "C"), kmm.links.get("v-A-C"));

        // reroute: same ID, other hops → replaced, 204
        kmm.pools.add(FakeKmm.pool("B", "B-D", "D", LinkState.UP, 0.01, 10_000, 10, 10, 0));
        r = send(controller, HttpMethod.PUT, ROOT + "/qkd_links/qkd_link=v-A-C", virt("v-A-C", "A", "C", "A", "D"));
        assertEquals(r.getContentAsString(), 204, r.getStatus());
        assertEquals("D", kmm.links.get("v-A-C").nextHop());

        // at an end: one hop only
        r = send(controller, HttpMethod.PUT, ROOT + "/qkd_links/qkd_link=v-B-C", virt("v-B-C", "B", "C", null, "C"));
        assertEquals(r.getContentAsString(), 201, r.getStatus());
        assertNull(kmm.links.get("v-B-C").prevHop());

        assertEquals(204, send(controller, HttpMethod.DELETE, ROOT + "/qkd_links/qkd_link=v-A-C", null).getStatus());
        assertFalse(kmm.links.containsKey("v-A-C"));
        error(send(controller, HttpMethod.DELETE, ROOT + "/qkd_links/qkd_link=v-A-C", null), 404);
    }

    @Test
    public void postInTheShapeTeraFlowSdnSends() throws Exception {
        String tfs = "{\"qkd_links\": {\"qkd_link\": [{\"qkdl_id\": \"v9\", \"qkdl_type\": \"etsi-qkd-node-types:VIRT\","
                + " \"qkdl_local\": {\"qkdn_id\": \"A\", \"qkdi_id\": 1}, \"qkdl_remote\": {\"qkdn_id\": \"C\", \"qkdi_id\": 3},"
                + " \"virt_prev_hop\": \"A\", \"virt_next_hop\": [\"C\"], \"virt_bandwidth\": 512}]}}";
        ContentResponse r = send(controller, HttpMethod.POST, ROOT + "/qkd_links/", tfs);
        assertEquals(r.getContentAsString(), 201, r.getStatus());
        assertTrue(kmm.links.containsKey("v9"));
        assertEquals(Long.valueOf(512), JSON.readLink(get(controller, ROOT + "/qkd_links/qkd_link=v9").getContent())
                .virtBandwidth());
        assertEquals("data-exists", error(send(controller, HttpMethod.POST, ROOT + "/qkd_links", tfs), 409).errorTag());
    }

    @Test
    public void badWritesGetRfc8040Errors() throws Exception {
        String path = ROOT + "/qkd_links/qkd_link=v1";
        RestconfError e = error(send(stranger, HttpMethod.PUT, path, virt("v1", "A", "C", "A", "C")), 403);
        assertEquals("access-denied", e.errorTag());
        assertTrue(e.errorMessage(), e.errorMessage().contains("sae-x"));
        assertTrue("nothing written by a stranger", kmm.links.isEmpty());
        error(send(stranger, HttpMethod.DELETE, ROOT + "/qkd_applications/qkd_app=a", null), 403);

        assertEquals("malformed-message", error(send(controller, HttpMethod.PUT, path, "{not json"), 400).errorTag());
        e = error(send(controller, HttpMethod.PUT, path, virt("v1", "A", "C", "A", "C").replace("\"qkdl_id\"",
                "\"qkdl_colour\":\"red\",\"qkdl_id\"")), 400);
        assertEquals("unknown-element", e.errorTag());
        assertEquals("/etsi-qkd-sdn-node:qkd_node/qkd_links/qkd_link[qkdl_id='v1']/qkdl_colour", e.errorPath());

        e = error(send(controller, HttpMethod.PUT, path, virt("v2", "A", "C", "A", "C")), 400);
        assertTrue(e.errorMessage(), e.errorMessage().contains("differs"));
        e = error(send(controller, HttpMethod.PUT, path, virt("v1", "A", "C", "A", "C").replace("VIRT", "PHYS")), 400);
        assertTrue(e.errorMessage(), e.errorMessage().contains("only VIRT"));
        e = error(send(controller, HttpMethod.PUT, path, virt("v1", "A", "C", null, "C")), 400);
        assertTrue(e.errorMessage(), e.errorMessage().contains("middle node"));
        e = error(send(controller, HttpMethod.PUT, path, virt("v1", "B", "C", "A", "C")), 400);
        assertTrue(e.errorMessage(), e.errorMessage().contains("virt_prev_hop must be absent"));
        e = error(send(controller, HttpMethod.PUT, path, virt("v1", "A", "E", "A", "E")), 400);
        assertTrue("RelayRoutes' refusal reaches the controller: " + e.errorMessage(),
                e.errorMessage().contains("hop E of virtual link v1 is not a peer of node B"));
        e = error(send(controller, HttpMethod.PUT, ROOT + "/qkd_links/qkd_link=A-B", virt("A-B", "A", "C", "A", "C")),
                400);
        assertTrue(e.errorMessage(), e.errorMessage().contains("physical link"));
        error(send(controller, HttpMethod.DELETE, ROOT + "/qkd_links/qkd_link=A-B", null), 400);
        assertTrue(kmm.links.isEmpty());

        ContentResponse r = controller.newRequest(base + path).method(HttpMethod.PUT)
                .body(new StringRequestContent("text/plain", "hello")).timeout(10, TimeUnit.SECONDS).send();
        error(r, 415);
        r = send(controller, HttpMethod.PUT, path, "{\"x\":\"" + "y".repeat(5000) + "\"}");
        assertEquals("too-big", error(r, 413).errorTag());

        r = stranger.newRequest(base + ROOT).headers(h -> h.put(HttpHeader.ACCEPT, "application/yang-data+xml"))
                .timeout(10, TimeUnit.SECONDS).send();
        error(r, 406);
        r = stranger.newRequest(base + ROOT).headers(h -> h.put(HttpHeader.ACCEPT, "application/yang-data+json"))
                .timeout(10, TimeUnit.SECONDS).send();
        assertEquals(200, r.getStatus());

        r = send(controller, HttpMethod.PUT, ROOT, "{}");
        assertEquals("GET", r.getHeaders().get(HttpHeader.ALLOW));
        assertEquals("operation-not-supported", error(r, 405).errorTag());
        r = send(controller, HttpMethod.PATCH, ROOT + "/qkd_links", "{}");
        assertEquals("GET, POST", r.getHeaders().get(HttpHeader.ALLOW));
        error(r, 405);
    }

    @Test
    public void applicationsAreStoredAndShownWithTheirStatus() throws Exception {
        kmm.putVirtualLink(new VirtualLink("v-A-C", "A", "C", "A", "C"));
        String app = "{\"etsi-qkd-sdn-node:qkd_app\":[{\"app_id\":\"app-1\",\"app_status\":\"etsi-qkd-node-types:ZOMBIE\","
                + "\"app_type\":\"etsi-qkd-node-types:CLIENT\",\"server_app_id\":\"sae-a\",\"client_app_id\":[\"sae-c\"],"
                + "\"app_priority\":2,\"app_qos\":{\"max_bandwidth\":10000,\"min_bandwidth\":1000,\"ttl\":60},"
                + "\"backing_qkdl_id\":[\"v-A-C\"],\"local_qkdn_id\":\"B\",\"remote_qkdn_id\":\"C\"}]}";
        String path = ROOT + "/qkd_applications/qkd_app=app-1";
        assertEquals(201, send(controller, HttpMethod.PUT, path, app).getStatus());
        QkdApp got = JSON.readApp(get(stranger, path).getContent());
        assertEquals("status is the node's, not the writer's", AppStatus.ON, got.appStatus());
        assertEquals(Instant.parse("2026-11-27T07:00:00Z"), got.creationTime());
        assertEquals(Long.valueOf(1000), got.appQos().minBandwidth());
        assertEquals(List.of("sae-c"), got.clientAppId());
        assertEquals(List.of("app-1"), JSON.readLink(get(stranger, ROOT + "/qkd_links/qkd_link=v-A-C").getContent())
                .qkdlApplications());
        assertEquals(204, send(controller, HttpMethod.PUT, path, app.replace("\"app_priority\":2", "\"app_priority\":7"))
                .getStatus());
        assertEquals(Long.valueOf(7), JSON.readApp(get(stranger, path).getContent()).appPriority());

        // its backing link goes away: DISCONNECTED
        kmm.removeVirtualLink("v-A-C");
        assertEquals(AppStatus.DISCONNECTED, JSON.readApp(get(stranger, path).getContent()).appStatus());

        RestconfError e = error(send(controller, HttpMethod.PUT, ROOT + "/qkd_applications/qkd_app=app-2",
                app.replace("app-1", "app-2")), 400);
        assertTrue(e.errorMessage(), e.errorMessage().contains("backing link v-A-C is not a link of node B"));
        e = error(send(controller, HttpMethod.PUT, ROOT + "/qkd_applications/qkd_app=app-3",
                app.replace("app-1", "app-3").replace("\"local_qkdn_id\":\"B\"", "\"local_qkdn_id\":\"Z\"")), 400);
        assertEquals("/etsi-qkd-sdn-node:qkd_node/qkd_applications/qkd_app[app_id='app-3']/local_qkdn_id", e.errorPath());

        assertEquals(204, send(controller, HttpMethod.DELETE, path, null).getStatus());
        error(get(stranger, path), 404);
        error(send(controller, HttpMethod.DELETE, path, null), 404);
    }

    @Test
    public void withoutTheKmmEveryRequestGets503WithAnErrorsBody() throws Exception {
        KM.set(null);
        RestconfError e = error(get(stranger, ROOT), 503);
        assertEquals("operation-failed", e.errorTag());
        assertTrue(e.errorMessage(), e.errorMessage().contains("node B"));
        error(send(controller, HttpMethod.PUT, ROOT + "/qkd_links/qkd_link=v1", virt("v1", "A", "C", "A", "C")), 503);

        KM.set(kmm);
        RR.set(null); // the KMM without relay: state without VIRT links, link writes 503
        assertEquals(200, get(stranger, ROOT).getStatus());
        assertFalse(JSON.readCapabilities(get(stranger, ROOT + "/qkdn_capabilities").getContent())
                .keyRelayModeEnable());
        error(send(controller, HttpMethod.PUT, ROOT + "/qkd_links/qkd_link=v1", virt("v1", "A", "C", "A", "C")), 503);

        // a KMM that throws mid-request: 503, not a trace
        KM.set(new FakeKmm("B") {
            @Override
            public List<org.qkdv2i.kmm.api.PoolStatus> pools() {
                throw new IllegalStateException("store closed");
            }
        });
        e = error(get(stranger, ROOT), 503);
        assertFalse(e.errorMessage(), e.errorMessage().contains("store closed"));
        assertNotNull(e.errorType());
    }

    @Test
    public void badRequestLinesGetAnErrorsBodyFromJetty() throws Exception {
        ContentResponse r = get(stranger, ROOT + "/qkd_links/qkd_link=a%2Fb");
        assertEquals(400, r.getStatus());
        assertTrue(r.getContentAsString(), r.getContentAsString().contains("ietf-restconf:errors"));
        byte[] body = r.getContent();
        assertFalse(new String(body, StandardCharsets.UTF_8).contains("<html"));
    }
}
