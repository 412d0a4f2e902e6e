package org.qkdv2i.it.platform;

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
import java.util.Base64;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * An SAE calling a KME over ETSI GS QKD 014 with its own client certificate, using the JDK's
 * HttpClient and JSSE: a client independent of our TLS code, as a real SAE would be.
 */
public final class EtsiClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final String base;

    /** A response: HTTP status and parsed body. */
    public record Reply(int status, JsonNode body, String raw) {
        public boolean ok() {
            return status == 200;
        }
    }

    public EtsiClient(Path pkcs12, char[] password, Path caPem, int port) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(pkcs12)) {
            ks.load(in, password);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);
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
        ssl.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        this.http = HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        this.base = "https://127.0.0.1:" + port + "/api/v1/keys/";
    }

    public Reply get(String path) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).GET().build();
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        JsonNode body = null;
        try {
            body = r.body() == null || r.body().isEmpty() ? null : JSON.readTree(r.body());
        } catch (Exception notJson) {
            // keep raw
        }
        return new Reply(r.statusCode(), body, r.body());
    }

    public Reply encKeys(String slaveSaeId, int number, int size) throws Exception {
        return get(slaveSaeId + "/enc_keys?number=" + number + "&size=" + size);
    }

    public Reply decKey(String masterSaeId, String keyId) throws Exception {
        return get(masterSaeId + "/dec_keys?key_ID=" + keyId);
    }

    public static byte[] keyBytes(JsonNode keyEntry) {
        return Base64.getDecoder().decode(keyEntry.get("key").asText());
    }
}
