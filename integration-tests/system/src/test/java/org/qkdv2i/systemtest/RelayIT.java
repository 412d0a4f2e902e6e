package org.qkdv2i.systemtest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.qkdv2i.harness.EtsiClient;
import org.qkdv2i.harness.NodeProcess;
import org.qkdv2i.harness.TestNetwork;
import org.qkdv2i.tls.DevPki;

/**
 * Key relay through a trusted node: A, B, C in a daisy chain (links A-B and B-C, test driver),
 * each a JVM process; no SDN agent, so the virtual link A…C is configured at every node
 * ({@code org.qkdv2i.kmm.VirtualLink}). SAE-A at A gets keys for SAE-C at C by ETSI 014
 * enc_keys; they travel A→B→C over the nodes' mutual-TLS peer endpoints (ETSI GS QKD 020
 * ext_keys), and SAE-C gets the same bytes by dec_keys at C.
 */
public class RelayIT {

    private static final String SAE_A = "SAE-A";
    private static final String SAE_C = "SAE-C";
    private static final String VLINK = "V-AC";
    private static final ObjectMapper JSON = new ObjectMapper();

    private TestNetwork net;

    @Before
    public void startNodes() throws Exception {
        net = TestNetwork.fromSystemProperties("relay").node("A").node("B").node("C").sae(SAE_A, "A").sae(SAE_C, "C")
                .link("A", "B").link("B", "C").keySupply(8192, 50);
        virtualLink("A", null, "B");
        virtualLink("B", "A", "C");
        virtualLink("C", "B", null);
        net.start();
    }

    /** This node's view of the virtual link A…C, as an integrator without a controller writes it. */
    private void virtualLink(String node, String prev, String next) throws Exception {
        net.get(node).config("org.qkdv2i.kmm.VirtualLink", VLINK, NodeProcess.props("nodeId", node, "linkId", VLINK,
                "firstEnd", "A", "lastEnd", "C", "prevHop", prev == null ? "" : prev, "nextHop",
                next == null ? "" : next));
    }

    @After
    public void stopNodes() throws Exception {
        if (net != null) {
            net.close();
        }
    }

    @Test
    public void keysFromAReachCThroughBWithTheSameBytes() throws Exception {
        EtsiClient saeA = net.client(SAE_A);
        EtsiClient saeC = net.client(SAE_C);
        // both links need stored keys the far end has ingested: retry while the pools fill (503), and
        // until the node has read its virtual link configuration (400 no route)
        EtsiClient.Response enc = null;
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            try {
                enc = saeA.encKeys(SAE_C, 3, 256);
            } catch (java.io.IOException slowMachine) {
                continue; // three node JVMs starting on two shared cores: a connect may time out, try again
            }
            boolean routeNotYetRead = enc.status() == 400 && enc.body().get("message").asText().startsWith("no route");
            if (enc.status() != 503 && !routeNotYetRead) {
                break;
            }
            TimeUnit.MILLISECONDS.sleep(200); // polling interval while the pools fill
        }
        assertEquals(body(enc) + "\nA:\n" + net.get("A").tail() + "\nB:\n" + net.get("B").tail(), 200, enc.status());
        assertEquals(3, enc.keys().size());
        List<String> ids = enc.keys().stream().map(EtsiClient.Key::id).toList();

        EtsiClient.Response dec = saeC.decKeys(SAE_A, ids);
        assertEquals(body(dec), 200, dec.status());
        assertEquals(enc.keys(), dec.keys());
        EtsiClient.Response again = saeC.decKeys(SAE_A, ids.subList(0, 1));
        assertEquals("served once", 400, again.status());

        // the middle node never holds the keys: it has nothing of them in its log either
        String logB = Files.readString(net.get("B").log());
        for (EtsiClient.Key k : enc.keys()) {
            assertFalse("key bytes in B's log", logB.contains(k.base64()));
        }
    }

    @Test
    public void thePeerEndpointsAnswerVersionsAndRefuseBadRelayInputWithJson() throws Exception {
        int peerPortA = net.get("A").peerPort;
        char[] password = DevPki.DEFAULT_PASSWORD.toCharArray();
        HttpClient asB = EtsiClient.httpClient(net.pki().resolve("node-B.p12"), password, net.pki().resolve("ca.pem"));
        HttpClient asC = EtsiClient.httpClient(net.pki().resolve("node-C.p12"), password, net.pki().resolve("ca.pem"));
        String base = "https://localhost:" + peerPortA;

        HttpResponse<String> versions = awaitUp(asB, base + "/kmapi/versions");
        assertEquals(versions.body(), 200, versions.statusCode());
        assertEquals("v1", JSON.readTree(versions.body()).get("versions").get(0).get("version").asText());

        // a node that is not A's peer
        HttpResponse<String> stranger = post(asC, base + "/kmapi/v1/ext_keys", "{}");
        assertEquals(403, stranger.statusCode());
        assertTrue(stranger.body(), JSON.readTree(stranger.body()).get("message").asText().contains("not a configured peer"));

        // a peer with bad bodies: 400 with a JSON message, never a stack trace
        for (String bad : List.of("{not json", "{}", "{\"keys\":[{\"key_id\":\"x\"}]}",
                "{\"keys\":[],\"initiator_sae_id\":\"SAE-C\"}")) {
            HttpResponse<String> r = post(asB, base + "/kmapi/v1/ext_keys", bad);
            assertEquals(bad + " -> " + r.body(), 400, r.statusCode());
            JsonNode msg = JSON.readTree(r.body()).get("message");
            assertTrue(r.body(), msg != null && !msg.asText().isBlank() && !r.body().contains("Exception"));
        }
        HttpResponse<String> badVoid = post(asB, base + "/kmapi/v1/ext_keys/void", "{\"key_ids\":[]}");
        assertEquals(badVoid.body(), 400, badVoid.statusCode());
        HttpResponse<String> badAck = post(asB, base + "/kmapi/v1/ext_keys/ack",
                "{\"key_ids\":[\"6f1c2a34-0000-4000-8000-000000000001\"],\"ack_status\":\"maybe\"}");
        assertEquals(badAck.body(), 400, badAck.statusCode());
    }

    private static HttpResponse<String> awaitUp(HttpClient client, String url) throws Exception {
        Instant deadline = Instant.now().plusSeconds(30);
        while (true) {
            try {
                return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (java.io.IOException notYet) {
                if (Instant.now().isAfter(deadline)) {
                    throw notYet;
                }
                TimeUnit.MILLISECONDS.sleep(200); // the peer endpoint starts once the node's TLS identity is up
            }
        }
    }

    private static HttpResponse<String> post(HttpClient client, String url, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String body(EtsiClient.Response r) {
        return r == null ? "no response" : "HTTP " + r.status() + " " + r.body();
    }
}
