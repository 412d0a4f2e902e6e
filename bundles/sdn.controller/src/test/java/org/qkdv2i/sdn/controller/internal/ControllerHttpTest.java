package org.qkdv2i.sdn.controller.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpMethod;
import org.junit.After;
import org.junit.AfterClass;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.qkdv2i.kmm.api.VirtualLink;
import org.qkdv2i.qkd.api.LinkState;
import org.qkdv2i.sdn.agent.internal.RealAgent;
import org.qkdv2i.sdn.controller.internal.graph.Network;
import org.qkdv2i.tls.BcNodeTls;
import org.qkdv2i.tls.DevPki;
import org.qkdv2i.tls.JettyTls;
import org.qkdv2i.tls.NodeTls;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The controller against five real ETSI GS QKD 015 agents (engineer AGENT's bundles/sdn.agent,
 * each on its own HTTPS port with mutual TLS and dev-PKI certificates, in front of a fake KMM
 * whose link states the test sets): A–B–C daisy chain and A–D–E–C as the alternative, as in the
 * issue's system test. Its northbound API is called over HTTPS with an operator's certificate.
 * Each poll is run by the test ({@link Engine#pollOnce()}), so every step is deterministic.
 */
public class ControllerHttpTest {

    @ClassRule
    public static final TemporaryFolder TMP = new TemporaryFolder();

    private static final char[] PW = DevPki.DEFAULT_PASSWORD.toCharArray();
    private static final List<String> NODES = List.of("A", "B", "C", "D", "E");
    private static Path pki;
    private static NodeTls ctlTls;
    private static final Map<String, NodeTls> NODE_TLS = new LinkedHashMap<>();
    private static HttpClient operator;
    private static HttpClient intruder;

    private final Map<String, FakeKmm> kmms = new LinkedHashMap<>();
    private final Map<String, RealAgent> agents = new LinkedHashMap<>();
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private Engine engine;
    private AgentTransport transport;
    private Northbound northbound;
    private String api;

    @BeforeClass
    public static void pki() throws Exception {
        pki = TMP.newFolder("pki").toPath();
        List<String> nodes = new ArrayList<>(NODES);
        nodes.add("ctl");
        DevPki.init(pki, nodes, List.of("op", "intruder"), PW);
        for (String n : NODES) {
            NODE_TLS.put(n, load(n, "node-" + n));
        }
        ctlTls = load("ctl", "node-ctl");
        operator = client(load("op", "sae-op"));
        intruder = client(load("intruder", "sae-intruder"));
    }

    @AfterClass
    public static void stopClients() throws Exception {
        operator.stop();
        intruder.stop();
    }

    private static NodeTls load(String id, String file) throws Exception {
        return BcNodeTls.load(id, pki.resolve(file + ".p12"), PW, pki.resolve("ca.pem"), null, null);
    }

    private static HttpClient client(NodeTls tls) throws Exception {
        HttpClient c = new HttpClient();
        c.setSslContextFactory(JettyTls.clientFactory(tls));
        c.start();
        return c;
    }

    @Before
    public void start() throws Exception {
        kmms.put("A", new FakeKmm("A").link("AB", "B", LinkState.UP).link("AD", "D", LinkState.UP));
        kmms.put("B", new FakeKmm("B").link("AB", "A", LinkState.UP).link("BC", "C", LinkState.UP));
        kmms.put("C", new FakeKmm("C").link("BC", "B", LinkState.UP).link("EC", "E", LinkState.UP));
        kmms.put("D", new FakeKmm("D").link("AD", "A", LinkState.UP).link("DE", "E", LinkState.UP));
        kmms.put("E", new FakeKmm("E").link("DE", "D", LinkState.UP).link("EC", "C", LinkState.UP));
        List<AgentRef> refs = new ArrayList<>();
        for (String n : NODES) {
            ports.put(n, freePort());
            agents.put(n, RealAgent.start(n, ports.get(n), NODE_TLS.get(n), kmms.get(n), "ctl"));
            refs.add(new AgentRef(n, URI.create("https://127.0.0.1:" + ports.get(n))));
        }
        // one shared client for all agents, as the component runs it
        transport = new AgentTransport(ctlTls, refs, 3000);
        List<AgentClient> clients = new ArrayList<>();
        for (AgentRef r : refs) {
            clients.add(new AgentClient(r, transport, "ctl", 3000));
        }
        engine = new Engine("ctl", new Network(), clients, Clock.systemUTC());
        northbound = new Northbound(engine, ctlTls, "127.0.0.1", 0, Set.of("op"));
        northbound.start();
        api = "https://localhost:" + northbound.port() + NorthboundHandler.PREFIX;
        // the first TLS handshakes can outlast one request timeout on a loaded host: poll until all answer
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        do {
            engine.pollOnce();
        } while (engine.nodes().stream().anyMatch(n -> !n.reachable()) && System.nanoTime() < deadline);
    }

    @After
    public void stop() {
        northbound.stop();
        engine.stop();
        transport.stop();
        agents.values().forEach(RealAgent::stop);
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Sets a link's driver state at both its ends, as a real pair of drivers would report it. */
    private void link(String id, LinkState state) {
        for (FakeKmm k : kmms.values()) {
            k.pools().stream().filter(p -> p.linkId().equals(id)).findFirst()
                    .ifPresent(p -> k.link(id, p.peerNodeId(), state));
        }
    }

    private JsonNode call(HttpClient c, HttpMethod m, String path, String body, int expectedStatus) throws Exception {
        var req = c.newRequest(api + path).method(m).timeout(10, TimeUnit.SECONDS);
        if (body != null) {
            req.body(new StringRequestContent("application/json", body));
        }
        ContentResponse r = req.send();
        String text = r.getContentAsString();
        assertEquals(m + " " + path + ": " + text, expectedStatus, r.getStatus());
        assertFalse("no stack trace to a client: " + text, text.contains("Exception") || text.contains("at org."));
        return Views.MAPPER.readTree(text.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static final String APP = "{\"server_sae_id\":\"sae-1\",\"server_node\":\"A\",\"client_sae_id\":\"sae-2\","
            + "\"client_node\":\"C\",\"priority\":1,\"qos\":{\"min_bandwidth\":512}}";

    @Test
    public void provisionRerouteRestartNoPathAndRemoveAgainstRealAgents() throws Exception {
        JsonNode nodes = call(operator, HttpMethod.GET, "nodes", null, 200);
        assertEquals(5, nodes.size());
        nodes.forEach(n -> assertTrue(n.toString(), n.get("reachable").asBoolean()));
        assertEquals(5, call(operator, HttpMethod.GET, "links", null, 200).get("physical").size());

        // provision: A-B-C, VIRT link at A, B, C with their own hops, qkd_app at A and C
        JsonNode app = call(operator, HttpMethod.POST, "applications", APP, 201);
        String id = app.get("app_id").asText();
        assertEquals(List.of("A", "B", "C"), strings(app.get("path")));
        assertTrue("pushed to all three agents at once", app.get("configured").asBoolean());
        String vl = app.get("backing_link").asText();
        assertEquals(new VirtualLink(vl, "A", "C", null, "B"), kmms.get("A").virtualLink(vl));
        assertEquals(new VirtualLink(vl, "A", "C", "A", "C"), kmms.get("B").virtualLink(vl));
        assertEquals(new VirtualLink(vl, "A", "C", "B", null), kmms.get("C").virtualLink(vl));
        engine.pollOnce();
        assertEquals(List.of(1, 0, 1, 0, 0), appCounts());

        // Eve on B-C: the next poll moves the application to A-D-E-C, new VIRT link first, old one deleted
        link("BC", LinkState.ABORTED_EAVESDROPPING);
        engine.pollOnce();
        JsonNode moved = call(operator, HttpMethod.GET, "applications/" + id, null, 200);
        assertEquals(List.of("A", "D", "E", "C"), strings(moved.get("path")));
        assertEquals("ACTIVE", moved.get("status").asText());
        String vl2 = moved.get("backing_link").asText();
        assertNotEquals(vl, vl2);
        assertEquals(new VirtualLink(vl2, "A", "C", "A", "E"), kmms.get("D").virtualLink(vl2));
        assertEquals(new VirtualLink(vl2, "A", "C", "D", "C"), kmms.get("E").virtualLink(vl2));
        assertEquals(new VirtualLink(vl2, "A", "C", null, "D"), kmms.get("A").virtualLink(vl2));
        for (String n : List.of("A", "B", "C")) {
            assertNull("old VIRT link deleted at " + n, kmms.get(n).virtualLink(vl));
        }
        assertEquals(3, moved.get("key_budget").get("hops").size());
        assertEquals(400L * 256, moved.get("key_budget").get("bottleneck_pool_bits").asLong());

        // node D restarts with an empty agent and KMM: the controller pushes its VIRT link again
        agents.get("D").stop();
        kmms.put("D", new FakeKmm("D").link("AD", "A", LinkState.UP).link("DE", "E", LinkState.UP));
        agents.put("D", RealAgent.start("D", ports.get("D"), NODE_TLS.get("D"), kmms.get("D"), "ctl"));
        assertNull(kmms.get("D").virtualLink(vl2));
        engine.pollOnce();
        assertEquals(new VirtualLink(vl2, "A", "C", "A", "E"), kmms.get("D").virtualLink(vl2));

        // A-B and D-E down too: no path; the application keeps its path and says so
        link("AB", LinkState.DOWN);
        link("DE", LinkState.DOWN);
        engine.pollOnce();
        JsonNode stuck = call(operator, HttpMethod.GET, "applications/" + id, null, 200);
        assertEquals("NO_PATH", stuck.get("status").asText());
        assertEquals(vl2, stuck.get("backing_link").asText());
        assertNotNull("kept at the nodes: they serve from their pools", kmms.get("E").virtualLink(vl2));

        // D-E returns: recovered on its path
        link("DE", LinkState.UP);
        engine.pollOnce();
        assertEquals("ACTIVE", call(operator, HttpMethod.GET, "applications/" + id, null, 200).get("status").asText());

        // removal deletes everything it pushed
        call(operator, HttpMethod.DELETE, "applications/" + id, null, 200);
        for (String n : NODES) {
            assertTrue(n, kmms.get(n).virtualLinks().isEmpty());
        }
        engine.pollOnce();
        assertEquals(List.of(0, 0, 0, 0, 0), appCounts());
        assertEquals(0, call(operator, HttpMethod.GET, "applications", null, 200).size());
    }

    /**
     * An end node relays over a new VIRT link as soon as it holds it, and a hop that lacks the link
     * refuses the relay: so on a reroute the relaying nodes must hold the new link before the
     * ends, and the first end (the server SAE's, where enc_keys starts) gets it last. Pushed in
     * agent order (A first) the system test saw A route over D ~0.4 s before D knew the link.
     */
    @Test
    public void aReroutedPathReachesItsRelayingNodesBeforeItsEnds() throws Exception {
        List<String> journal = new java.util.concurrent.CopyOnWriteArrayList<>();
        kmms.values().forEach(k -> k.journal(journal));
        String id = call(operator, HttpMethod.POST, "applications", APP, 201).get("app_id").asText();
        String vl = call(operator, HttpMethod.GET, "applications/" + id, null, 200).get("backing_link").asText();
        assertEquals(List.of("put B " + vl, "put C " + vl, "put A " + vl), journal);

        journal.clear();
        link("BC", LinkState.ABORTED_EAVESDROPPING);
        engine.pollOnce();
        String vl2 = call(operator, HttpMethod.GET, "applications/" + id, null, 200).get("backing_link").asText();
        assertEquals(List.of("put D " + vl2, "put E " + vl2, "put C " + vl2, "put A " + vl2, "remove A " + vl,
                "remove B " + vl, "remove C " + vl), journal);
    }

    /**
     * A VIRT link that a move replaced goes only once its successor is in place at every node of
     * the new path: while D's KMM refuses the new link, the old one stays at A, B and C (and the
     * ends do not get the new one either); once D takes it, the ends follow and the old one goes.
     */
    @Test
    public void aReplacedVirtualLinkStaysUntilItsSuccessorIsEverywhere() throws Exception {
        String id = call(operator, HttpMethod.POST, "applications", APP, 201).get("app_id").asText();
        String vl = call(operator, HttpMethod.GET, "applications/" + id, null, 200).get("backing_link").asText();
        kmms.get("D").refuseVirtualLinks = true;
        link("BC", LinkState.DOWN);
        engine.pollOnce();
        JsonNode moved = call(operator, HttpMethod.GET, "applications/" + id, null, 200);
        String vl2 = moved.get("backing_link").asText();
        assertEquals(List.of("A", "D", "E", "C"), strings(moved.get("path")));
        assertFalse(moved.get("configured").asBoolean());
        assertNull(kmms.get("D").virtualLink(vl2));
        assertNull("the ends wait for the relaying nodes", kmms.get("A").virtualLink(vl2));
        for (String n : List.of("A", "B", "C")) {
            assertNotNull("old link kept at " + n + " while its successor is not everywhere", kmms.get(n).virtualLink(vl));
        }

        kmms.get("D").refuseVirtualLinks = false;
        engine.pollOnce();
        assertTrue(call(operator, HttpMethod.GET, "applications/" + id, null, 200).get("configured").asBoolean());
        for (String n : List.of("A", "D", "E", "C")) {
            assertNotNull(n, kmms.get(n).virtualLink(vl2));
        }
        for (String n : List.of("A", "B", "C")) {
            assertNull("old link gone at " + n, kmms.get(n).virtualLink(vl));
        }
    }

    @Test
    public void badInputGetsAClearJsonErrorAndChangesNothing() throws Exception {
        assertTrue(call(operator, HttpMethod.POST, "applications", "{", 400).get("message").asText()
                .startsWith("request body is not valid JSON"));
        assertEquals("client_node is required", call(operator, HttpMethod.POST, "applications",
                "{\"server_sae_id\":\"s\",\"server_node\":\"A\",\"client_sae_id\":\"c\"}", 400).get("message").asText());
        assertTrue(call(operator, HttpMethod.POST, "applications", APP.replace("\"C\"", "\"Z\""), 400).get("message")
                .asText().contains("node Z is not managed"));
        assertTrue(call(operator, HttpMethod.POST, "applications", APP.replace("\"priority\":1", "\"priority\":-1"), 400)
                .get("message").asText().contains("priority"));
        assertTrue(call(operator, HttpMethod.POST, "applications", APP.replace("\"priority\"", "\"prio\""), 400)
                .get("message").asText().contains("unknown member prio"));
        assertTrue(call(intruder, HttpMethod.POST, "applications", APP, 403).get("message").asText()
                .contains("not an operator"));
        call(operator, HttpMethod.GET, "applications/nope", null, 404);
        call(operator, HttpMethod.DELETE, "applications/nope", null, 404);
        call(operator, HttpMethod.PUT, "nodes", "{}", 405);
        call(operator, HttpMethod.GET, "nothing", null, 404);
        call(operator, HttpMethod.GET, "paths?from=A", null, 400);
        assertEquals(List.of("A", "B", "C"), strings(call(operator, HttpMethod.GET, "paths?from=A&to=C", null, 200).get("path")));
        assertEquals(0, call(operator, HttpMethod.GET, "applications", null, 200).size());
        for (String n : NODES) {
            assertTrue(kmms.get(n).virtualLinks().isEmpty());
        }
        // a duplicate ID is a conflict
        call(operator, HttpMethod.POST, "applications", APP.replace("{\"server", "{\"app_id\":\"app-7\",\"server"), 201);
        call(operator, HttpMethod.POST, "applications", APP.replace("{\"server", "{\"app_id\":\"app-7\",\"server"), 409);
    }

    @Test
    public void aRestartedControllerCarriesOnFromItsStateFile() throws Exception {
        StateFile state = new StateFile(TMP.newFolder().toPath().resolve("data/sdn-controller.json"));
        List<AgentClient> clients = new ArrayList<>();
        for (String n : NODES) {
            clients.add(new AgentClient(new AgentRef(n, URI.create("https://127.0.0.1:" + ports.get(n))), ctlTls, 3000));
        }
        Engine first = new Engine("ctl", new Network(), clients, Clock.systemUTC(), state);
        first.pollOnce();
        String id = first.provision(new org.qkdv2i.sdn.controller.internal.graph.AppRequest(null, "sae-1", "A", "sae-2",
                "C", 0, null)).id();
        String vl = first.network().application(id).backingLink();
        first.stop();

        Network restored = new Network();
        assertEquals(List.of(id), restored.restore(state.read()));
        List<AgentClient> clients2 = new ArrayList<>();
        for (String n : NODES) {
            clients2.add(new AgentClient(new AgentRef(n, URI.create("https://127.0.0.1:" + ports.get(n))), ctlTls, 3000));
        }
        Engine second = new Engine("ctl", restored, clients2, Clock.systemUTC(), state);
        try {
            second.pollOnce();
            assertEquals("same relay path, same VIRT link", vl, restored.application(id).backingLink());
            assertTrue(second.isConfigured(restored.application(id)));
            for (String n : List.of("A", "B", "C")) {
                assertNotNull(n, kmms.get(n).virtualLink(vl));
                assertEquals(n, 1, kmms.get(n).virtualLinks().size());
            }
        } finally {
            second.stop();
        }
    }

    @Test
    public void anAgentWhoseCertificateNamesAnotherNodeIsRefused() throws Exception {
        // "C" configured at B's address: B's agent answers with CN=B, which is not C
        AgentRef wrong = new AgentRef("C", URI.create("https://127.0.0.1:" + ports.get("B")));
        AgentTransport t = new AgentTransport(ctlTls, List.of(wrong), 3000);
        try {
            new AgentClient(wrong, t, "ctl", 3000).fetch().join();
            org.junit.Assert.fail("a node impersonating another must not be polled");
        } catch (java.util.concurrent.CompletionException e) {
            assertTrue(e.getCause().toString(), e.getCause() instanceof AgentException);
        } finally {
            t.stop();
        }
    }

    @Test
    public void anAgentThatStopsAnsweringIsReportedAndAvoided() throws Exception {
        agents.get("B").stop();
        engine.pollOnce();
        JsonNode nodes = call(operator, HttpMethod.GET, "nodes", null, 200);
        JsonNode b = nodes.get(1);
        assertEquals("B", b.get("node_id").asText());
        assertFalse(b.get("reachable").asBoolean());
        assertTrue(b.toString(), b.get("error").asText().startsWith("no answer"));
        JsonNode app = call(operator, HttpMethod.POST, "applications", APP, 201);
        assertEquals("a node that cannot be configured carries no path", List.of("A", "D", "E", "C"),
                strings(app.get("path")));
        agents.put("B", RealAgent.start("B", ports.get("B"), NODE_TLS.get("B"), kmms.get("B"), "ctl"));
    }

    private List<Integer> appCounts() {
        List<Integer> out = new ArrayList<>();
        for (NodeStatus s : engine.nodes()) {
            out.add(s.apps());
        }
        return out;
    }
}
