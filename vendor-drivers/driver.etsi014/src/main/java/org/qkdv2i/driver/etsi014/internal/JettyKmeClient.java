package org.qkdv2i.driver.etsi014.internal;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLException;

import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.WWWAuthenticationProtocolHandler;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.qkdv2i.driver.etsi014.internal.KmeException.Kind;
import org.qkdv2i.tls.JettyTls;
import org.qkdv2i.tls.NodeTls;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * ETSI GS QKD 014 client on Jetty's HttpClient over mutual TLS: the SAE's PKCS#12 identity as
 * client certificate, the vendor's CA as trust anchor, host name checked against the KME
 * certificate (HTTPS endpoint identification).
 *
 * <p>Key containers are read with Jackson's streaming parser so that key bytes go straight
 * from the base64 text into a byte array the driver zeroises; no key ever becomes a String.
 * The raw response body is zeroised after parsing.
 */
final class JettyKmeClient implements KmeClient {

    private static final JsonFactory JSON = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper(JSON);
    private static final int MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

    private final String base;
    private final long timeoutMillis;
    private final HttpClient http;

    /**
     * @param kmeUrl     e.g. {@code https://kme-a.vendor.example:443} (the path {@code /api/v1/keys/} is appended)
     * @param tls        the SAE identity and the vendor CA
     * @param threadName name of the client's threads
     */
    JettyKmeClient(String kmeUrl, NodeTls tls, long timeoutMillis, String threadName) throws Exception {
        URI uri = URI.create(kmeUrl.trim());
        if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("kmeUrl must be an https:// URL with a host, got " + kmeUrl);
        }
        String s = uri.toString();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        // ETSI GS QKD 014 §5.1: every endpoint lives under /api/v1/keys/
        this.base = s.endsWith("/api/v1/keys") ? s + "/" : s + "/api/v1/keys/";
        this.timeoutMillis = timeoutMillis;
        SslContextFactory.Client ssl = JettyTls.clientFactory(tls);
        ssl.setEndpointIdentificationAlgorithm("HTTPS");
        ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(ssl);
        connector.setConnectTimeout(java.time.Duration.ofMillis(Math.max(1000, timeoutMillis)));
        QueuedThreadPool pool = new QueuedThreadPool(4, 1);
        pool.setName(threadName);
        pool.setDaemon(true);
        connector.setExecutor(pool);
        HttpClient client = new HttpClient(new HttpClientTransportOverHTTP(connector));
        client.setExecutor(pool);
        client.setFollowRedirects(false);
        client.setMaxConnectionsPerDestination(4);
        client.start();
        // ETSI GS QKD 014 answers 401 without WWW-Authenticate: let it through as a plain response
        // (the handler is installed by start())
        client.getProtocolHandlers().remove(WWWAuthenticationProtocolHandler.NAME);
        this.http = client;
    }

    @Override
    public KmeStatus status(String slaveSaeId) throws KmeException {
        ContentResponse r = send(http.newRequest(base + seg(slaveSaeId) + "/status").method(HttpMethod.GET), "status");
        byte[] body = r.getContent();
        try {
            JsonNode n = MAPPER.readTree(body);
            if (n == null || !n.isObject()) {
                throw new KmeException(Kind.PROTOCOL, 200, "status answer is not a JSON object");
            }
            return new KmeStatus(text(n, "source_KME_ID"), text(n, "target_KME_ID"), num(n, "key_size"),
                    lnum(n, "stored_key_count"), lnum(n, "max_key_count"), num(n, "max_key_per_request"),
                    num(n, "max_key_size"), num(n, "min_key_size"));
        } catch (IOException e) {
            throw new KmeException(Kind.PROTOCOL, 200, "status answer is not JSON: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage()));
        }
    }

    @Override
    public List<VendorKey> encKeys(String slaveSaeId, int number, int sizeBits) throws KmeException {
        // ETSI GS QKD 014 §6.2 Key request: number and size (bits)
        byte[] json = ("{\"number\":" + number + ",\"size\":" + sizeBits + "}").getBytes(StandardCharsets.US_ASCII);
        return keys(post(slaveSaeId, "enc_keys", json), "enc_keys");
    }

    @Override
    public List<VendorKey> decKeys(String masterSaeId, List<String> keyIds) throws KmeException {
        // ETSI GS QKD 014 §6.4 Key IDs: {"key_IDs":[{"key_ID":...}]}
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeArrayFieldStart("key_IDs");
            for (String id : keyIds) {
                g.writeStartObject();
                g.writeStringField("key_ID", id);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return keys(post(masterSaeId, "dec_keys", out.toByteArray()), "dec_keys");
    }

    private ContentResponse post(String saeId, String call, byte[] json) throws KmeException {
        Request req = http.newRequest(base + seg(saeId) + "/" + call).method(HttpMethod.POST)
                .body(new BytesRequestContent("application/json", json));
        return send(req, call);
    }

    private ContentResponse send(Request req, String call) throws KmeException {
        ContentResponse r;
        try {
            r = req.timeout(timeoutMillis, TimeUnit.MILLISECONDS)
                    .headers(h -> h.put(HttpHeader.ACCEPT, "application/json"))
                    .send();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KmeException(Kind.TIMEOUT, 0, call + " interrupted");
        } catch (TimeoutException e) {
            throw new KmeException(Kind.TIMEOUT, 0, call + ": no answer from the vendor KME within " + timeoutMillis
                    + " ms");
        } catch (ExecutionException | RuntimeException e) {
            throw transportFailure(call, e.getCause() == null ? e : e.getCause());
        }
        int code = r.getStatus();
        if (code == 200) {
            return r;
        }
        String message = errorMessage(r.getContent());
        switch (code) {
        case 401:
            // ETSI GS QKD 014 §5: 401 Unauthorized, no body
            throw new KmeException(Kind.UNAUTHORIZED, code, call + " refused with 401 Unauthorized");
        case 400:
            throw new KmeException(Kind.BAD_REQUEST, code, call + " refused with 400: " + message);
        case 503:
            throw new KmeException(Kind.NO_KEY, code, call + " answered 503: " + message);
        default:
            throw new KmeException(Kind.PROTOCOL, code, call + " answered HTTP " + code + ": " + message);
        }
    }

    private static KmeException transportFailure(String call, Throwable cause) {
        Throwable t = cause;
        while (t != null) {
            if (t instanceof SSLException) {
                return new KmeException(Kind.TLS, 0, call + ": TLS with the vendor KME failed: " + root(cause));
            }
            if (t instanceof ConnectException || t instanceof UnknownHostException
                    || t instanceof NoRouteToHostException || t instanceof UnresolvedAddressException) {
                return new KmeException(Kind.UNREACHABLE, 0, call + ": vendor KME unreachable: " + root(cause));
            }
            if (t instanceof TimeoutException) {
                return new KmeException(Kind.TIMEOUT, 0, call + ": " + root(cause));
            }
            t = t.getCause() == t ? null : t.getCause();
        }
        return new KmeException(Kind.UNREACHABLE, 0, call + ": " + root(cause));
    }

    private static String root(Throwable t) {
        Throwable r = t;
        while (r.getCause() != null && r.getCause() != r) {
            r = r.getCause();
        }
        String m = r.getMessage();
        return m == null || m.isBlank() ? r.getClass().getSimpleName() : m;
    }

    /** The message of an ETSI GS QKD 014 Error (§6.5), or a placeholder; never throws. */
    private static String errorMessage(byte[] body) {
        if (body == null || body.length == 0) {
            return "(no body)";
        }
        try {
            JsonNode n = MAPPER.readTree(body);
            if (n != null && n.hasNonNull("message")) {
                String m = n.get("message").asText();
                return m.length() > 300 ? m.substring(0, 300) + "..." : m;
            }
        } catch (IOException e) {
            // not JSON
        }
        return "(no ETSI error body)";
    }

    /** Parses a Key container (§6.3) {"keys":[{"key_ID":..., "key": base64}, ...]}; zeroises the raw body. */
    static List<VendorKey> parseKeys(byte[] body, String call) throws KmeException {
        List<VendorKey> keys = new ArrayList<>();
        boolean ok = false;
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new KmeException(Kind.PROTOCOL, 200, call + " answer is not a JSON object");
            }
            boolean sawKeys = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.getCurrentName();
                JsonToken v = p.nextToken();
                if ("keys".equals(field) && v == JsonToken.START_ARRAY) {
                    sawKeys = true;
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        keys.add(readKey(p, call));
                    }
                } else {
                    p.skipChildren(); // key_container_extension and the like
                }
            }
            if (!sawKeys) {
                throw new KmeException(Kind.PROTOCOL, 200, call + " answer has no \"keys\" array");
            }
            ok = true;
            return keys;
        } catch (IOException e) {
            throw new KmeException(Kind.PROTOCOL, 200, call + " answer is not a valid key container: "
                    + (e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe ? jpe.getOriginalMessage()
                            : e.getMessage()));
        } finally {
            Arrays.fill(body, (byte) 0);
            if (!ok) {
                VendorKey.destroyAll(keys);
            }
        }
    }

    private static VendorKey readKey(JsonParser p, String call) throws IOException, KmeException {
        String id = null;
        byte[] key = null;
        try {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.getCurrentName();
                JsonToken v = p.nextToken();
                if ("key_ID".equals(field) && v == JsonToken.VALUE_STRING) {
                    id = p.getText();
                } else if ("key".equals(field) && v == JsonToken.VALUE_STRING) {
                    if (key != null) {
                        Arrays.fill(key, (byte) 0);
                    }
                    key = p.getBinaryValue(); // base64 decoded from the parser's buffer, no String
                } else {
                    p.skipChildren(); // key_ID_extension, key_extension
                }
            }
            if (id == null || id.isBlank() || key == null || key.length == 0) {
                throw new KmeException(Kind.PROTOCOL, 200, call + " answer holds a key without key_ID or key");
            }
            VendorKey k = new VendorKey(id, key);
            key = null;
            return k;
        } finally {
            if (key != null) {
                Arrays.fill(key, (byte) 0);
            }
        }
    }

    private static List<VendorKey> keys(ContentResponse r, String call) throws KmeException {
        byte[] body = r.getContent();
        if (body == null || body.length > MAX_RESPONSE_BYTES) {
            throw new KmeException(Kind.PROTOCOL, r.getStatus(), call + " answer is empty or too large");
        }
        return parseKeys(body, call);
    }

    private static String seg(String saeId) {
        return java.net.URLEncoder.encode(saeId, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String text(JsonNode n, String f) {
        return n.hasNonNull(f) ? n.get(f).asText() : "";
    }

    private static int num(JsonNode n, String f) {
        return n.hasNonNull(f) && n.get(f).canConvertToInt() ? n.get(f).asInt() : -1;
    }

    private static long lnum(JsonNode n, String f) {
        return n.hasNonNull(f) && n.get(f).canConvertToLong() ? n.get(f).asLong() : -1;
    }

    @Override
    public void close() {
        try {
            http.stop();
        } catch (Exception e) {
            // stopping: nothing left to do
        }
    }
}
