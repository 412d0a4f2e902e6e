package org.qkdv2i.kmm.etsi004.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.StringRequestContent;
import org.junit.After;
import org.junit.AfterClass;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.qkdv2i.kmm.internal.core.Directory;
import org.qkdv2i.kmm.internal.core.KmmCore;
import org.qkdv2i.kmm.internal.core.KmmSettings;
import org.qkdv2i.kmm.internal.core.PeerTransport.PeerException;
import org.qkdv2i.kmm.internal.core.Qos;
import org.qkdv2i.kmm.internal.peer.HttpsPeerTransport;
import org.qkdv2i.kmm.internal.peer.PeerServer;
import org.qkdv2i.kmm.internal.stream.StreamCore;
import org.qkdv2i.qkd.api.KeyBlock;
import org.qkdv2i.qkd.api.LinkEnd;
import org.qkdv2i.qkd.api.LinkState;
import org.qkdv2i.qkd.api.LinkStatus;
import org.qkdv2i.qkd.api.QkdRole;
import org.qkdv2i.tls.BcNodeTls;
import org.qkdv2i.tls.DevPki;
import org.qkdv2i.tls.JettyTls;
import org.qkdv2i.tls.NodeTls;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Two real KMM nodes A and B (cores, HTTPS peer channel with mutual TLS, key streams) each with its ETSI GS
 * QKD 004 server; SAE sa at A, sb at B, sx (a stranger to the streams) at A; all calls over real HTTPS with
 * dev PKI certificates.
 */
public class TwoNodeStreamsTest {

    @ClassRule
    public static final TemporaryFolder PKI = new TemporaryFolder();
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    static final char[] PW = DevPki.DEFAULT_PASSWORD.toCharArray();
    static final ObjectMapper M = new ObjectMapper();
    static final String LINK = "L-AB";

    static Path pki;
    static NodeTls tlsA;
    static NodeTls tlsB;
    static HttpClient sa;
    static HttpClient sb;
    static HttpClient sx;

    /** One node: core, peer endpoint and client, key streams, ETSI 004 server. */
    static final class Node implements AutoCloseable {
        KmmCore core;
        PeerServer peer;
        HttpsPeerTransport client;
        StreamCore streams;
        Etsi004Server server;

        String url(String op) {
            return "https://localhost:" + server.port() + Etsi004Handler.PREFIX + op;
        }

        @Override
        public void close() {
            if (server != null) {
                server.stop();
            }
            if (streams != null) {
                streams.close();
            }
            if (client != null) {
                client.close();
            }
            if (peer != null) {
                peer.close();
            }
            if (core != null) {
                core.close();
            }
        }
    }

    Node a;
    Node b;

    @BeforeClass
    public static void pki() throws Exception {
        pki = PKI.newFolder("pki").toPath();
        DevPki.init(pki, List.of("A", "B"), List.of("sa", "sb", "sx"), PW);
        tlsA = BcNodeTls.load("A", pki.resolve("node-A.p12"), PW, pki.resolve("ca.pem"), null, null);
        tlsB = BcNodeTls.load("B", pki.resolve("node-B.p12"), PW, pki.resolve("ca.pem"), null, null);
        sa = client("sa");
        sb = client("sb");
        sx = client("sx");
    }

    @AfterClass
    public static void stopClients() throws Exception {
        for (HttpClient c : new HttpClient[] { sa, sb, sx }) {
            if (c != null) {
                c.stop();
            }
        }
    }

    static HttpClient client(String sae) throws Exception {
        NodeTls tls = BcNodeTls.load(sae, pki.resolve("sae-" + sae + ".p12"), PW, pki.resolve("ca.pem"), null, null);
        HttpClient c = new HttpClient();
        c.setSslContextFactory(JettyTls.clientFactory(tls));
        c.start();
        return c;
    }

