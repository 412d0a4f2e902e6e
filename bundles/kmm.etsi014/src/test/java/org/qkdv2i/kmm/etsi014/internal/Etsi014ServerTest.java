package org.qkdv2i.kmm.etsi014.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.eclipse.jetty.client.AsyncRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.util.Callback;
import org.junit.AfterClass;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.qkdv2i.kmm.api.KeyManager;
import org.qkdv2i.kmm.api.KeyManagerException;
import org.qkdv2i.tls.BcNodeTls;
import org.qkdv2i.tls.DevPki;
import org.qkdv2i.tls.JettyTls;
import org.qkdv2i.tls.NodeTls;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The ETSI GS QKD 014 server on an ephemeral port over real mutual TLS (DevPki certificates),
 * in front of {@link FakeKeyManager} (a fake: the real KMM is another bundle).
 */
public class Etsi014ServerTest {

    @ClassRule
    public static final TemporaryFolder TMP = new TemporaryFolder();

    static final char[] PW = DevPki.DEFAULT_PASSWORD.toCharArray();
    static final ObjectMapper M = new ObjectMapper();
    static final String FIXED_NOT_FOUND = "one or more keys specified are not found on KME";

    static Path pki;
    static Path foreign;
    static final AtomicReference<KeyManager> KM = new AtomicReference<>();
    static Etsi014Server server;
    static String base;
    static HttpClient master;
    static HttpClient slave;
    static HttpClient stranger;

    FakeKeyManager fake;

    @BeforeClass
    public static void startServer() throws Exception {
        pki = TMP.newFolder("pki").toPath();
        foreign = TMP.newFolder("foreign").toPath();
        DevPki.init(pki, List.of("A"), List.of(FakeKeyManager.MASTER, FakeKeyManager.SLAVE, "sae-x"), PW);
        DevPki.init(foreign, List.of(), List.of(FakeKeyManager.MASTER), PW);
        NodeTls tls = BcNodeTls.load("A", pki.resolve("node-A.p12"), PW, pki.resolve("ca.pem"), null, null);
        server = new Etsi014Server("A", tls, KM::get,
                new Etsi014Server.Settings("127.0.0.1", 0, 4096, 16, 4, 32, 30_000));
        server.start();
        base = "https://localhost:" + server.port() + "/api/v1/keys/";
        master = client(pki, FakeKeyManager.MASTER);
        slave = client(pki, FakeKeyManager.SLAVE);
        stranger = client(pki, "sae-x");
    }

    @AfterClass
    public static void stopServer() throws Exception {
        for (HttpClient c : new HttpClient[] { master, slave, stranger }) {
            if (c != null) {
                c.stop();
            }
        }
        if (server != null) {
            server.stop();
        }
    }

    @Before
    public void freshKeyManager() {
        fake = new FakeKeyManager();
        KM.set(fake);
    }

    static HttpClient client(Path dir, String sae) throws Exception {
        NodeTls tls = BcNodeTls.load(sae, dir.resolve("sae-" + sae + ".p12"), PW, pki.resolve("ca.pem"), null, null);
        HttpClient c = new HttpClient();
        c.setSslContextFactory(JettyTls.clientFactory(tls));
        c.start();
        return c;
    }

    static ContentResponse get(HttpClient c, String path) throws Exception {
        return c.newRequest(base + path).timeout(30, TimeUnit.SECONDS).send();
    }

    static ContentResponse post(HttpClient c, String path, String json) throws Exception {
        return c.POST(base + path).body(new StringRequestContent("application/json", json))
                .timeout(30, TimeUnit.SECONDS).send();
    }

    static JsonNode json(ContentResponse r) throws Exception {
        assertTrue("JSON content type: " + r.getMediaType(), String.valueOf(r.getMediaType()).contains("json"));
        return M.readTree(r.getContent());
    }

    /** A standard ETSI error: status, a message, and nothing consumed. */
    void assertError(ContentResponse r, int status, String message) throws Exception {
        assertEquals(r.getContentAsString(), status, r.getStatus());
        JsonNode body = json(r);
        assertTrue("message present: " + body, body.get("message").isTextual());
        if (message != null) {
            assertEquals(message, body.get("message").asText());
        }
        assertFalse("no stack trace", r.getContentAsString().contains("at org."));
        assertNothingConsumed();
    }

