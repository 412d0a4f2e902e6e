package org.qkdv2i.kmm.etsi004.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.qkdv2i.kmm.api.GetKeyResult;
import org.qkdv2i.kmm.api.KeyManagerException;
import org.qkdv2i.kmm.api.KeyStreams;
import org.qkdv2i.kmm.api.OpenResult;
import org.qkdv2i.kmm.api.StreamQos;
import org.qkdv2i.kmm.api.StreamStatus;
import org.qkdv2i.tls.JettyTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * This project's HTTPS + JSON binding of the ETSI GS QKD 004 V2.1.1 application interface (the standard
 * defines the calls, not a wire format): {@code POST /etsi004/v1/open_connect}, {@code .../get_key},
 * {@code .../close}. The calling SAE is the CN of its verified client certificate; the standard's status
 * (0–8) travels in the body of an HTTP 200; bad input is a 400 with {@code {"message": ...}}.
 */
final class Etsi004Handler extends Handler.Abstract {

    private static final Logger LOG = LoggerFactory.getLogger(Etsi004Handler.class);

    static final String PREFIX = "/etsi004/v1/";
    static final String OPEN_CONNECT = PREFIX + "open_connect";
    static final String GET_KEY = PREFIX + "get_key";
    static final String CLOSE = PREFIX + "close";

    private static final HttpField JSON = new HttpField(HttpHeader.CONTENT_TYPE,
            MimeTypes.Type.APPLICATION_JSON_UTF_8.asString());
    private static final HttpField NO_STORE = new HttpField(HttpHeader.CACHE_CONTROL, "no-store");
    private static final Set<String> OPEN_FIELDS = Set.of("source", "destination", "qos", "key_stream_id");
    private static final Set<String> GET_FIELDS = Set.of("key_stream_id", "index", "metadata_size");
    private static final Set<String> CLOSE_FIELDS = Set.of("key_stream_id");
    /** Largest metadata buffer a caller may announce, bytes. */
    static final int MAX_METADATA = 65536;

    private final String nodeId;
    private final Supplier<KeyStreams> streams;
    private final int maxRequestBytes;

    Etsi004Handler(String nodeId, Supplier<KeyStreams> streams, int maxRequestBytes) {
        super(InvocationType.BLOCKING); // GET_KEY may wait up to the stream's timeout
        this.nodeId = nodeId;
        this.streams = streams;
        this.maxRequestBytes = maxRequestBytes;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String caller = null;
        String path = null;
        try {
            try {
                path = Request.getPathInContext(request);
            } catch (RuntimeException e) {
                throw Etsi004Error.badRequest("invalid request path");
            }
            caller = JettyTls.clientCommonName(request).orElse(null);
            if (caller == null) {
                throw new Etsi004Error(401, "no client certificate CN: the SAE is identified by its certificate");
            }
            if (!OPEN_CONNECT.equals(path) && !GET_KEY.equals(path) && !CLOSE.equals(path)) {
                throw new Etsi004Error(404, "unknown path; use POST " + PREFIX + "open_connect|get_key|close");
            }
            if (!"POST".equals(request.getMethod())) {
                response.getHeaders().put(HttpHeader.ALLOW, "POST");
                throw new Etsi004Error(405, "method " + Etsi004Json.clip(request.getMethod()) + " not allowed; use POST");
            }
            JsonNode body = readJson(request);
            KeyStreams ks = streams.get();
            if (ks == null) {
                throw new Etsi004Error(503, "key management is not available on node " + nodeId + "; retry later");
            }
            if (OPEN_CONNECT.equals(path)) {
                openConnect(ks, caller, body, response, callback);
            } else if (GET_KEY.equals(path)) {
                getKey(ks, caller, body, response, callback);
            } else {
                close(ks, caller, body, response, callback);
            }
        } catch (Etsi004Error e) {
            reject(response, callback, caller, path, e);
        } catch (KeyManagerException e) {
            reject(response, callback, caller, path, map(e));
        } catch (RuntimeException e) {
            // a KMM leaving mid-request or a bug: the client gets a retryable 503, never a trace
            LOG.error("node {} SAE {}: {} failed: {}", nodeId, caller, Etsi004Json.clip(path), e.toString());
            reject(response, callback, caller, path,
                    new Etsi004Error(503, "node " + nodeId + " could not serve the request; retry later"));
        }
        return true;
    }

