package org.qkdv2i.kmm.etsi014.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.qkdv2i.kmm.api.Key;
import org.qkdv2i.kmm.api.KeyManager;
import org.qkdv2i.kmm.api.KeyManagerException;
import org.qkdv2i.kmm.api.KeyRequest;
import org.qkdv2i.kmm.api.PairStatus;
import org.qkdv2i.tls.JettyTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * ETSI GS QKD 014 V1.1.1 §5 on the Jetty core handler API. The caller's SAE ID is the CN
 * of its verified client certificate on every request. Every check happens before the
 * KeyManager is asked for keys, so a rejected request consumes nothing.
 */
final class Etsi014Handler extends Handler.Abstract {

    private static final Logger LOG = LoggerFactory.getLogger(Etsi014Handler.class);

    static final String PREFIX = "/api/v1/keys/";
    /** SAE IDs: a safe printable alphabet, bounded length. */
    private static final Pattern SAE_ID = Pattern.compile("[A-Za-z0-9._~:@+=-]{1,128}");
    /** Canonical textual UUID only (UUID.fromString accepts odd short forms). */
    private static final Pattern UUID_TEXT = Pattern
            .compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final HttpField JSON = new HttpField(HttpHeader.CONTENT_TYPE, MimeTypes.Type.APPLICATION_JSON_UTF_8.asString());
    private static final HttpField NO_STORE = new HttpField(HttpHeader.CACHE_CONTROL, "no-store");
    private static final byte[] KEYS_OPEN = "{\"keys\":[".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ID_OPEN = "{\"key_ID\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEY_OPEN = "\",\"key\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ENTRY_CLOSE = "\"}".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEYS_CLOSE = "]}".getBytes(StandardCharsets.US_ASCII);

    private final String nodeId;
    private final Supplier<KeyManager> keyManager;
    private final int maxRequestBytes;
    private final int maxKeyIds;

    Etsi014Handler(String nodeId, Supplier<KeyManager> keyManager, int maxRequestBytes, int maxKeyIds) {
        super(InvocationType.BLOCKING); // KeyManager calls may touch the disk
        this.nodeId = nodeId;
        this.keyManager = keyManager;
        this.maxRequestBytes = maxRequestBytes;
        this.maxKeyIds = maxKeyIds;
    }

    private enum Op {
        STATUS, ENC_KEYS, DEC_KEYS
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String caller = null;
        String method = request.getMethod();
        String path = null;
        try {
            path = pathOf(request);
            caller = JettyTls.clientCommonName(request).orElse(null);
            if (caller == null) {
                throw EtsiError.unauthorized("no client certificate CN");
            }
            if (path == null || !path.startsWith(PREFIX)) {
                throw new EtsiError(404, "unknown path; the API is under " + PREFIX);
            }
            String rest = path.substring(PREFIX.length());
            int slash = rest.indexOf('/');
            if (slash < 0 || rest.indexOf('/', slash + 1) >= 0) {
                throw new EtsiError(404, "unknown path; use " + PREFIX + "{SAE_ID}/status|enc_keys|dec_keys");
            }
            Op op = op(rest.substring(slash + 1));
            String saeId = rest.substring(0, slash);
            boolean get = "GET".equals(method);
            boolean post = "POST".equals(method);
            if (!(get || (post && op != Op.STATUS))) {
                response.getHeaders().put(HttpHeader.ALLOW, op == Op.STATUS ? "GET" : "GET, POST");
                throw new EtsiError(405, "method " + safe(method) + " not allowed here");
            }
            if (!SAE_ID.matcher(saeId).matches()) {
                throw EtsiError.badRequest("invalid SAE ID in path",
                        "SAE IDs are 1-128 characters of letters, digits and . _ ~ : @ + = -");
            }
            KeyManager km = keyManager.get();
            if (km == null) {
                throw EtsiError.unavailable("key management is not available on KME " + nodeId + "; retry later");
            }
            switch (op) {
                case STATUS:
                    status(km, caller, saeId, response, callback);
                    break;
                case ENC_KEYS:
                    JsonNode body = post ? readJson(request) : null;
                    encKeys(km, caller, saeId, get ? query(request) : null, body, response,
                            callback);
                    break;
                default:
                    decKeys(km, caller, saeId, get ? query(request) : null,
                            post ? readJson(request) : null, response, callback);
                    break;
            }
        } catch (EtsiError e) {
            reject(request, response, callback, caller, method, path, e);
        } catch (KeyManagerException e) {
            reject(request, response, callback, caller, method, path, map(e));
        } catch (RuntimeException e) {
            // a KeyManager leaving mid-request or a bug: the client gets a retryable 503, never a trace
            LOG.error("node {} SAE {}: {} {} failed: {}", nodeId, caller, method, logPath(path), e.toString());
            reject(request, response, callback, caller, method, path,
                    EtsiError.unavailable("KME " + nodeId + " could not serve the request; retry later"));
        }
        return true;
    }