    void assertNothingConsumed() {
        assertEquals("no key consumed by a failed request", 0, fake.consumingCalls.get());
        assertEquals(100, fake.stock.get());
    }

    // ---- happy paths -------------------------------------------------------------------------

    @Test
    public void statusPerTable9() throws Exception {
        ContentResponse r = get(master, "sae-b/status");
        assertEquals(200, r.getStatus());
        JsonNode s = json(r);
        assertEquals("A", s.get("source_KME_ID").asText());
        assertEquals("B", s.get("target_KME_ID").asText());
        assertEquals("sae-a", s.get("master_SAE_ID").asText());
        assertEquals("sae-b", s.get("slave_SAE_ID").asText());
        assertEquals(256, s.get("key_size").asInt());
        assertEquals(100, s.get("stored_key_count").asInt());
        assertEquals(1000, s.get("max_key_count").asInt());
        assertEquals(10, s.get("max_key_per_request").asInt());
        assertEquals(1024, s.get("max_key_size").asInt());
        assertEquals(64, s.get("min_key_size").asInt());
        assertEquals(2, s.get("max_SAE_ID_count").asInt());
    }

    @Test
    public void getEncKeysThenDecKeysGivesTheSameBytesOnce() throws Exception {
        ContentResponse r = get(master, "sae-b/enc_keys?number=2&size=128");
        assertEquals(200, r.getStatus());
        JsonNode keys = json(r).get("keys");
        assertEquals(2, keys.size());
        assertEquals("no-store", r.getHeaders().get(HttpHeader.CACHE_CONTROL));
        String id = keys.get(0).get("key_ID").asText();
        byte[] key = Base64.getDecoder().decode(keys.get(0).get("key").asText());
        assertEquals(16, key.length);
        UUID.fromString(id);
        // the hot path leaves the limits to the KeyManager: no status() (core lock) per request
        assertEquals(0, fake.statusCalls.get());

        ContentResponse d = get(slave, "sae-a/dec_keys?key_ID=" + id);
        assertEquals(d.getContentAsString(), 200, d.getStatus());
        JsonNode dk = json(d).get("keys");
        assertEquals(1, dk.size());
        assertEquals(id, dk.get(0).get("key_ID").asText());
        assertArrayEquals(key, Base64.getDecoder().decode(dk.get(0).get("key").asText()));

        ContentResponse again = get(slave, "sae-a/dec_keys?key_ID=" + id);
        assertEquals(400, again.getStatus());
        assertEquals(FIXED_NOT_FOUND, json(again).get("message").asText());
    }

    @Test
    public void postEncKeysAndPostDecKeys() throws Exception {
        ContentResponse r = post(master, "sae-b/enc_keys",
                "{\"number\":3,\"size\":256,\"additional_slave_SAE_IDs\":[\"sae-c\"],\"extension_optional\":[{\"x\":1}]}");
        assertEquals(r.getContentAsString(), 200, r.getStatus());
        JsonNode keys = json(r).get("keys");
        assertEquals(3, keys.size());
        assertEquals(List.of("sae-c"), fake.requests.get(0).additionalSlaveSaeIds());
        assertEquals(256, fake.requests.get(0).sizeBits());
        String body = "{\"key_IDs\":[{\"key_ID\":\"" + keys.get(0).get("key_ID").asText() + "\"},{\"key_ID\":\""
                + keys.get(2).get("key_ID").asText() + "\"}]}";
        ContentResponse d = post(slave, "sae-a/dec_keys", body);
        assertEquals(d.getContentAsString(), 200, d.getStatus());
        JsonNode dk = json(d).get("keys");
        assertEquals(keys.get(0).get("key").asText(), dk.get(0).get("key").asText());
        assertEquals(keys.get(2).get("key").asText(), dk.get(1).get("key").asText());
    }

    @Test
    public void defaultsAreOneKeyOfTheDefaultSize() throws Exception {
        ContentResponse r = post(master, "sae-b/enc_keys", "{}");
        assertEquals(200, r.getStatus());
        JsonNode keys = json(r).get("keys");
        assertEquals(1, keys.size());
        assertEquals(32, Base64.getDecoder().decode(keys.get(0).get("key").asText()).length);
        ContentResponse g = get(master, "sae-b/enc_keys");
        assertEquals(200, g.getStatus());
        assertEquals(1, json(g).get("keys").size());
    }

    // ---- ETSI rule violations -----------------------------------------------------------------

