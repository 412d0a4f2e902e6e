package org.qkdv2i.driver.etsi014.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.qkdv2i.qkd.api.PeerChannel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The messages the two ends of one link exchange over the KMMs' {@link PeerChannel}: key IDs
 * and outcomes only, never key material. UTF-8 JSON, version 1:
 *
 * <pre>
 * request  {"v":1,"type":"hello"|"fetch","link_id":"A-B","batch_id":"&lt;uuid&gt;",
 *           "master_SAE_ID":"...","slave_SAE_ID":"...","size":256,"created":&lt;epoch ms&gt;,"key_IDs":["...", ...]}
 * reply    {"v":1,"batch_id":"&lt;uuid&gt;","result":"ok"|"failed","reason":"...","missing_key_IDs":[...],
 *           "config_error":true}   (reason, missing_key_IDs and config_error only when they apply)
 * </pre>
 *
 * {@code hello} checks that the peer end is attached and configured alike (same SAE IDs and
 * key size) before any vendor key is consumed; {@code fetch} asks it to take the listed keys
 * from its vendor KME with {@code dec_keys}.
 */
final class PeerMessages {

    static final int VERSION = 1;
    /** Most key IDs in one fetch: keeps a message well under {@link PeerChannel#MAX_MESSAGE_BYTES}. */
    static final int MAX_IDS = 1000;
    private static final int MAX_ID_LENGTH = 256;
    private static final ObjectMapper JSON = new ObjectMapper();

    enum Type {
        HELLO, FETCH
    }

    /**
     * @param createdMillis when the master end got the keys (epoch ms): both ends stamp their blocks
     *                      with it, so the two KMMs see one creation time per key (0: not given)
     */
    record Request(Type type, String linkId, String batchId, String masterSaeId, String slaveSaeId, int sizeBits,
            List<String> keyIds, long createdMillis) {
        Request {
            Objects.requireNonNull(type, "type");
            keyIds = keyIds == null ? List.of() : List.copyOf(keyIds);
        }

        Request(Type type, String linkId, String batchId, String masterSaeId, String slaveSaeId, int sizeBits,
                List<String> keyIds) {
            this(type, linkId, batchId, masterSaeId, slaveSaeId, sizeBits, keyIds, 0);
        }
    }

    /**
     * @param configError the ends are configured inconsistently (roles, SAE IDs, key size): an
     *                    operator must act, retrying will not help
     */
    record Reply(String batchId, boolean ok, String reason, List<String> missingKeyIds, boolean configError) {
        Reply {
            reason = reason == null ? "" : reason;
            missingKeyIds = missingKeyIds == null ? List.of() : List.copyOf(missingKeyIds);
        }

        static Reply ok(String batchId) {
            return new Reply(batchId, true, "", List.of(), false);
        }

        static Reply failed(String batchId, String reason, List<String> missing) {
            return new Reply(batchId, false, reason, missing, false);
        }

        static Reply configError(String batchId, String reason) {
            return new Reply(batchId, false, reason, List.of(), true);
        }
    }

    private PeerMessages() {
    }

    static byte[] write(Request r) {
        ObjectNode n = JSON.createObjectNode();
        n.put("v", VERSION);
        n.put("type", r.type().name().toLowerCase(java.util.Locale.ROOT));
        n.put("link_id", r.linkId());
        n.put("batch_id", r.batchId());
        n.put("master_SAE_ID", r.masterSaeId());
        n.put("slave_SAE_ID", r.slaveSaeId());
        n.put("size", r.sizeBits());
        if (r.createdMillis() > 0) {
            n.put("created", r.createdMillis());
        }
        ArrayNode ids = n.putArray("key_IDs");
        r.keyIds().forEach(ids::add);
        return bytes(n);
    }

