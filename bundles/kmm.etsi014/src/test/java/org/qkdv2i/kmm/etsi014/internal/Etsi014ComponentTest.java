package org.qkdv2i.kmm.etsi014.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.client.HttpClient;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.qkdv2i.tls.BcNodeTls;
import org.qkdv2i.tls.DevPki;
import org.qkdv2i.tls.JettyTls;
import org.qkdv2i.tls.NodeTls;

/** The DS glue, driven by hand as SCR would: dynamic KeyManager and NodeTls, filtered by qkd.node. */
public class Etsi014ComponentTest {

    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    private static final char[] PW = DevPki.DEFAULT_PASSWORD.toCharArray();
    private Path pki;
    private Etsi014Component component;
    private HttpClient client;

    @Before
    public void setUp() throws Exception {
        pki = tmp.getRoot().toPath();
        DevPki.init(pki, List.of("A", "B"), List.of(FakeKeyManager.MASTER), PW);
        component = new Etsi014Component(config(Map.of("nodeId", "A", "port", 0)));
        client = new HttpClient();
        client.setSslContextFactory(JettyTls.clientFactory(BcNodeTls.load("sae-a",
                pki.resolve("sae-" + FakeKeyManager.MASTER + ".p12"), PW, pki.resolve("ca.pem"), null, null)));
        client.start();
    }

    @After
    public void tearDown() throws Exception {
        component.deactivate();
        client.stop();
    }

    private NodeTls tls(String node) throws Exception {
        return BcNodeTls.load(node, pki.resolve("node-" + node + ".p12"), PW, pki.resolve("ca.pem"), null, null);
    }

    private int status() throws Exception {
        return client.newRequest("https://localhost:" + component.port() + "/api/v1/keys/sae-b/status")
                .timeout(30, TimeUnit.SECONDS).send().getStatus();
    }

    @Test
    public void keyManagerComesAndGoesWithoutServerRestart() throws Exception {
        FakeKeyManager other = new FakeKeyManager();
        component.bindKeyManager(other, Map.of("qkd.node", "B")); // another node's KMM: never used
        component.bindNodeTls(tls("B"), Map.of("qkd.node", "B"));
        component.activate();
        assertEquals("no server without node A's TLS identity", -1, component.port());

        NodeTls a = tls("A");
        component.bindNodeTls(a, Map.of("qkd.node", "A"));
        int port = component.port();
        assertTrue(port > 0);
        assertEquals("KeyManager of node B is not used", 503, status());

        FakeKeyManager km = new FakeKeyManager();
        component.bindKeyManager(km, Map.of("qkd.node", "A"));
        assertEquals(200, status());
        component.unbindKeyManager(km);
        assertEquals(503, status());
        component.bindKeyManager(km, Map.of("qkd.node", "A"));
        assertEquals(200, status());
        assertEquals("the HTTP server did not restart", port, component.port());

        component.unbindNodeTls(a);
        assertEquals(-1, component.port());
        try {
            client.newRequest("https://localhost:" + port + "/api/v1/keys/sae-b/status").timeout(5, TimeUnit.SECONDS).send();
            fail("server still listening after its TLS identity left");
        } catch (ExecutionException expected) {
            // connection refused
        }
    }

    @Test(expected = IllegalArgumentException.class)
    public void nodeIdIsRequired() {
        new Etsi014Component(config(Map.of("port", 0)));
    }

    /** A Config as SCR would build it: given values, else the annotation defaults. */
    static Etsi014Component.Config config(Map<String, Object> values) {
        return (Etsi014Component.Config) Proxy.newProxyInstance(Etsi014ComponentTest.class.getClassLoader(),
                new Class<?>[] { Etsi014Component.Config.class }, (proxy, method, args) -> {
                    if (values.containsKey(method.getName())) {
                        return values.get(method.getName());
                    }
                    Object d = method.getDefaultValue();
                    return d != null ? d : method.getReturnType() == String.class ? null : null;
                });
    }
}