    @Test
    public void sizeNotMultipleOf8() throws Exception {
        assertError(get(master, "sae-b/enc_keys?size=100"), 400, "size shall be a multiple of 8");
        assertError(post(master, "sae-b/enc_keys", "{\"size\":129}"), 400, "size shall be a multiple of 8");
    }

    @Test
    public void sizeOutOfRange() throws Exception {
        assertError(get(master, "sae-b/enc_keys?size=8"), 400,
                "size shall be between min_key_size (64) and max_key_size (1024)");
        assertError(post(master, "sae-b/enc_keys", "{\"size\":2048}"), 400,
                "size shall be between min_key_size (64) and max_key_size (1024)");
        assertError(post(master, "sae-b/enc_keys", "{\"size\":0}"), 400, null);
    }

    @Test
    public void numberOutOfRange() throws Exception {
        String msg = "number shall be between 1 and max_key_per_request (10)";
        assertError(get(master, "sae-b/enc_keys?number=0"), 400, msg);
        assertError(get(master, "sae-b/enc_keys?number=11"), 400, msg);
        assertError(post(master, "sae-b/enc_keys", "{\"number\":-1}"), 400, msg);
        assertError(get(master, "sae-b/enc_keys?number=-1"), 400, null);
        assertError(get(master, "sae-b/enc_keys?number=99999999999"), 400, null);
        assertError(get(master, "sae-b/enc_keys?number=1e3"), 400, null);
        assertError(get(master, "sae-b/enc_keys?number=+1"), 400, null);
        assertError(get(master, "sae-b/enc_keys?number=1&number=2"), 400, null);
        assertError(post(master, "sae-b/enc_keys", "{\"number\":99999999999}"), 400, null);
        assertEquals(400, rawStatus("/api/v1/keys/sae-b/enc_keys?number=%ZZ"));
        assertEquals(400, rawStatus("/api/v1/keys/sae-b/enc_keys?number=%FF%FE"));
        assertEquals(400, rawStatus("/api/v1/keys/sae-b/enc_keys?number=1&%"));
        assertNothingConsumed();
        assertError(post(master, "sae-b/enc_keys", "{\"number\":1e30}"), 400, null);
        assertError(post(master, "sae-b/enc_keys", "{\"number\":1.5}"), 400, null);
    }

    @Test
    public void replaceKeyExtensionVoidsTheKeyAndAnswersAFreshOne() throws Exception {
        ContentResponse r = post(master, "sae-b/enc_keys", "{\"size\":256}");
        assertEquals(200, r.getStatus());
        String old = json(r).get("keys").get(0).get("key_ID").asText();
        ContentResponse again = post(master, "sae-b/enc_keys",
                "{\"size\":256,\"extension_mandatory\":[{\"qkdv2i_replace_key_ID\":\"" + old + "\"}]}");
        assertEquals(again.getContentAsString(), 200, again.getStatus());
        JsonNode keys = json(again).get("keys");
        assertEquals(1, keys.size());
        String fresh = keys.get(0).get("key_ID").asText();
        assertFalse("a new key ID", fresh.equals(old));
        assertTrue("voided with who asked", fake.voided.get(UUID.fromString(old)).contains("sae-a"));
        // dec_keys of the voided ID: the standard 400 message, and why in the details
        ContentResponse d = post(slave, "sae-a/dec_keys", "{\"key_IDs\":[{\"key_ID\":\"" + old + "\"}]}");
        assertEquals(400, d.getStatus());
        JsonNode body = json(d);
        assertEquals(FIXED_NOT_FOUND, body.get("message").asText());
        assertTrue(body.toString(), body.get("details").toString().contains("voided"));
        assertFalse("no stack trace", d.getContentAsString().contains("at org."));
        ContentResponse ok = post(slave, "sae-a/dec_keys", "{\"key_IDs\":[{\"key_ID\":\"" + fresh + "\"}]}");
        assertEquals(200, ok.getStatus());
    }