    // ETSI GS QKD 004 V2.1.1 §6.1
    private void openConnect(KeyStreams ks, String caller, JsonNode body, Response response, Callback callback)
            throws Etsi004Error, KeyManagerException {
        ObjectNode o = Etsi004Json.object(body, "OPEN_CONNECT request", OPEN_FIELDS);
        URI source = uri(Etsi004Json.text(o, "source", true), "source");
        URI destination = uri(Etsi004Json.text(o, "destination", true), "destination");
        if (o.get("qos") == null) {
            throw Etsi004Error.badRequest("qos is required");
        }
        StreamQos qos = Etsi004Json.qos(o.get("qos"));
        UUID ksid = Etsi004Json.uuid(o, "key_stream_id", false);
        OpenResult r = ks.open(caller, source, destination, qos, ksid);
        ObjectNode out = Etsi004Json.MAPPER.createObjectNode();
        out.put("status", r.status().code());
        if (r.keyStreamId() != null) {
            out.put("key_stream_id", r.keyStreamId().toString());
        }
        if (r.qos() != null) {
            out.set("qos", Etsi004Json.qos(r.qos())); // with status 7: the counter-proposal
        }
        LOG.info("node {} SAE {}: OPEN_CONNECT {} → {}: status {}{}", nodeId, caller, Etsi004Json.clip(source.toString()),
                Etsi004Json.clip(destination.toString()), r.status().code(),
                r.keyStreamId() == null ? "" : " (key stream " + r.keyStreamId() + ")");
        send(response, 200, Etsi004Json.write(out), callback);
    }