    /** The decoded path; Jetty refuses ambiguous encodings (e.g. %2F) here, which we answer with 400. */
    private static String pathOf(Request request) throws EtsiError {
        try {
            return Request.getPathInContext(request);
        } catch (RuntimeException e) {
            throw EtsiError.badRequest("invalid request path");
        }
    }

    /** Query parameters; a malformed query string (bad %-escape, invalid UTF-8) is the client's error. */
    private static Fields query(Request request) throws EtsiError {
        try {
            return Request.extractQueryParameters(request);
        } catch (RuntimeException e) {
            throw EtsiError.badRequest("invalid query string");
        }
    }

    private static Op op(String name) throws EtsiError {
        switch (name) {
            case "status":
                return Op.STATUS;
            case "enc_keys":
                return Op.ENC_KEYS;
            case "dec_keys":
                return Op.DEC_KEYS;
            default:
                throw new EtsiError(404, "unknown path; use " + PREFIX + "{SAE_ID}/status|enc_keys|dec_keys");
        }
    }

    // ETSI GS QKD 014 §5.2 Get status: caller is the master, path names the slave
    private void status(KeyManager km, String master, String slave, Response response, Callback callback)
            throws KeyManagerException, EtsiError {
        PairStatus s = km.status(master, slave);
        if (s == null) {
            throw EtsiError.unauthorized("no status for pair");
        }
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("source_KME_ID", s.sourceKmeId());
        o.put("target_KME_ID", s.targetKmeId());
        o.put("master_SAE_ID", s.masterSaeId());
        o.put("slave_SAE_ID", s.slaveSaeId());
        o.put("key_size", s.keySize());
        o.put("stored_key_count", s.storedKeyCount());
        o.put("max_key_count", s.maxKeyCount());
        o.put("max_key_per_request", s.maxKeyPerRequest());
        o.put("max_key_size", s.maxKeySize());
        o.put("min_key_size", s.minKeySize());
        o.put("max_SAE_ID_count", s.maxSaeIdCount());
        byte[] out;
        try {
            out = Json.MAPPER.writeValueAsBytes(o);
        } catch (IOException e) {
            throw EtsiError.unavailable("cannot encode status");
        }
        send(response, 200, out, callback, false);
    }

    // ETSI GS QKD 014 §5.3 Get key: caller is the master, path names the slave; Table 10 request
    private void encKeys(KeyManager km, String master, String slave, Fields query, JsonNode body, Response response,
            Callback callback) throws KeyManagerException, EtsiError {
        Integer number = null;
        Integer size = null;
        List<String> additional = List.of();
        UUID replace = null;
        if (query != null) {
            number = queryInt(query, "number");
            size = queryInt(query, "size");
        } else {
            ObjectNode o = object(body, "key request");
            number = jsonInt(o, "number");
            size = jsonInt(o, "size");
            additional = saeIdList(o.get("additional_slave_SAE_IDs"));
            JsonNode mandatory = o.get("extension_mandatory");
            checkExtensions(mandatory, "extension_mandatory");
            checkExtensions(o.get("extension_optional"), "extension_optional");
            replace = replaceKeyId(mandatory);
        }
        int n = number == null ? 1 : number;
        int bits = size == null ? 0 : size; // 0: the pair's default size (KeyRequest)
        if (bits % 8 != 0) {
            throw EtsiError.badRequest(KeyManagerException.SIZE_NOT_MULTIPLE_OF_8);
        }
        if (n < 1 || (size != null && bits < 1)) {
            checkLimits(km, master, slave, n, size, additional.size());
        }
        // The KeyManager enforces the pair's limits itself (BAD_REQUEST, nothing consumed), so
        // the common case needs no status() call (it takes the KMM core lock); only a rejected
        // request asks for the limits, to answer with the ETSI wording.
        List<Key> keys;
        try {
            KeyRequest request = new KeyRequest(master, slave, n, bits, additional);
            keys = replace == null ? km.newKeys(request) : km.replaceKey(request, replace);
        } catch (KeyManagerException e) {
            if (e.reason() == KeyManagerException.Reason.BAD_REQUEST) {
                checkLimits(km, master, slave, n, size, additional.size());
            }
            throw e;
        }
        sendKeys(response, keys, callback);
    }