    @Test
    public void replaceKeyExtensionRefusesBadValuesAndUnknownKeys() throws Exception {
        assertError(post(master, "sae-b/enc_keys", "{\"extension_mandatory\":[{\"qkdv2i_replace_key_ID\":\"x\"}]}"),
                400, "qkdv2i_replace_key_ID shall be a key_ID (UUID string)");
        assertError(post(master, "sae-b/enc_keys", "{\"extension_mandatory\":[{\"qkdv2i_replace_key_ID\":7}]}"),
                400, "qkdv2i_replace_key_ID shall be a key_ID (UUID string)");
        UUID u = UUID.randomUUID();
        assertError(post(master, "sae-b/enc_keys", "{\"extension_mandatory\":[{\"qkdv2i_replace_key_ID\":\"" + u
                + "\"},{\"qkdv2i_replace_key_ID\":\"" + u + "\"}]}"), 400,
                "qkdv2i_replace_key_ID may be given once per request");
        // known extension next to an unknown one: the standard 400 naming the unknown one
        ContentResponse r = post(master, "sae-b/enc_keys", "{\"extension_mandatory\":[{\"qkdv2i_replace_key_ID\":\""
                + u + "\",\"abc_x\":1}]}");
        assertError(r, 400, "not all extension_mandatory parameters are supported");
        assertTrue(json(r).get("details").toString().contains("abc_x"));
        // a key this KME never delivered to the pair: the standard not-found 400, nothing consumed
        assertError(post(master, "sae-b/enc_keys", "{\"extension_mandatory\":[{\"qkdv2i_replace_key_ID\":\"" + u
                + "\"}]}"), 400, FIXED_NOT_FOUND);
    }

    @Test
    public void extensionMandatoryIsRefused() throws Exception {
        assertError(post(master, "sae-b/enc_keys", "{\"number\":1,\"extension_mandatory\":[{\"abc_route_type\":\"direct\"}]}"),
                400, "not all extension_mandatory parameters are supported");
    }

    @Test
    public void unknownAndMalformedKeyIds() throws Exception {
        assertError(get(slave, "sae-a/dec_keys?key_ID=" + UUID.randomUUID()), 400, FIXED_NOT_FOUND);
        assertError(get(slave, "sae-a/dec_keys?key_ID=not-a-uuid"), 400, FIXED_NOT_FOUND);
        assertError(get(slave, "sae-a/dec_keys?key_ID=1-1-1-1-1"), 400, FIXED_NOT_FOUND);
        assertError(get(slave, "sae-a/dec_keys"), 400, "key_ID is required");
        assertError(post(slave, "sae-a/dec_keys", "{\"key_IDs\":[{\"key_ID\":\"x\"}]}"), 400, FIXED_NOT_FOUND);
        String u = UUID.randomUUID().toString();
        assertError(post(slave, "sae-a/dec_keys", "{\"key_IDs\":[{\"key_ID\":\"" + u + "\"},{\"key_ID\":\"" + u + "\"}]}"),
                400, "duplicate key_ID " + u);
        assertError(post(slave, "sae-a/dec_keys", "{\"key_IDs\":[]}"), 400, null);
        assertError(post(slave, "sae-a/dec_keys", "{\"key_IDs\":[\"" + u + "\"]}"), 400, null);
        assertError(post(slave, "sae-a/dec_keys", "{\"key_IDs\":[{\"key_ID\":7}]}"), 400, null);
        StringBuilder many = new StringBuilder("{\"key_IDs\":[");
        for (int i = 0; i < 17; i++) {
            many.append(i > 0 ? "," : "").append("{\"key_ID\":\"").append(UUID.randomUUID()).append("\"}");
        }
        assertError(post(slave, "sae-a/dec_keys", many + "]}"), 400, "too many key_IDs: at most 16");
    }

    @Test
    public void partlyUnknownKeyIdsConsumeNothing() throws Exception {
        JsonNode keys = json(get(master, "sae-b/enc_keys?number=1")).get("keys");
        String known = keys.get(0).get("key_ID").asText();
        int callsBefore = fake.consumingCalls.get();
        ContentResponse r = post(slave, "sae-a/dec_keys", "{\"key_IDs\":[{\"key_ID\":\"" + known + "\"},{\"key_ID\":\""
                + UUID.randomUUID() + "\"}]}");
        assertEquals(400, r.getStatus());
        assertEquals(FIXED_NOT_FOUND, json(r).get("message").asText());
        assertEquals(callsBefore, fake.consumingCalls.get());
        assertEquals(200, get(slave, "sae-a/dec_keys?key_ID=" + known).getStatus());
    }

    // ---- malformed input ---------------------------------------------------------------------

