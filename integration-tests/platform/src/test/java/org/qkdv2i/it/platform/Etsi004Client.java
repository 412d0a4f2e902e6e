package org.qkdv2i.it.platform;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * An application calling a node's ETSI GS QKD 004 server (this project's HTTPS + JSON binding,
 * {@code POST /etsi004/v1/open_connect|get_key|close}) with the JDK's HttpClient and JSSE: a client
 * independent of our TLS code. With a PKCS#12 file it presents that client certificate (its CN is the
 * calling SAE); without one it presents none.
 */
public final class Etsi004Client {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String PREFIX = "/etsi004/v1/";

    private final HttpClient http;
    private final String base;

    /** An answer: HTTP status, parsed body (null if not JSON), raw body and two headers. */
    public record Reply(int status, JsonNode body, String raw, String contentType, String cacheControl) {

        /** The ETSI 004 status of an HTTP 200 answer. */
        public int etsiStatus() {
            if (status != 200 || body == null || !body.has("status")) {
                throw new AssertionError("not an ETSI 004 answer: HTTP " + status + " " + raw);
            }
            return body.get("status").asInt();
        }

        /** SHA-256 (hex) of the decoded key_buffer: what assertions compare, never the key itself. */
        public String keyHash() {
            byte[] key = Base64.getDecoder().decode(body.get("key_buffer").asText());
            try {
                return sha256(key);
            } finally {
                Arrays.fill(key, (byte) 0);
            }
        }

        public int keyLength() {
            byte[] key = Base64.getDecoder().decode(body.get("key_buffer").asText());
            Arrays.fill(key, (byte) 0);
            return key.length;
        }

        @Override
        public String toString() {
            return "HTTP " + status + (body != null && body.has("key_buffer") ? " (key withheld)" : " " + raw);
        }
    }

    /** @param pkcs12 the SAE's key store, or null for a client without a certificate */
    public Etsi004Client(Path pkcs12, char[] password, Path caPem, int port) throws Exception {
        KeyManager[] keyManagers = null;
        if (pkcs12 != null) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(pkcs12)) {
                ks.load(in, password);
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password);
            keyManagers = kmf.getKeyManagers();
        }
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + i++, c);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(keyManagers, tmf.getTrustManagers(), null);
        this.http = HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        this.base = "https://127.0.0.1:" + port + PREFIX;
    }

    /** POST of a JSON text to {@code /etsi004/v1/<op>}; transport failures are thrown. */
    public Reply post(String op, String json) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + op)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build();
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        JsonNode body = null;
        try {
            body = r.body() == null || r.body().isEmpty() ? null : JSON.readTree(r.body());
        } catch (Exception notJson) {
            // keep raw
        }
        return new Reply(r.statusCode(), body, r.body(), r.headers().firstValue("Content-Type").orElse(""),
                r.headers().firstValue("Cache-Control").orElse(""));
    }

    public Reply openConnect(String source, String destination, String qos, String keyStreamId) throws Exception {
        return post("open_connect", openJson(source, destination, qos, keyStreamId));
    }

    /** @param index null: the caller's lowest index not fetched yet */
    public Reply getKey(String keyStreamId, Long index, int metadataSize) throws Exception {
        return post("get_key", "{\"key_stream_id\":\"" + keyStreamId + "\"" + (index == null ? "" : ",\"index\":" + index)
                + ",\"metadata_size\":" + metadataSize + "}");
    }

    public Reply close(String keyStreamId) throws Exception {
        return post("close", "{\"key_stream_id\":\"" + keyStreamId + "\"}");
    }

    static String openJson(String source, String destination, String qos, String keyStreamId) {
        return "{\"source\":\"sae:" + source + "\",\"destination\":\"sae:" + destination + "\",\"qos\":" + qos
                + (keyStreamId == null ? "" : ",\"key_stream_id\":\"" + keyStreamId + "\"") + "}";
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