    @Before
    public void nodes() throws Exception {
        Directory dir = new Directory() {
            @Override
            public Map<String, String> saes() {
                return Map.of("sa", "A", "sb", "B", "sx", "A");
            }

            @Override
            public Optional<Qos> qos(String m, String s) {
                return Optional.empty();
            }
        };
        a = node("A", tlsA, dir);
        b = node("B", tlsB, dir);
        Map<String, String> toB = Map.of("B", "https://127.0.0.1:" + b.peer.port());
        Map<String, String> toA = Map.of("A", "https://127.0.0.1:" + a.peer.port());
        a.client = new HttpsPeerTransport(tlsA, () -> toB);
        b.client = new HttpsPeerTransport(tlsB, () -> toA);
        a.core.setTransport(a.client);
        b.core.setTransport(b.client);
        byte[] block = new byte[32 * 256];
        new SecureRandom().nextBytes(block);
        UUID id = UUID.randomUUID();
        a.core.keyBlock(new LinkEnd(LINK, "A", "B", QkdRole.TRANSMITTER), new KeyBlock(id, block, Instant.now(), 0, 0));
        b.core.keyBlock(new LinkEnd(LINK, "B", "A", QkdRole.RECEIVER), new KeyBlock(id, block, Instant.now(), 0, 0));
    }

    private Node node(String id, NodeTls tls, Directory dir) throws Exception {
        Node n = new Node();
        byte[] kek = new byte[32];
        new SecureRandom().nextBytes(kek);
        n.core = new KmmCore(KmmSettings.defaults(id).withPeer(15_000, 0), tmp.newFolder(id).toPath(), kek, dir,
                Clock.systemUTC(), new SecureRandom(), e -> { });
        n.streams = new StreamCore(n.core, () -> n.client, () -> 15_000, Clock.systemUTC());
        n.peer = new PeerServer(tls, "127.0.0.1", 0, () -> Set.of(id.equals("A") ? "B" : "A"),
                PeerServer.Endpoint.withStreams(PeerServer.Endpoint.of(n.core, (c, l, m) -> {
                    throw new PeerException("no drivers here", true);
                }), n.streams::fromPeer));
        n.peer.start();
        n.server = new Etsi004Server(id, tls, () -> n.streams,
                new Etsi004Server.Settings("127.0.0.1", 0, 16384, 4, 32, 30_000));
        n.server.start();
        return n;
    }

    @After
    public void stop() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    static ContentResponse post(HttpClient c, String url, String json) throws Exception {
        return c.POST(url).body(new StringRequestContent("application/json", json)).timeout(30, TimeUnit.SECONDS)
                .send();
    }

    static JsonNode ok(ContentResponse r) throws Exception {
        assertEquals(r.getContentAsString(), 200, r.getStatus());
        assertTrue(String.valueOf(r.getMediaType()).contains("json"));
        return M.readTree(r.getContent());
    }

    static void error(ContentResponse r, int status, String messagePart) throws Exception {
        assertEquals(r.getContentAsString(), status, r.getStatus());
        JsonNode body = M.readTree(r.getContent());
        assertTrue("message: " + body, body.get("message").isTextual());
        assertTrue(body.get("message").asText() + " should contain " + messagePart,
                body.get("message").asText().contains(messagePart));
        assertFalse("no stack trace", r.getContentAsString().contains("at org."));
    }

    static String open(String source, String destination, String qos, String ksid) {
        return "{\"source\":\"sae:" + source + "\",\"destination\":\"sae:" + destination + "\",\"qos\":" + qos
                + (ksid == null ? "" : ",\"key_stream_id\":\"" + ksid + "\"") + "}";
    }

    static final String QOS = "{\"key_chunk_size\":32,\"max_bps\":0,\"min_bps\":0,\"jitter\":10,\"priority\":1,"
            + "\"timeout\":500,\"ttl\":0,\"metadata_mimetype\":\"application/json\"}";

    private String openAB(String qos) throws Exception {
        JsonNode o = ok(post(sa, a.url("open_connect"), open("sa", "sb", qos, null)));
        assertEquals(1, o.get("status").asInt());
        String ksid = o.get("key_stream_id").asText();
        JsonNode j = ok(post(sb, b.url("open_connect"), open("sa", "sb", qos, ksid)));
        assertEquals(0, j.get("status").asInt());
        assertEquals(ksid, j.get("key_stream_id").asText());
        return ksid;
    }

    private static String getKey(String ksid, Long index, int metadataSize) {
        return "{\"key_stream_id\":\"" + ksid + "\"" + (index == null ? "" : ",\"index\":" + index)
                + ",\"metadata_size\":" + metadataSize + "}";
    }

