package org.qkdv2i.sdn.agent.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.lang.reflect.Proxy;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpMethod;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.qkdv2i.qkd.api.LinkState;
import org.qkdv2i.sdn.api.json.Qkd015Json;
import org.qkdv2i.tls.BcNodeTls;
import org.qkdv2i.tls.DevPki;
import org.qkdv2i.tls.JettyTls;
import org.qkdv2i.tls.NodeTls;

/** The DS component driven by hand: binding by node, services coming and going, port 0 = off. */
public class AgentComponentTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private static final char[] PW = DevPki.DEFAULT_PASSWORD.toCharArray();
    private static final String ROOT = "/restconf/data/etsi-qkd-sdn-node:qkd_node";
    private Path pki;
    private AgentComponent component;
    private HttpClient client;

    @Before
    public void setUp() throws Exception {
        pki = tmp.getRoot().toPath();
        DevPki.init(pki, List.of("A", "B"), List.of("ctl"), PW);
        client = new HttpClient();
        client.setSslContextFactory(JettyTls.clientFactory(
                BcNodeTls.load("ctl", pki.resolve("sae-ctl.p12"), PW, pki.resolve("ca.pem"), null, null)));
        client.start();
    }

    @After
    public void tearDown() throws Exception {
        if (component != null) {
            component.deactivate();
        }
        client.stop();
    }

    private NodeTls tls(String node) throws Exception {
        return BcNodeTls.load(node, pki.resolve("node-" + node + ".p12"), PW, pki.resolve("ca.pem"), null, null);
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private ContentResponse get(String path) throws Exception {
        return client.newRequest("https://localhost:" + component.port() + ROOT + path).timeout(10, TimeUnit.SECONDS)
                .send();
    }

    @Test
    public void portZeroIsOff() throws Exception {
        component = new AgentComponent(config(Map.of("nodeId", "A")), null);
        component.bindNodeTls(tls("A"), Map.of("qkd.node", "A"));
        component.activate();
        assertEquals(-1, component.port());
    }

    @Test
    public void servesItsOwnNodeAndCopesWithServicesLeaving() throws Exception {
        component = new AgentComponent(config(Map.of("nodeId", "A", "port", freePort(),
                "controllers", new String[] { "other, ctl" }, "location", "roof-a")), null);
        FakeKmm otherNode = new FakeKmm("B");
        component.bindKeyManager(otherNode, Map.of("qkd.node", "B"));
        component.bindRelayRoutes(otherNode, Map.of("qkd.node", "B"));
        component.bindNodeTls(tls("B"), Map.of("qkd.node", "B"));
        component.activate();
        assertEquals("no server without node A's TLS identity", -1, component.port());

        NodeTls a = tls("A");
        component.bindNodeTls(a, Map.of("qkd.node", "A"));
        int port = component.port();
        assertTrue(port > 0);
        assertEquals("node B's KMM is not used", 503, get("").getStatus());

        FakeKmm kmm = new FakeKmm("A");
        kmm.pools.add(FakeKmm.pool("A", "A-B", "B", LinkState.UP, 0.01, 1000, 5, 5, 0));
        component.bindKeyManager(kmm, Map.of("qkd.node", "A"));
        ContentResponse r = get("");
        assertEquals(200, r.getStatus());
        assertEquals("roof-a", Qkd015Json.strict().readNode(r.getContent()).qkdnLocationId());

        // a controller write (CN from the comma-separated list) needs node A's RelayRoutes
        String link = "{\"etsi-qkd-sdn-node:qkd_link\":[{\"qkdl_id\":\"v\",\"qkdl_type\":\"etsi-qkd-node-types:VIRT\","
                + "\"qkdl_local\":{\"qkdn_id\":\"A\"},\"qkdl_remote\":{\"qkdn_id\":\"C\"},\"virt_next_hop\":[\"B\"]}]}";
        assertEquals(503, put("/qkd_links/qkd_link=v", link).getStatus());
        component.bindRelayRoutes(kmm, Map.of("qkd.node", "A"));
        assertEquals(201, put("/qkd_links/qkd_link=v", link).getStatus());
        assertTrue(kmm.links.containsKey("v"));
        assertTrue("node B's routes untouched", otherNode.links.isEmpty());
        String app = "{\"etsi-qkd-sdn-node:qkd_app\":[{\"app_id\":\"x\",\"backing_qkdl_id\":[\"v\"]}]}";
        assertEquals(201, put("/qkd_applications/qkd_app=x", app).getStatus());

        component.unbindKeyManager(kmm);
        assertEquals(503, get("").getStatus());
        component.bindKeyManager(kmm, Map.of("qkd.node", "A"));
        assertEquals("the HTTP server did not restart", port, component.port());

        // TLS identity replaced: the server restarts, the applications stay
        component.unbindNodeTls(a);
        assertEquals(-1, component.port());
        try {
            client.newRequest("https://localhost:" + port + ROOT).timeout(5, TimeUnit.SECONDS).send();
            fail("server still listening after its TLS identity left");
        } catch (ExecutionException expected) {
            // connection refused
        }
        component.bindNodeTls(tls("A"), Map.of("qkd.node", "A"));
        assertEquals(200, get("/qkd_applications/qkd_app=x").getStatus());
    }

    @Test(expected = IllegalArgumentException.class)
    public void nodeIdIsRequired() {
        new AgentComponent(config(Map.of("port", 0)), null);
    }

    private ContentResponse put(String path, String json) throws Exception {
        return client.newRequest("https://localhost:" + component.port() + ROOT + path).method(HttpMethod.PUT)
                .body(new StringRequestContent(Qkd015Json.MEDIA_TYPE, json)).timeout(10, TimeUnit.SECONDS).send();
    }

    /** A Config as SCR would build it: given values, else the annotation defaults. */
    static AgentComponent.Config config(Map<String, Object> values) {
        return (AgentComponent.Config) Proxy.newProxyInstance(AgentComponentTest.class.getClassLoader(),
                new Class<?>[] { AgentComponent.Config.class }, (proxy, method, args) -> {
                    if (values.containsKey(method.getName())) {
                        return values.get(method.getName());
                    }
                    return method.getDefaultValue();
                });
    }
}
