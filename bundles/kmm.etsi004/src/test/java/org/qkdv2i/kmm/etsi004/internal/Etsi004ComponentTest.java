package org.qkdv2i.kmm.etsi004.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.StringRequestContent;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.qkdv2i.kmm.api.GetKeyResult;
import org.qkdv2i.kmm.api.KeyStreams;
import org.qkdv2i.kmm.api.OpenResult;
import org.qkdv2i.kmm.api.StreamQos;
import org.qkdv2i.kmm.api.StreamStatus;
import org.qkdv2i.tls.BcNodeTls;
import org.qkdv2i.tls.DevPki;
import org.qkdv2i.tls.JettyTls;
import org.qkdv2i.tls.NodeTls;

/** The DS glue, driven by hand as SCR would: dynamic KeyStreams and NodeTls, filtered by qkd.node. */
public class Etsi004ComponentTest {

    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    private static final char[] PW = DevPki.DEFAULT_PASSWORD.toCharArray();
    private Path pki;
    private Etsi004Component component;
    private HttpClient client;

    /** Answers every OPEN_CONNECT with status 1 and a fixed stream ID; records the caller. */
    private static final class FakeStreams implements KeyStreams {
        final UUID id = UUID.randomUUID();
        volatile String caller;

        @Override
        public String nodeId() {
            return "A";
        }

        @Override
        public OpenResult open(String callerSaeId, URI source, URI destination, StreamQos qos, UUID keyStreamId) {
            caller = callerSaeId;
            return new OpenResult(StreamStatus.PEER_NOT_CONNECTED, id, qos);
        }

        @Override
        public GetKeyResult getKey(String callerSaeId, UUID keyStreamId, long index, int metadataCapacity) {
            return GetKeyResult.failed(StreamStatus.PEER_NOT_CONNECTED_GET_KEY, 0);
        }

        @Override
        public StreamStatus close(String callerSaeId, UUID keyStreamId) {
            return StreamStatus.SUCCESSFUL;
        }
    }

    @Before
    public void setUp() throws Exception {
        pki = tmp.getRoot().toPath();
        DevPki.init(pki, List.of("A", "B"), List.of("sa"), PW);
        component = new Etsi004Component(config(Map.of("nodeId", "A", "port", 0)));
        client = new HttpClient();
        client.setSslContextFactory(JettyTls.clientFactory(
                BcNodeTls.load("sa", pki.resolve("sae-sa.p12"), PW, pki.resolve("ca.pem"), null, null)));
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

    private ContentResponse open() throws Exception {
        return client.POST("https://localhost:" + component.port() + "/etsi004/v1/open_connect")
                .body(new StringRequestContent("application/json",
                        "{\"source\":\"sae:sa\",\"destination\":\"sae:sb\",\"qos\":{\"key_chunk_size\":32}}"))
                .timeout(30, TimeUnit.SECONDS).send();
    }

    @Test
    public void keyStreamsComeAndGoWithoutServerRestart() throws Exception {
        component.bindKeyStreams(new FakeStreams(), Map.of("qkd.node", "B")); // another node's: never used
        component.bindNodeTls(tls("B"), Map.of("qkd.node", "B"));
        component.activate();
        assertEquals("no server without node A's TLS identity", -1, component.port());

        NodeTls a = tls("A");
        component.bindNodeTls(a, Map.of("qkd.node", "A"));
        int port = component.port();
        assertTrue(port > 0);
        assertEquals("KeyStreams of node B is not used", 503, open().getStatus());

        FakeStreams ks = new FakeStreams();
        component.bindKeyStreams(ks, Map.of("qkd.node", "A"));
        ContentResponse r = open();
        assertEquals(200, r.getStatus());
        assertTrue(r.getContentAsString(), r.getContentAsString().contains("\"status\":1"));
        assertTrue(r.getContentAsString().contains(ks.id.toString()));
        assertEquals("the caller is the client certificate's CN", "sa", ks.caller);
        component.unbindKeyStreams(ks);
        assertEquals(503, open().getStatus());
        component.bindKeyStreams(ks, Map.of("qkd.node", "A"));
        assertEquals(200, open().getStatus());
        assertEquals("the HTTP server did not restart", port, component.port());

        component.unbindNodeTls(a);
        assertEquals(-1, component.port());
        try {
            client.POST("https://localhost:" + port + "/etsi004/v1/close").timeout(5, TimeUnit.SECONDS).send();
            fail("server still listening after its TLS identity left");
        } catch (ExecutionException expected) {
            // connection refused
        }
    }

    @Test(expected = IllegalArgumentException.class)
    public void nodeIdIsRequired() {
        new Etsi004Component(config(Map.of("port", 0)));
    }

    /** A Config as SCR would build it: given values, else the annotation defaults. */
    static Etsi004Component.Config config(Map<String, Object> values) {
        return (Etsi004Component.Config) Proxy.newProxyInstance(Etsi004ComponentTest.class.getClassLoader(),
                new Class<?>[] { Etsi004Component.Config.class }, (proxy, method, args) -> {
                    if (values.containsKey(method.getName())) {
                        return values.get(method.getName());
                    }
                    return method.getDefaultValue();
                });
    }
}