    @Test
    public void bothEndsGetTheSameKeyAtTheSameIndex() throws Exception {
        JsonNode o = ok(post(sa, a.url("open_connect"), open("sa", "sb", QOS, null)));
        assertEquals(1, o.get("status").asInt()); // opened; the peer application has not yet
        String ksid = o.get("key_stream_id").asText();
        assertEquals(32, o.get("qos").get("key_chunk_size").asInt());
        assertEquals(1, o.get("qos").get("priority").asInt());
        // GET_KEY before the destination opened: status 3
        assertEquals(3, ok(post(sa, a.url("get_key"), getKey(ksid, null, 0))).get("status").asInt());
        assertEquals(0, ok(post(sb, b.url("open_connect"), open("sa", "sb", QOS, ksid))).get("status").asInt());

        JsonNode a0 = ok(post(sa, a.url("get_key"), getKey(ksid, null, 256)));
        JsonNode b0 = ok(post(sb, b.url("get_key"), getKey(ksid, 0L, 256)));
        JsonNode b1 = ok(post(sb, b.url("get_key"), getKey(ksid, null, 0))); // the destination first
        JsonNode a1 = ok(post(sa, a.url("get_key"), getKey(ksid, 1L, 0)));
        for (JsonNode r : List.of(a0, b0, a1, b1)) {
            assertEquals(r.toString(), 0, r.get("status").asInt());
            assertEquals(32, java.util.Base64.getDecoder().decode(r.get("key_buffer").asText()).length);
        }
        assertEquals(0, a0.get("index").asLong());
        assertEquals(0, b0.get("index").asLong());
        assertEquals(1, a1.get("index").asLong());
        assertEquals(1, b1.get("index").asLong());
        assertEquals(a0.get("key_buffer"), b0.get("key_buffer"));
        assertEquals(a1.get("key_buffer"), b1.get("key_buffer"));
        assertNotEquals(a0.get("key_buffer"), a1.get("key_buffer"));
        JsonNode md = M.readTree(a0.get("metadata").get("buffer").asText());
        assertEquals(ksid, md.get("key_stream_id").asText());
        assertEquals(a0.get("metadata"), b0.get("metadata"));
        assertEquals(0, a1.get("metadata").get("size").asInt());
        // once per end; an SAE that is no end of the stream
        error(post(sa, a.url("get_key"), getKey(ksid, 0L, 0)), 400, "already delivered to sa");
        error(post(sx, a.url("get_key"), getKey(ksid, null, 0)), 401, "not an end of key stream");
        // metadata too small: status 8 and the size needed; the key stays
        JsonNode small = ok(post(sa, a.url("get_key"), getKey(ksid, null, 8)));
        assertEquals(8, small.get("status").asInt());
        assertTrue(small.get("metadata").get("size").asInt() > 8);
        assertEquals(0, ok(post(sa, a.url("get_key"), getKey(ksid, 2L, 512))).get("status").asInt());
    }

    @Test
    public void ksidInUseAndQosNotMetWithACounterProposal() throws Exception {
        String ksid = openAB(QOS);
        assertEquals(5, ok(post(sa, a.url("open_connect"), open("sa", "sb", QOS, ksid))).get("status").asInt());
        assertEquals(5, ok(post(sb, b.url("open_connect"), open("sa", "sb", QOS, ksid))).get("status").asInt());
        LinkStatus st = new LinkStatus(LinkState.UP, 0.01, 20_000, 200_000, 10, "", Instant.now());
        a.core.linkStatus(LINK, st);
        String want = QOS.replace("\"min_bps\":0", "\"min_bps\":15000").replace("\"max_bps\":0", "\"max_bps\":20000");
        JsonNode no = ok(post(sa, a.url("open_connect"), open("sa", "sb", want, null)));
        assertEquals(7, no.get("status").asInt());
        assertFalse(no.has("key_stream_id"));
        assertEquals(10_000, no.get("qos").get("min_bps").asLong()); // half of the link's 20 kbit/s
        assertEquals(20_000, no.get("qos").get("max_bps").asLong());
        JsonNode yes = ok(post(sa, a.url("open_connect"), open("sa", "sb", M.writeValueAsString(no.get("qos")), null)));
        assertEquals(1, yes.get("status").asInt());
    }

