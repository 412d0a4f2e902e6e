package org.qkdv2i.tls;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Real mutual-TLS handshakes on BCJSSE between Jetty server and Jetty client, certificates from {@link DevPki}. */
public class MutualTlsTest {

    @ClassRule
    public static final TemporaryFolder TMP = new TemporaryFolder();

    private static final char[] PW = DevPki.DEFAULT_PASSWORD.toCharArray();
    private static Path pki;
    private static Path foreignPki;
    private static Server server;
    private static int port;

    @BeforeClass
    public static void start() throws Exception {
        pki = TMP.newFolder("pki").toPath();
        foreignPki = TMP.newFolder("foreign").toPath();
        DevPki.init(pki, List.of("A"), List.of("sae-1"), PW);
        DevPki.init(foreignPki, List.of(), List.of("mallory"), PW);

        NodeTls tls = BcNodeTls.load("A", pki.resolve("node-A.p12"), PW, pki.resolve("ca.pem"), null, null);
        server = new Server();
        ServerConnector connector = JettyTls.httpsConnector(server, tls, "127.0.0.1", 0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                String cn = JettyTls.clientCommonName(request).orElse("<none>");
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
                Content.Sink.write(response, true, cn, callback);
                return true;
            }
        });
        server.start();
        port = connector.getLocalPort();
    }

    @AfterClass
    public static void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    private static ContentResponse get(NodeTls clientTls) throws Exception {
        HttpClient client = new HttpClient();
        client.setSslContextFactory(JettyTls.clientFactory(clientTls));
        client.start();
        try {
            return client.newRequest("https://localhost:" + port + "/whoami").timeout(10, TimeUnit.SECONDS).send();
        } finally {
            client.stop();
        }
    }

    private static NodeTls sae(Path dir, String id, List<String> groups) throws Exception {
        return BcNodeTls.load(id, dir.resolve("sae-" + id + ".p12"), PW, pki.resolve("ca.pem"), groups, null);
    }

    @Test
    public void serverReadsClientCommonName() throws Exception {
        ContentResponse r = get(sae(pki, "sae-1", null));
        assertEquals(200, r.getStatus());
        assertEquals("sae-1", r.getContentAsString());
    }

    @Test
    public void clientWithoutCertificateIsRejected() throws Exception {
        KeyStore empty = KeyStore.getInstance("PKCS12");
        empty.load(null, null);
        NodeTls anon = BcNodeTls.of("anon", empty, PW, BcNodeTls.readTrustStore(pki.resolve("ca.pem")), null, null);
        assertHandshakeFails(anon);
    }

    @Test
    public void clientFromForeignCaIsRejected() throws Exception {
        assertHandshakeFails(sae(foreignPki, "mallory", null));
    }

    @Test
    public void postQuantumRestrictedClientSucceeds() throws Exception {
        // secp256r1 stays in the list only so BCJSSE offers the P-256 signature scheme (BUILD-FACTS)
        ContentResponse r = get(sae(pki, "sae-1", List.of("X25519MLKEM768", "secp256r1")));
        assertEquals(200, r.getStatus());
        assertEquals("sae-1", r.getContentAsString());
    }

    @Test
    public void classicalOnlyClientStillServed() throws Exception {
        // no hybrid group offered (secp256r1 again only for the P-256 signature scheme)
        ContentResponse r = get(sae(pki, "sae-1", List.of("x25519", "secp256r1")));
        assertEquals(200, r.getStatus());
    }

    @Test
    public void hybridOnlyServerNegotiatesX25519MLKEM768() throws Exception {
        // Ed25519 certificates so the only group either side may use is X25519MLKEM768
        // (P-256 certificates would need secp256r1 enabled for their signature scheme):
        // success proves the hybrid group was negotiated, without BC internals.
        Ed25519Pki ed = new Ed25519Pki();
        List<String> hybrid = List.of("X25519MLKEM768");
        NodeTls serverTls = BcNodeTls.of("A", ed.keyStore("A"), PW, ed.trustStore(), hybrid, List.of("TLSv1.3"));
        Server s = new Server();
        ServerConnector c = JettyTls.httpsConnector(s, serverTls, "127.0.0.1", 0);
        s.addConnector(c);
        s.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                Content.Sink.write(response, true, JettyTls.clientCommonName(request).orElse("?"), callback);
                return true;
            }
        });
        s.start();
        try {
            NodeTls pq = BcNodeTls.of("ed-sae", ed.keyStore("ed-sae"), PW, ed.trustStore(), hybrid, List.of("TLSv1.3"));
            assertEquals("ed-sae", call(pq, c.getLocalPort()));
            // control: the same client limited to a classical group is refused by this server
            NodeTls classical = BcNodeTls.of("ed-sae", ed.keyStore("ed-sae"), PW, ed.trustStore(), List.of("x25519"),
                    List.of("TLSv1.3"));
            try {
                call(classical, c.getLocalPort());
                fail("classical-only client was served by a hybrid-only server");
            } catch (ExecutionException expected) {
                // handshake_failure: no common group
            }
        } finally {
            s.stop();
        }
    }

    private static String call(NodeTls tls, int p) throws Exception {
        HttpClient client = new HttpClient();
        client.setSslContextFactory(JettyTls.clientFactory(tls));
        client.start();
        try {
            ContentResponse r = client.newRequest("https://localhost:" + p + "/").timeout(10, TimeUnit.SECONDS).send();
            return new String(r.getContent(), StandardCharsets.UTF_8);
        } finally {
            client.stop();
        }
    }

    private static void assertHandshakeFails(NodeTls clientTls) throws Exception {
        try {
            ContentResponse r = get(clientTls);
            fail("request without a trusted client certificate got HTTP " + r.getStatus());
        } catch (ExecutionException expected) {
            assertTrue(expected.getCause() != null);
        }
    }
}