    /**
     * The key to replace, from the vendor extension {@code {"qkdv2i_replace_key_ID": "<UUID>"}} in
     * {@code extension_mandatory} (null: none). ETSI GS QKD 014 §5.3 / Table 10: a mandatory
     * extension this KME does not know gets the standard 400 naming it.
     */
    private static UUID replaceKeyId(JsonNode mandatory) throws EtsiError {
        if (mandatory == null || mandatory.isNull() || mandatory.size() == 0) {
            return null;
        }
        List<String> unsupported = new ArrayList<>();
        UUID replace = null;
        int seen = 0;
        for (JsonNode ext : mandatory) {
            for (Iterator<Map.Entry<String, JsonNode>> it = ext.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> f = it.next();
                if (!KeyManager.REPLACE_KEY_EXTENSION.equals(f.getKey())) {
                    unsupported.add("unsupported extension: " + clip(f.getKey()));
                    continue;
                }
                seen++;
                try {
                    replace = f.getValue().isTextual() ? UUID.fromString(f.getValue().textValue()) : null;
                } catch (IllegalArgumentException e) {
                    replace = null;
                }
                if (replace == null) {
                    throw EtsiError.badRequest(KeyManager.REPLACE_KEY_EXTENSION + " shall be a key_ID (UUID string)");
                }
            }
        }
        if (!unsupported.isEmpty()) {
            throw EtsiError.badRequest("not all extension_mandatory parameters are supported",
                    unsupported.toArray(String[]::new));
        }
        if (seen > 1) {
            throw EtsiError.badRequest(KeyManager.REPLACE_KEY_EXTENSION + " may be given once per request");
        }
        return replace;
    }

    /** Throws the ETSI GS QKD 014 §5.3 error for a request outside the pair's limits (Table 9). */
    private static void checkLimits(KeyManager km, String master, String slave, int n, Integer size,
            int additional) throws KeyManagerException, EtsiError {
        PairStatus st = km.status(master, slave);
        if (st == null) {
            throw EtsiError.unauthorized("unknown pair");
        }
        if (n < 1 || n > st.maxKeyPerRequest()) {
            throw EtsiError.badRequest("number shall be between 1 and max_key_per_request (" + st.maxKeyPerRequest() + ")");
        }
        int bits = size == null ? st.keySize() : size;
        if (bits < st.minKeySize() || bits > st.maxKeySize()) {
            throw EtsiError.badRequest("size shall be between min_key_size (" + st.minKeySize() + ") and max_key_size ("
                    + st.maxKeySize() + ")");
        }
        if (additional > st.maxSaeIdCount()) {
            throw EtsiError.badRequest("too many additional_slave_SAE_IDs: at most max_SAE_ID_count ("
                    + st.maxSaeIdCount() + ")");
        }
    }

