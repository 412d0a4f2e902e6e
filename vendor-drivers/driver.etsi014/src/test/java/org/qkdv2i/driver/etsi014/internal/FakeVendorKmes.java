package org.qkdv2i.driver.etsi014.internal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.qkdv2i.tls.BcNodeTls;
import org.qkdv2i.tls.JettyTls;
import org.qkdv2i.tls.NodeTls;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A small vendor QKD system for tests: two KMEs (A and B, each its own Jetty server over real
 * mutual TLS) sharing one key store, as a vendor's pair of boxes would after their own QKD.
 * KME A serves {@code status} and {@code enc_keys} to the master SAE; KME B serves
 * {@code dec_keys} to the slave SAE for keys the master took. The SAE is the client
 * certificate's CN (ETSI GS QKD 014 §5: the KME authenticates the SAE).
 */
final class FakeVendorKmes implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    final String masterSae;
    final String slaveSae;
    private final Server serverA;
    private final Server serverB;
    final int portA;
    final int portB;
    private final SecureRandom random = new SecureRandom();

    /** Keys not handed out yet (stock); key IDs handed to the master, waiting for the slave. */
    private int stock;
    private final Map<String, byte[]> issued = new LinkedHashMap<>();
    /** Every key the master got, for checking the bytes the driver emitted (ID → bytes). */
    final Map<String, byte[]> handedToMaster = new LinkedHashMap<>();
    /** 503 for the next n enc_keys calls even with stock. */
    final AtomicInteger refuseEnc = new AtomicInteger();
    /** dec_keys leaves out this many keys of the answer (a broken vendor KME). */
    final AtomicInteger dropOnDec = new AtomicInteger();
    /** Maps each key ID the KME issues (e.g. to make non-UUID IDs). */
    volatile Function<UUID, String> idFormat = UUID::toString;
    final AtomicInteger encCalls = new AtomicInteger();
    final AtomicInteger decCalls = new AtomicInteger();
    final int maxKeyPerRequest = 128;

    FakeVendorKmes(Path pki, char[] password, String masterSae, String slaveSae) throws Exception {
        this.masterSae = masterSae;
        this.slaveSae = slaveSae;
        serverA = server(BcNodeTls.load("kme-a", pki.resolve("node-kme-a.p12"), password, pki.resolve("ca.pem"),
                null, null), true);
        serverB = server(BcNodeTls.load("kme-b", pki.resolve("node-kme-b.p12"), password, pki.resolve("ca.pem"),
                null, null), false);
        portA = ((ServerConnector) serverA.getConnectors()[0]).getLocalPort();
        portB = ((ServerConnector) serverB.getConnectors()[0]).getLocalPort();
    }

    String urlA() {
        return "https://localhost:" + portA;
    }

    String urlB() {
        return "https://localhost:" + portB;
    }

    synchronized void addStock(int n) {
        stock += n;
    }

    synchronized int stock() {
        return stock;
    }

    synchronized int issuedWaiting() {
        return issued.size();
    }

    synchronized byte[] handedToMaster(String id) {
        return handedToMaster.get(id);
    }

    private Server server(NodeTls tls, boolean master) throws Exception {
        Server s = new Server();
        ServerConnector c = JettyTls.httpsConnector(s, tls, "127.0.0.1", 0);
        s.addConnector(c);
        s.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                String cn = JettyTls.clientCommonName(request).orElse("");
                String path = request.getHttpURI().getPath();
                String body = Content.Source.asString(request, StandardCharsets.UTF_8);
                Answer a = master ? kmeA(cn, path, body) : kmeB(cn, path, body);
                response.setStatus(a.status);
                if (a.json != null) {
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                    Content.Sink.write(response, true, JSON.writeValueAsString(a.json), callback);
                } else {
                    callback.succeeded();
                }
                return true;
            }
        });
        s.start();
        return s;
    }

    private record Answer(int status, JsonNode json) {
    }

    private static Answer error(int status, String message) {
        return new Answer(status, JSON.createObjectNode().put("message", message));
    }

    private synchronized Answer kmeA(String cn, String path, String body) throws Exception {
        String prefix = "/api/v1/keys/" + slaveSae + "/";
        if (!cn.equals(masterSae) || !path.startsWith(prefix)) {
            return new Answer(401, null);
        }
        String call = path.substring(prefix.length());
        if (call.equals("status")) {
            ObjectNode s = JSON.createObjectNode().put("source_KME_ID", "kme-a").put("target_KME_ID", "kme-b")
                    .put("master_SAE_ID", masterSae).put("slave_SAE_ID", slaveSae).put("key_size", 256)
                    .put("stored_key_count", stock).put("max_key_count", 100000)
                    .put("max_key_per_request", maxKeyPerRequest).put("max_key_size", 1024)
                    .put("min_key_size", 64).put("max_SAE_ID_count", 0);
            return new Answer(200, s);
        }
        if (!call.equals("enc_keys")) {
            return new Answer(404, null);
        }
        encCalls.incrementAndGet();
        JsonNode req = JSON.readTree(body);
        int number = req.path("number").asInt(1);
        int size = req.path("size").asInt(256);
        if (size % 8 != 0) {
            return error(400, "size shall be a multiple of 8");
        }
        if (number > maxKeyPerRequest) {
            return error(400, "requested parameters do not adhere to KME configuration");
        }
        if (refuseEnc.get() > 0) {
            refuseEnc.decrementAndGet();
            return error(503, "keys are being generated, try later");
        }
        if (number * size > stock * 256) {
            return error(503, "not enough key");
        }
        stock -= number * size / 256;
        ObjectNode out = JSON.createObjectNode();
        ArrayNode keys = out.putArray("keys");
        for (int i = 0; i < number; i++) {
            byte[] k = new byte[size / 8];
            random.nextBytes(k);
            String id = idFormat.apply(UUID.randomUUID());
            issued.put(id, k);
            handedToMaster.put(id, k.clone());
            keys.addObject().put("key_ID", id).put("key", Base64.getEncoder().encodeToString(k));
        }
        return new Answer(200, out);
    }

    private synchronized Answer kmeB(String cn, String path, String body) throws Exception {
        String prefix = "/api/v1/keys/" + masterSae + "/";
        if (!cn.equals(slaveSae) || !path.equals(prefix + "dec_keys")) {
            return new Answer(401, null);
        }
        decCalls.incrementAndGet();
        JsonNode req = JSON.readTree(body);
        List<String> ids = new ArrayList<>();
        for (JsonNode k : req.path("key_IDs")) {
            ids.add(k.path("key_ID").asText());
        }
        for (String id : ids) {
            if (!issued.containsKey(id)) {
                return error(400, "one or more keys specified are not found on KME");
            }
        }
        ObjectNode out = JSON.createObjectNode();
        ArrayNode keys = out.putArray("keys");
        int drop = dropOnDec.getAndSet(0);
        for (String id : ids) {
            byte[] k = issued.remove(id); // one-time delivery
            if (drop-- > 0) {
                continue;
            }
            keys.addObject().put("key_ID", id).put("key", Base64.getEncoder().encodeToString(k));
        }
        return new Answer(200, out);
    }

    @Override
    public void close() throws Exception {
        serverA.stop();
        serverB.stop();
    }
}