    @Test
    public void malformedJsonAndWrongTypes() throws Exception {
        for (String body : List.of("{", "{\"number\":}", "not json", "[1,2]", "42", "\"x\"", "{\"number\":1} trailing",
                "{\"number\":1,\"number\":2}", "{\"number\":\"5\"}", "{\"size\":true}", "{\"number\":null,\"size\":[]}",
                "{\"additional_slave_SAE_IDs\":\"sae-c\"}", "{\"additional_slave_SAE_IDs\":[1]}",
                "{\"additional_slave_SAE_IDs\":[\"a\",\"b\",\"c\"]}", "{\"extension_mandatory\":{}}",
                "{\"extension_optional\":[1]}", "{\"number\":NaN}", "{/*c*/\"number\":1}", "\u0000\u0001",
                "[".repeat(2000) + "]".repeat(2000), "{\"number\":" + "9".repeat(2000) + "}")) {
            ContentResponse r = post(master, "sae-b/enc_keys", body);
            assertError(r, 400, null);
        }
        assertError(post(slave, "sae-a/dec_keys", "{\"key_IDs\":{}}"), 400, null);
        assertError(post(slave, "sae-a/dec_keys", "{\"key_IDs\":[{\"key_ID\":\"a\"}],\"key_IDs\":[]}"), 400, null);
    }

    @Test
    public void oddCharactersAndOverlongIdsInPath() throws Exception {
        assertError(get(master, "%3Cscript%3E/status"), 400, "invalid SAE ID in path");
        assertError(get(master, "a%20b/enc_keys"), 400, "invalid SAE ID in path");
        assertError(get(master, "%C3%A9t%C3%A9/enc_keys"), 400, "invalid SAE ID in path");
        assertError(get(master, "x".repeat(129) + "/status"), 400, "invalid SAE ID in path");
        for (String p : List.of("a%2Fb/status", "%00/status", "..%2F..%2Fetc/status", "a%25/status")) {
            ContentResponse r;
            try {
                // Jetty answers a request it cannot parse (e.g. %00) with 400 and drops the connection
                // as HTTP/1.0 would: ask for a fresh connection so the next request does not race that close
                r = master.newRequest(base + p).headers(h -> h.put(HttpHeader.CONNECTION, "close"))
                        .timeout(30, TimeUnit.SECONDS).send();
            } catch (ExecutionException e) {
                throw new AssertionError(p + ": " + e.getCause(), e);
            }
            assertTrue(p + " -> " + r.getStatus(), r.getStatus() == 400 || r.getStatus() == 404);
            assertError(r, r.getStatus(), null);
        }
    }

    @Test
    public void unknownPathsAndWrongMethods() throws Exception {
        for (String p : List.of("sae-b/other", "sae-b", "sae-b/status/x", "")) {
            assertError(get(master, p), 404, null);
        }
        ContentResponse root = master.newRequest("https://localhost:" + server.port() + "/").timeout(30, TimeUnit.SECONDS).send();
        assertError(root, 404, null);
        ContentResponse r = master.newRequest(base + "sae-b/status").method("POST").timeout(30, TimeUnit.SECONDS).send();
        assertError(r, 405, null);
        assertEquals("GET", r.getHeaders().get(HttpHeader.ALLOW));
        for (String m : List.of("PUT", "DELETE", "PATCH")) {
            ContentResponse x = master.newRequest(base + "sae-b/enc_keys").method(m).timeout(30, TimeUnit.SECONDS).send();
            assertError(x, 405, null);
        }
    }

    @Test
    public void oversizedBodies() throws Exception {
        String big = "{\"number\":1,\"pad\":\"" + "x".repeat(5000) + "\"}";
        assertError(post(master, "sae-b/enc_keys", big), 413, null);
        // without Content-Length (chunked): still cut off at the limit
        AsyncRequestContent chunked = new AsyncRequestContent();
        chunked.write(bytes(big), Callback.NOOP);
        chunked.close();
        Request req = master.POST(base + "sae-b/enc_keys").body(chunked).timeout(30, TimeUnit.SECONDS);
        assertError(req.send(), 413, null);
    }

    // ---- authorisation, availability, KeyManager reasons ---------------------------------------

    @Test
    public void unknownPairIs401WithoutBody() throws Exception {
        ContentResponse r = get(stranger, "sae-b/enc_keys?number=1");
        assertEquals(401, r.getStatus());
        assertEquals(0, r.getContent().length);
        assertEquals(401, get(stranger, "sae-b/status").getStatus());
        assertEquals(401, get(stranger, "sae-a/dec_keys?key_ID=" + UUID.randomUUID()).getStatus());
        assertNothingConsumed();
    }

