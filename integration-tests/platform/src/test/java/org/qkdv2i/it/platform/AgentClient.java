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
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * An SDN controller (or any client of the node PKI) calling a node's ETSI GS QKD 015 agent
 * over RESTCONF with its own client certificate, on the JDK's HttpClient and JSSE: a client
 * independent of our TLS code.
 */
public final class AgentClient {

    public static final String ROOT = "/restconf/data/etsi-qkd-sdn-node:qkd_node";

    private final HttpClient http;
    private final String base;

    /** A response: HTTP status, body bytes and the Location header (if any). */
    public record Reply(int status, byte[] body, String location) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    public AgentClient(Path pkcs12, char[] password, Path caPem, int port) throws Exception {
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
        this.base = "https://127.0.0.1:" + port + ROOT;
    }

    public Reply get(String path) throws Exception {
        return send("GET", path, null);
    }

    public Reply put(String path, String json) throws Exception {
        return send("PUT", path, json);
    }

    public Reply delete(String path) throws Exception {
        return send("DELETE", path, null);
    }

    public Reply send(String method, String path, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
        if (json == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/yang-data+json")
                    .method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Reply(r.statusCode(), r.body(), r.headers().firstValue("Location").orElse(null));
    }
}
