package org.qkdv2i.driver.etsi014.internal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
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
import org.eclipse.jetty.util.thread.QueuedThreadPool;
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
 *
 * <p>Public and shipped in this module's test-jar so that the conformance kit's fixture
 * ({@code org.qkdv2i.tck.fixtures.VendorKmePair}) runs the same vendor KMEs: it adds a stock that
 * refills at a fixed rate, up to a cap, and named threads that all start with the servers.
 */
public final class FakeVendorKmes implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Keys handed out and not fetched yet that a KME remembers (a slave that never fetches). */
    private static final int ISSUED_MAX = 100_000;

    final String masterSae;
    final String slaveSae;
    private final Server serverA;
    private final Server serverB;
    final int portA;
    final int portB;
    private final SecureRandom random = new SecureRandom();

    /** Key bits not handed out yet (stock), up to stockBitsMax, refilled at bitsPerNano. */
    private double stockBits;
    private final double stockBitsMax;
    private final double bitsPerNano;
    private long refilledAt = System.nanoTime();
    /** Key IDs handed to the master, waiting for the slave. */
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

    /** Unit tests: no stock until {@link #addStock}, Jetty's default thread pool. */
    FakeVendorKmes(Path pki, char[] password, String masterSae, String slaveSae) throws Exception {
        this(pki, password, masterSae, slaveSae, 0, 100_000, null);
    }

    /**
     * @param pki a {@code DevPki} folder with node key stores {@code kme-a}, {@code kme-b}
     * @param keysPerSecond 256-bit keys added to the stock each second (0: only {@link #addStock})
     * @param maxKeys the stock's cap, in 256-bit keys
     * @param threads name prefix of a fixed pool per KME whose threads all start now, or null
     */
    public FakeVendorKmes(Path pki, char[] password, String masterSae, String slaveSae, double keysPerSecond,
            int maxKeys, String threads) throws Exception {
        this.masterSae = masterSae;
        this.slaveSae = slaveSae;
        this.bitsPerNano = keysPerSecond * 256 / 1e9;
        this.stockBitsMax = (double) maxKeys * 256;
        serverA = server(BcNodeTls.load("kme-a", pki.resolve("node-kme-a.p12"), password, pki.resolve("ca.pem"),
                null, null), true, threads == null ? null : threads + "-a");
        serverB = server(BcNodeTls.load("kme-b", pki.resolve("node-kme-b.p12"), password, pki.resolve("ca.pem"),
                null, null), false, threads == null ? null : threads + "-b");
        portA = ((ServerConnector) serverA.getConnectors()[0]).getLocalPort();
        portB = ((ServerConnector) serverB.getConnectors()[0]).getLocalPort();
    }

    public String urlA() {
        return "https://localhost:" + portA;
    }

    public String urlB() {
        return "https://localhost:" + portB;
    }

    synchronized void addStock(int n) {
        stockBits = Math.min(stockBitsMax, stockBits + (double) n * 256);
    }

    synchronized int stock() {
        return (int) (stockBits / 256);
    }

    synchronized int issuedWaiting() {
        return issued.size();
    }

    synchronized byte[] handedToMaster(String id) {
        return handedToMaster.get(id);
    }

    private Server server(NodeTls tls, boolean master, String threads) throws Exception {
        Server s;
        if (threads == null) {
            s = new Server();
        } else {
            QueuedThreadPool pool = new QueuedThreadPool(12, 12); // all threads start now, before a leak baseline
            pool.setName(threads);
            s = new Server(pool);
        }
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

    private void refill() {
        long now = System.nanoTime();
        if (bitsPerNano > 0) {
            stockBits = Math.min(stockBitsMax, stockBits + (now - refilledAt) * bitsPerNano);
        }
        refilledAt = now;
    }

    /** KME A: the master SAE's status and enc_keys (ETSI GS QKD 014 §5.1, §5.2). */
    private synchronized Answer kmeA(String cn, String path, String body) throws Exception {
        String prefix = "/api/v1/keys/" + slaveSae + "/";
        if (!cn.equals(masterSae) || !path.startsWith(prefix)) {
            return new Answer(401, null);
        }
        String call = path.substring(prefix.length());
        refill();
        if (call.equals("status")) {
            ObjectNode s = JSON.createObjectNode().put("source_KME_ID", "kme-a").put("target_KME_ID", "kme-b")
                    .put("master_SAE_ID", masterSae).put("slave_SAE_ID", slaveSae).put("key_size", 256)
                    .put("stored_key_count", stock()).put("max_key_count", (int) (stockBitsMax / 256))
                    .put("max_key_per_request", maxKeyPerRequest).put("max_key_size", 1024)
                    .put("min_key_size", 64).put("max_SAE_ID_count", 0);
            return new Answer(200, s);
        }
        if (!call.equals("enc_keys")) {
            return new Answer(404, null);
        }
        encCalls.incrementAndGet();
        JsonNode req = body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        int number = req.path("number").asInt(1);
        int size = req.path("size").asInt(256);
        if (size % 8 != 0) {
            return error(400, "size shall be a multiple of 8");
        }
        if (size < 64 || size > 1024 || number < 1 || number > maxKeyPerRequest) {
            return error(400, "requested parameters do not adhere to KME configuration");
        }
        if (refuseEnc.get() > 0) {
            refuseEnc.decrementAndGet();
            return error(503, "keys are being generated, try later");
        }
        if ((double) number * size > stockBits) {
            return error(503, "not enough key");
        }
        stockBits -= (double) number * size;
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
        if (issued.size() > ISSUED_MAX) { // a slave that never fetches: forget the oldest
            issued.keySet().iterator().remove();
        }
        if (handedToMaster.size() > ISSUED_MAX) {
            handedToMaster.keySet().iterator().remove();
        }
        return new Answer(200, out);
    }

    /** KME B: the slave SAE's dec_keys by ID (ETSI GS QKD 014 §5.3), one-time delivery. */
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
            if (drop-- <= 0) {
                keys.addObject().put("key_ID", id).put("key", Base64.getEncoder().encodeToString(k));
            }
            if (k != null) {
                Arrays.fill(k, (byte) 0);
            }
        }
        return new Answer(200, out);
    }

    @Override
    public void close() throws Exception {
        serverA.stop();
        serverB.stop();
    }
}