    // ETSI GS QKD 004 V2.1.1 §6.2
    private void getKey(KeyStreams ks, String caller, JsonNode body, Response response, Callback callback)
            throws Etsi004Error, KeyManagerException {
        ObjectNode o = Etsi004Json.object(body, "GET_KEY request", GET_FIELDS);
        UUID ksid = Etsi004Json.uuid(o, "key_stream_id", true);
        long index = o.get("index") == null || o.get("index").isNull() ? -1
                : Etsi004Json.number(o, "index", -1, 0xFFFF_FFFFL);
        int metadataSize = (int) Etsi004Json.number(o, "metadata_size", 0, MAX_METADATA);
        GetKeyResult r = ks.getKey(caller, ksid, index, metadataSize);
        if (r.status() != StreamStatus.SUCCESSFUL) {
            ObjectNode out = Etsi004Json.MAPPER.createObjectNode();
            out.put("status", r.status().code());
            out.put("index", r.index());
            if (r.status() == StreamStatus.METADATA_SIZE_INSUFFICIENT) {
                out.putObject("metadata").put("size", r.metadataSize()); // the size needed
            }
            LOG.info("node {} SAE {}: GET_KEY stream {} index {}: status {}", nodeId, caller, ksid, r.index(),
                    r.status().code());
            send(response, 200, Etsi004Json.write(out), callback);
            return;
        }
        byte[] key = r.keyBuffer();
        r.destroy();
        byte[] b64 = Base64.getEncoder().encode(key);
        Arrays.fill(key, (byte) 0);
        byte[] head = ("{\"status\":0,\"index\":" + r.index() + ",\"key_buffer\":\"").getBytes(StandardCharsets.US_ASCII);
        ObjectNode md = Etsi004Json.MAPPER.createObjectNode();
        md.put("size", r.metadataSize());
        if (r.metadataSize() > 0) {
            md.put("buffer", r.metadataText());
        }
        byte[] tail = ("\",\"metadata\":" + new String(Etsi004Json.write(md), StandardCharsets.UTF_8) + "}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] bodyBytes = new byte[head.length + b64.length + tail.length];
        System.arraycopy(head, 0, bodyBytes, 0, head.length);
        System.arraycopy(b64, 0, bodyBytes, head.length, b64.length);
        System.arraycopy(tail, 0, bodyBytes, head.length + b64.length, tail.length);
        Arrays.fill(b64, (byte) 0);
        send(response, 200, bodyBytes, new Zeroising(bodyBytes, callback));
    }

    // ETSI GS QKD 004 V2.1.1 §6.3
    private void close(KeyStreams ks, String caller, JsonNode body, Response response, Callback callback)
            throws Etsi004Error, KeyManagerException {
        ObjectNode o = Etsi004Json.object(body, "CLOSE request", CLOSE_FIELDS);
        UUID ksid = Etsi004Json.uuid(o, "key_stream_id", true);
        StreamStatus s = ks.close(caller, ksid);
        ObjectNode out = Etsi004Json.MAPPER.createObjectNode();
        out.put("status", s.code());
        LOG.info("node {} SAE {}: CLOSE stream {}: status {}", nodeId, caller, ksid, s.code());
        send(response, 200, Etsi004Json.write(out), callback);
    }

    private static URI uri(String text, String field) throws Etsi004Error {
        try {
            URI u = new URI(text);
            if (KeyStreams.saeId(u) == null) {
                throw Etsi004Error.badRequest(field + " must be an SAE URI sae:<SAE ID>");
            }
            return u;
        } catch (URISyntaxException e) {
            throw Etsi004Error.badRequest(field + " is not a URI");
        }
    }

    private JsonNode readJson(Request request) throws Etsi004Error {
        if (request.getLength() > maxRequestBytes) {
            throw new Etsi004Error(413, "request body larger than " + maxRequestBytes + " bytes");
        }
        byte[] bytes;
        try (InputStream in = Request.asInputStream(request)) {
            bytes = in.readNBytes(maxRequestBytes + 1);
        } catch (IOException e) {
            throw Etsi004Error.badRequest("request body could not be read");
        }
        if (bytes.length > maxRequestBytes) {
            throw new Etsi004Error(413, "request body larger than " + maxRequestBytes + " bytes");
        }
        if (bytes.length == 0) {
            throw Etsi004Error.badRequest("request body is empty; a JSON object is required");
        }
        try {
            return Etsi004Json.MAPPER.readTree(bytes);
        } catch (JacksonException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw Etsi004Error.badRequest("request body is not valid JSON" + where);
        } catch (IOException e) {
            throw Etsi004Error.badRequest("request body is not valid JSON");
        }
    }

    private Etsi004Error map(KeyManagerException e) {
        switch (e.reason()) {
            case UNAUTHORIZED:
                return new Etsi004Error(401, e.getMessage());
            case UNAVAILABLE:
                return new Etsi004Error(503, e.getMessage());
            default:
                return Etsi004Error.badRequest(e.getMessage());
        }
    }

    private void reject(Response response, Callback callback, String caller, String path, Etsi004Error e) {
        // one readable line per rejected request; never key material
        LOG.info("node {} SAE {}: {} rejected {}: {}", nodeId, caller == null ? "-" : caller,
                Etsi004Json.clip(path), e.status, e.getMessage());
        if (e.status == 401) {
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Mutual-TLS realm=\"" + nodeId + "\"");
        }
        byte[] body = Etsi004Json.error(e.getMessage());
        response.setStatus(e.status);
        response.getHeaders().put(JSON);
        response.getHeaders().put(NO_STORE);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        if (e.status == 413) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close"); // an unread body: close, do not drain
        }
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    private static void send(Response response, int status, byte[] body, Callback callback) {
        response.setStatus(status);
        response.getHeaders().put(JSON);
        response.getHeaders().put(NO_STORE);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /** Zeroises the response buffer (it holds key material) once written. */
    private static final class Zeroising implements Callback {
        private final byte[] buffer;
        private final Callback next;

        Zeroising(byte[] buffer, Callback next) {
            this.buffer = buffer;
            this.next = next;
        }

        @Override
        public void succeeded() {
            Arrays.fill(buffer, (byte) 0);
            next.succeeded();
        }

        @Override
        public void failed(Throwable x) {
            Arrays.fill(buffer, (byte) 0);
            next.failed(x);
        }

        @Override
        public InvocationType getInvocationType() {
            return next.getInvocationType();
        }
    }
}