    // ETSI GS QKD 014 §5.4 Get key with key IDs: caller is the slave, path names the master
    private void decKeys(KeyManager km, String slave, String master, Fields query, JsonNode body, Response response,
            Callback callback) throws KeyManagerException, EtsiError {
        List<String> texts = new ArrayList<>();
        if (query != null) {
            List<String> values = query.getValues("key_ID");
            if (values == null || values.isEmpty()) {
                throw EtsiError.badRequest("key_ID is required");
            }
            if (values.size() > 1) {
                throw EtsiError.badRequest("key_ID given more than once; use POST with key_IDs for several keys");
            }
            texts.add(values.get(0));
        } else {
            ObjectNode o = object(body, "key IDs");
            JsonNode ids = o.get("key_IDs");
            if (ids == null || !ids.isArray() || ids.size() == 0) {
                throw EtsiError.badRequest("key_IDs shall be a non-empty array of {\"key_ID\": UUID}");
            }
            if (ids.size() > maxKeyIds) {
                throw EtsiError.badRequest("too many key_IDs: at most " + maxKeyIds);
            }
            for (JsonNode e : ids) {
                JsonNode id = e.isObject() ? e.get("key_ID") : null;
                if (id == null || !id.isTextual()) {
                    throw EtsiError.badRequest("key_IDs shall be a non-empty array of {\"key_ID\": UUID}");
                }
                texts.add(id.textValue());
            }
        }
        List<UUID> uuids = new ArrayList<>(texts.size());
        Set<UUID> seen = new HashSet<>();
        for (String t : texts) {
            if (t == null || !UUID_TEXT.matcher(t).matches()) {
                // a key ID that is not a UUID cannot be on this KME
                throw EtsiError.badRequest(KeyManagerException.KEYS_NOT_FOUND, "key_ID shall be a UUID");
            }
            UUID u = UUID.fromString(t);
            if (!seen.add(u)) {
                throw EtsiError.badRequest("duplicate key_ID " + u);
            }
            uuids.add(u);
        }
        List<Key> keys = km.keysById(slave, master, uuids);
        sendKeys(response, keys, callback);
    }

    private static ObjectNode object(JsonNode body, String what) throws EtsiError {
        if (body == null || body.isMissingNode()) {
            return Json.MAPPER.createObjectNode(); // empty body: all defaults
        }
        if (!body.isObject()) {
            throw EtsiError.badRequest("the " + what + " shall be a JSON object");
        }
        return (ObjectNode) body;
    }