    @Test
    public void keyManagerReasonsMapToEtsiCodes() throws Exception {
        fake.failNext = new KeyManagerException(KeyManagerException.Reason.BAD_REQUEST, "QoS says no");
        assertError(get(master, "sae-b/enc_keys"), 400, "QoS says no");
        fake.failNext = new KeyManagerException(KeyManagerException.Reason.KEYS_NOT_FOUND, "internal detail");
        assertError(get(master, "sae-b/enc_keys"), 400, FIXED_NOT_FOUND);
        fake.failNext = new KeyManagerException(KeyManagerException.Reason.UNAVAILABLE, "peer KMM unreachable");
        assertError(get(master, "sae-b/enc_keys"), 503, "peer KMM unreachable");
        fake.failNext = new KeyManagerException(KeyManagerException.Reason.UNAUTHORIZED, "no");
        ContentResponse r = get(master, "sae-b/enc_keys");
        assertEquals(401, r.getStatus());
        assertEquals(0, r.getContent().length);
    }

    @Test
    public void notEnoughKeyIs503() throws Exception {
        fake.stock.set(2);
        ContentResponse r = get(master, "sae-b/enc_keys?number=3");
        assertEquals(503, r.getStatus());
        assertTrue(json(r).get("message").asText().contains("not enough key"));
        assertEquals(0, fake.consumingCalls.get());
    }

    @Test
    public void missingKeyManagerIs503AndServerKeepsRunning() throws Exception {
        int port = server.port();
        KM.set(null);
        ContentResponse r = get(master, "sae-b/enc_keys");
        assertEquals(503, r.getStatus());
        assertNotNull(json(r).get("message"));
        KM.set(fake);
        assertEquals(200, get(master, "sae-b/enc_keys").getStatus());
        assertEquals(port, server.port());
    }

    // ---- TLS ---------------------------------------------------------------------------------

    @Test
    public void clientWithoutCertificateOrFromForeignCaIsRejectedByTls() throws Exception {
        java.security.KeyStore empty = java.security.KeyStore.getInstance("PKCS12");
        empty.load(null, null);
        NodeTls anon = BcNodeTls.of("anon", empty, PW, BcNodeTls.readTrustStore(pki.resolve("ca.pem")), null, null);
        NodeTls mallory = BcNodeTls.load("m", foreign.resolve("sae-sae-a.p12"), PW, pki.resolve("ca.pem"), null, null);
        // a certificate from our own CA that has expired
        DevPki.init(pki, List.of(), List.of("sae-old"), PW, java.time.Duration.ofSeconds(1));
        java.security.cert.X509Certificate old;
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(pki.resolve("sae-sae-old.pem"))) {
            old = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(in);
        }
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() <= old.getNotAfter().getTime() + 10 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20); // waiting for the clock to pass notAfter, not for another thread
        }
        NodeTls expired = BcNodeTls.load("old", pki.resolve("sae-sae-old.p12"), PW, pki.resolve("ca.pem"), null, null);
        for (NodeTls t : List.of(anon, mallory, expired)) {
            HttpClient c = new HttpClient();
            c.setSslContextFactory(JettyTls.clientFactory(t));
            c.start();
            try {
                ContentResponse r = c.newRequest(base + "sae-b/status").timeout(30, TimeUnit.SECONDS).send();
                fail("served without a trusted client certificate: " + r.getStatus());
            } catch (ExecutionException expected) {
                // handshake refused
            } finally {
                c.stop();
            }
        }
        assertNothingConsumed();
    }

    /** Sends a request line the HTTP client would refuse to build, over a raw mutual-TLS socket as the master SAE. */
    static int rawStatus(String target) throws Exception {
        NodeTls tls = BcNodeTls.load("raw", pki.resolve("sae-" + FakeKeyManager.MASTER + ".p12"), PW,
                pki.resolve("ca.pem"), null, null);
        try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) tls.sslContext().getSocketFactory()
                .createSocket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(response, response.startsWith("HTTP/1.1 "));
            assertTrue("JSON error body: " + response, response.contains("{\"message\":"));
            return Integer.parseInt(response.substring(9, 12));
        }
    }

    static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }
}
