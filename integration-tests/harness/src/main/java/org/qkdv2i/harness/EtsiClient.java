package org.qkdv2i.harness;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An SAE talking ETSI GS QKD 014 to its KME, as a separate client would: the JDK's own
 * HTTP client and TLS stack, authenticated by the SAE's client certificate.
 */
public final class EtsiClient {

    /** One key as the KME returned it. */
    public record Key(String id, String base64) {
    }

    /** A response: status code, parsed body (null when empty), keys if any. */
    public record Response(int status, JsonNode body, List<Key> keys) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final String base;
    private volatile Duration timeout = Duration.ofSeconds(10);

    public EtsiClient(Path pkcs12, char[] password, Path caPem, int port) throws Exception {
        http = httpClient(pkcs12, password, caPem);
        base = "https://localhost:" + port + "/api/v1/keys/";
    }

    /** How long one request may take (default 10 s). */
    public EtsiClient timeout(Duration requestTimeout) {
        this.timeout = requestTimeout;
        return this;
    }

    /** An HTTP/1.1 client authenticated by the PKCS#12 client certificate, trusting the CA in {@code caPem}. */
    public static HttpClient httpClient(Path pkcs12, char[] password, Path caPem) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(pkcs12)) {
            ks.load(in, password);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca" + i++, c);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ctx).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    public Response encKeys(String slaveSaeId, int number, int size) throws Exception {
        ObjectNode body = JSON.createObjectNode().put("number", number).put("size", size);
        return post(slaveSaeId + "/enc_keys", body);
    }

    public Response decKeys(String masterSaeId, List<String> keyIds) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode ids = body.putArray("key_IDs");
        keyIds.forEach(id -> ids.addObject().put("key_ID", id));
        return post(masterSaeId + "/dec_keys", body);
    }

    public Response status(String slaveSaeId) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + slaveSaeId + "/status"))
                .timeout(timeout).GET().build();
        return parse(http.send(req, HttpResponse.BodyHandlers.ofString()));
    }

    private Response post(String path, JsonNode body) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
        return parse(http.send(req, HttpResponse.BodyHandlers.ofString()));
    }

    private static Response parse(HttpResponse<String> r) throws Exception {
        JsonNode body = r.body() == null || r.body().isEmpty() ? null : JSON.readTree(r.body());
        List<Key> keys = new ArrayList<>();
        if (body != null && body.has("keys")) {
            for (JsonNode k : body.get("keys")) {
                keys.add(new Key(k.get("key_ID").asText(), k.get("key").asText()));
            }
            keys.forEach(k -> Base64.getDecoder().decode(k.base64())); // must be valid base64
        }
        return new Response(r.statusCode(), body, keys);
    }
}