    private static Integer jsonInt(ObjectNode o, String field) throws EtsiError {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw EtsiError.badRequest(field + " shall be an integer in range");
        }
        return n.intValue();
    }

    private static Integer queryInt(Fields query, String name) throws EtsiError {
        List<String> values = query.getValues(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw EtsiError.badRequest(name + " given more than once");
        }
        String v = values.get(0);
        // digits only, at most 9 of them: no sign, exponent, overflow or whitespace tricks
        if (v == null || v.isEmpty() || v.length() > 9 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw EtsiError.badRequest(name + " shall be an integer in range");
        }
        return Integer.parseInt(v);
    }

    private static List<String> saeIdList(JsonNode n) throws EtsiError {
        if (n == null || n.isNull()) {
            return List.of();
        }
        if (!n.isArray()) {
            throw EtsiError.badRequest("additional_slave_SAE_IDs shall be an array of SAE IDs");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : n) {
            if (!e.isTextual() || !SAE_ID.matcher(e.textValue()).matches()) {
                throw EtsiError.badRequest("additional_slave_SAE_IDs shall be an array of SAE IDs");
            }
            if (out.contains(e.textValue())) {
                throw EtsiError.badRequest("duplicate SAE ID in additional_slave_SAE_IDs");
            }
            out.add(e.textValue());
        }
        return out;
    }

    private static void checkExtensions(JsonNode n, String field) throws EtsiError {
        if (n == null || n.isNull()) {
            return;
        }
        if (!n.isArray()) {
            throw EtsiError.badRequest(field + " shall be an array of objects");
        }
        for (JsonNode e : n) {
            if (!e.isObject()) {
                throw EtsiError.badRequest(field + " shall be an array of objects");
            }
        }
    }

    private JsonNode readJson(Request request) throws EtsiError {
        long declared = request.getLength();
        if (declared > maxRequestBytes) {
            throw new EtsiError(413, "request body larger than " + maxRequestBytes + " bytes");
        }
        byte[] bytes;
        try (InputStream in = Request.asInputStream(request)) {
            bytes = in.readNBytes(maxRequestBytes + 1);
        } catch (IOException e) {
            throw EtsiError.badRequest("request body could not be read");
        }
        if (bytes.length > maxRequestBytes) {
            throw new EtsiError(413, "request body larger than " + maxRequestBytes + " bytes");
        }
        if (bytes.length == 0) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(bytes);
        } catch (JacksonException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw EtsiError.badRequest("request body is not valid JSON", clip(e.getOriginalMessage()) + where);
        } catch (IOException e) {
            throw EtsiError.badRequest("request body is not valid JSON");
        }
    }

    private EtsiError map(KeyManagerException e) {
        switch (e.reason()) {
            case BAD_REQUEST:
                return EtsiError.badRequest(e.getMessage() == null ? "bad request" : e.getMessage());
            case UNAUTHORIZED:
                return EtsiError.unauthorized(e.getMessage());
            case KEYS_NOT_FOUND:
                // the fixed ETSI message; why (e.g. "key ... was voided") as a detail
                return e.getMessage() == null || e.getMessage().equals(KeyManagerException.KEYS_NOT_FOUND)
                        ? EtsiError.badRequest(KeyManagerException.KEYS_NOT_FOUND)
                        : EtsiError.badRequest(KeyManagerException.KEYS_NOT_FOUND, e.getMessage());
            case UNAVAILABLE:
            default:
                return EtsiError.unavailable(e.getMessage() == null ? "keys unavailable; retry later" : e.getMessage());
        }
    }

    /** The keys as a Table 11 container; the buffer holding key material is zeroised once written. */
    private static void sendKeys(Response response, List<Key> keys, Callback callback) {
        List<byte[]> encoded = new ArrayList<>(keys.size());
        byte[] out = null;
        try {
            int len = KEYS_OPEN.length + KEYS_CLOSE.length;
            Base64.Encoder b64 = Base64.getEncoder();
            for (Key k : keys) {
                byte[] raw = k.bytes();
                try {
                    encoded.add(b64.encode(raw));
                } finally {
                    Arrays.fill(raw, (byte) 0);
                    k.destroy();
                }
                len += ID_OPEN.length + 36 + KEY_OPEN.length + encoded.get(encoded.size() - 1).length + ENTRY_CLOSE.length + 1;
            }
            out = new byte[len];
            int p = put(out, 0, KEYS_OPEN);
            Iterator<Key> it = keys.iterator();
            for (int i = 0; i < encoded.size(); i++) {
                if (i > 0) {
                    out[p++] = ',';
                }
                p = put(out, p, ID_OPEN);
                p = put(out, p, it.next().id().toString().getBytes(StandardCharsets.US_ASCII));
                p = put(out, p, KEY_OPEN);
                p = put(out, p, encoded.get(i));
                p = put(out, p, ENTRY_CLOSE);
            }
            p = put(out, p, KEYS_CLOSE);
            byte[] body = out;
            int length = p;
            response.setStatus(200);
            response.getHeaders().put(JSON);
            response.getHeaders().put(NO_STORE);
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
            response.write(true, ByteBuffer.wrap(body, 0, length), new Zeroising(body, callback));
            out = null; // zeroised by the write callback
        } finally {
            for (byte[] e : encoded) {
                Arrays.fill(e, (byte) 0);
            }
            for (Key k : keys) {
                k.destroy();
            }
            if (out != null) {
                Arrays.fill(out, (byte) 0);
            }
        }
    }

    private static int put(byte[] dst, int pos, byte[] src) {
        System.arraycopy(src, 0, dst, pos, src.length);
        return pos + src.length;
    }

    private static void send(Response response, int status, byte[] body, Callback callback, boolean close) {
        response.setStatus(status);
        response.getHeaders().put(JSON);
        response.getHeaders().put(NO_STORE);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        if (close) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    private void reject(Request request, Response response, Callback callback, String caller, String method,
            String path, EtsiError e) {
        // ETSI GS QKD 014 §5: one readable line per rejected request; never key material
        LOG.info("node {} SAE {}: {} {} rejected {}: {}", nodeId, caller == null ? "-" : caller, safe(method),
                logPath(path), e.status, e.getMessage());
        if (e.status == 401) {
            response.setStatus(401); // ETSI GS QKD 014: 401 has no body
            // RFC 9110 §15.5.2 wants a challenge; the credential here is the TLS client certificate
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Mutual-TLS realm=\"" + nodeId + "\"");
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0);
            callback.succeeded();
            return;
        }
        // an oversized or unread body: close the connection instead of draining it
        send(response, e.status, Json.error(e.getMessage(), e.details), callback, e.status == 413);
    }

    private static String safe(String s) {
        return s == null ? "-" : clip(s.replaceAll("[^\\x21-\\x7e]", "?"));
    }

    private static String logPath(String path) {
        return safe(path);
    }

    static String clip(String s) {
        if (s == null) {
            return "";
        }
        return s.length() > 100 ? s.substring(0, 100) + "..." : s;
    }

    /** Zeroises the response buffer once Jetty is done with it, whether the write succeeded or not. */
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