    static byte[] write(Reply r) {
        ObjectNode n = JSON.createObjectNode();
        n.put("v", VERSION);
        n.put("batch_id", r.batchId());
        n.put("result", r.ok() ? "ok" : "failed");
        if (!r.reason().isEmpty()) {
            n.put("reason", r.reason());
        }
        if (r.configError()) {
            n.put("config_error", true);
        }
        if (!r.missingKeyIds().isEmpty()) {
            ArrayNode ids = n.putArray("missing_key_IDs");
            r.missingKeyIds().forEach(ids::add);
        }
        return bytes(n);
    }

    static Request readRequest(byte[] message) throws IllegalArgumentException {
        JsonNode n = tree(message);
        Type type;
        String t = str(n, "type", true);
        try {
            type = Type.valueOf(t.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown message type \"" + abbreviate(t) + "\"");
        }
        JsonNode size = n.get("size");
        if (size == null || !size.isInt() || size.asInt() <= 0) {
            throw new IllegalArgumentException("size must be a positive integer");
        }
        List<String> ids = new ArrayList<>();
        JsonNode arr = n.get("key_IDs");
        if (arr != null && !arr.isNull()) {
            if (!arr.isArray()) {
                throw new IllegalArgumentException("key_IDs must be an array");
            }
            if (arr.size() > MAX_IDS) {
                throw new IllegalArgumentException("more than " + MAX_IDS + " key IDs in one message");
            }
            for (JsonNode id : arr) {
                if (!id.isTextual() || id.asText().isBlank() || id.asText().length() > MAX_ID_LENGTH) {
                    throw new IllegalArgumentException("key_IDs must hold non-empty strings of at most "
                            + MAX_ID_LENGTH + " characters");
                }
                ids.add(id.asText());
            }
        }
        if (type == Type.FETCH && ids.isEmpty()) {
            throw new IllegalArgumentException("a fetch names at least one key ID");
        }
        JsonNode created = n.get("created");
        long createdMillis = 0;
        if (created != null && !created.isNull()) {
            if (!created.canConvertToLong() || !created.isIntegralNumber() || created.asLong() <= 0) {
                throw new IllegalArgumentException("created must be a positive integer (epoch milliseconds)");
            }
            createdMillis = created.asLong();
        }
        return new Request(type, str(n, "link_id", true), str(n, "batch_id", true), str(n, "master_SAE_ID", true),
                str(n, "slave_SAE_ID", true), size.asInt(), ids, createdMillis);
    }

    static Reply readReply(byte[] message) throws IllegalArgumentException {
        JsonNode n = tree(message);
        String result = str(n, "result", true);
        if (!result.equals("ok") && !result.equals("failed")) {
            throw new IllegalArgumentException("result must be ok or failed, got \"" + abbreviate(result) + "\"");
        }
        List<String> missing = new ArrayList<>();
        JsonNode arr = n.get("missing_key_IDs");
        if (arr != null && arr.isArray()) {
            arr.forEach(x -> missing.add(x.asText()));
        }
        JsonNode ce = n.get("config_error");
        return new Reply(str(n, "batch_id", false), result.equals("ok"), str(n, "reason", false), missing,
                ce != null && ce.asBoolean(false));
    }

    private static JsonNode tree(byte[] message) {
        if (message == null || message.length == 0) {
            throw new IllegalArgumentException("empty message");
        }
        if (message.length > PeerChannel.MAX_MESSAGE_BYTES) {
            throw new IllegalArgumentException("message larger than " + PeerChannel.MAX_MESSAGE_BYTES + " bytes");
        }
        JsonNode n;
        try {
            n = JSON.readTree(message);
        } catch (IOException e) {
            throw new IllegalArgumentException("message is not JSON");
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("message is not a JSON object");
        }
        JsonNode v = n.get("v");
        if (v == null || !v.isInt() || v.asInt() != VERSION) {
            throw new IllegalArgumentException("unsupported message version " + (v == null ? "(none)" : v.toString())
                    + ", this driver speaks " + VERSION);
        }
        return n;
    }

    private static String str(JsonNode n, String field, boolean required) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new IllegalArgumentException(field + " is missing");
            }
            return "";
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException(field + " must be a string");
        }
        return v.asText();
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    private static byte[] bytes(JsonNode n) {
        try {
            return JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