    @Test
    public void closeEndsTheStreamAtBothEnds() throws Exception {
        String ksid = openAB(QOS);
        assertEquals(0, ok(post(sb, b.url("get_key"), getKey(ksid, null, 0))).get("status").asInt());
        error(post(sx, a.url("close"), "{\"key_stream_id\":\"" + ksid + "\"}"), 401, "not an end");
        assertEquals(0, ok(post(sb, b.url("close"), "{\"key_stream_id\":\"" + ksid + "\"}")).get("status").asInt());
        error(post(sa, a.url("get_key"), getKey(ksid, null, 0)), 400, "closed by its destination sb");
        error(post(sb, b.url("get_key"), getKey(ksid, null, 0)), 400, "closed by its destination sb");
        assertEquals(0, a.streams.openStreams());
    }

    @Test
    public void ttlEndsTheStream() throws Exception {
        openAB(QOS); // opens the TLS connections, so that the stream below is joined well within its ttl
        // 5 s, not less: both OPEN_CONNECTs and the first GET_KEY must fit in it on a loaded CI runner
        String ksid = openAB(QOS.replace("\"ttl\":0", "\"ttl\":5"));
        assertEquals(0, ok(post(sa, a.url("get_key"), getKey(ksid, null, 0))).get("status").asInt());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) { // polls until the TTL passed (the wall clock runs here)
            ContentResponse r = post(sb, b.url("get_key"), getKey(ksid, null, 0));
            if (r.getStatus() == 400) {
                error(r, 400, "ttl of 5 s");
                break;
            }
            assertEquals(0, ok(r).get("status").asInt());
            if (System.nanoTime() > deadline) {
                fail("the stream outlived its ttl");
            }
            Thread.sleep(200); // polling interval, not synchronisation (each poll takes a key of the 256-key pool)
        }
        error(post(sa, a.url("get_key"), getKey(ksid, null, 0)), 400, "ttl of 5 s");
    }

    @Test
    public void peerKmmUnreachableAndNoConnection() throws Exception {
        String ksid = openAB(QOS);
        a.peer.close(); // B can no longer reach A's KMM
        JsonNode r = ok(post(sb, b.url("get_key"), getKey(ksid, null, 0)));
        assertEquals(4, r.get("status").asInt());
        b.peer.close();
        assertEquals(4, ok(post(sa, a.url("open_connect"), open("sa", "sb", QOS, null))).get("status").asInt());
    }

    @Test
    public void badInputGetsAClearJsonError() throws Exception {
        error(post(sa, a.url("open_connect"), "{not json"), 400, "not valid JSON");
        error(post(sa, a.url("open_connect"), ""), 400, "body is empty");
        error(post(sa, a.url("open_connect"), "[1]"), 400, "must be a JSON object");
        error(post(sa, a.url("open_connect"), open("sa", "sb", "{\"max_bps\":1}", null)), 400,
                "qos.key_chunk_size is required");
        error(post(sa, a.url("open_connect"), open("sa", "sb", "{\"key_chunk_size\":-1}", null)), 400,
                "key_chunk_size must be an integer");
        error(post(sa, a.url("open_connect"), open("sa", "sb", "{\"key_chunk_size\":32,\"colour\":1}", null)), 400,
                "unknown field colour");
        error(post(sa, a.url("open_connect"),
                "{\"source\":\"https://x\",\"destination\":\"sae:sb\",\"qos\":" + QOS + "}"), 400, "SAE URI");
        error(post(sa, a.url("open_connect"), open("sa", "nobody", QOS, null)), 400, "SAE nobody is not known");
        error(post(sa, a.url("open_connect"), open("sa", "sb", QOS, "not-a-uuid")), 400, "must be a UUID");
        error(post(sx, a.url("open_connect"), open("sa", "sb", QOS, null)), 401, "neither the source");
        error(post(sb, b.url("open_connect"), open("sa", "sb", QOS, UUID.randomUUID().toString())), 400,
                "is not known at node B");
        error(post(sa, a.url("get_key"), getKey(UUID.randomUUID().toString(), null, 0)), 400, "is not open at node A");
        error(post(sa, a.url("get_key"), "{\"key_stream_id\":\"" + UUID.randomUUID() + "\",\"index\":-3}"), 400,
                "index must be an integer");
        error(post(sa, a.url("nothing"), "{}"), 404, "unknown path");
        ContentResponse get = sa.newRequest(a.url("get_key")).timeout(30, TimeUnit.SECONDS).send();
        error(get, 405, "use POST");
        error(post(sa, a.url("close"), "{\"key_stream_id\":\"" + "x".repeat(20000) + "\"}"), 413, "larger than");
    }
}
