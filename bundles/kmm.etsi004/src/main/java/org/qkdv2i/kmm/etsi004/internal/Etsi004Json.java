package org.qkdv2i.kmm.etsi004.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.qkdv2i.kmm.api.StreamQos;

/** JSON of the binding: one strict mapper, field checks with clear messages, error bodies. */
final class Etsi004Json {

    /** Strict: duplicate fields and trailing garbage are errors, nothing lenient. */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .disable(JsonParser.Feature.ALLOW_COMMENTS)
            .build();

    /** Canonical textual UUID only (UUID.fromString accepts odd short forms). */
    private static final Pattern UUID_TEXT = Pattern
            .compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    static final Set<String> QOS_FIELDS = Set.of("key_chunk_size", "max_bps", "min_bps", "jitter", "priority",
            "timeout", "ttl", "metadata_mimetype");

    private Etsi004Json() {
    }

    /** Error body: {"message": ...}. */
    static byte[] error(String message) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("message", message);
        return write(o);
    }

    static byte[] write(JsonNode n) {
        try {
            return MAPPER.writeValueAsBytes(n);
        } catch (IOException e) {
            return "{\"message\":\"error\"}".getBytes(StandardCharsets.UTF_8);
        }
    }

    /** The body as an object whose fields are all among {@code allowed}. */
    static ObjectNode object(JsonNode body, String what, Set<String> allowed) throws Etsi004Error {
        if (body == null || !body.isObject()) {
            throw Etsi004Error.badRequest(what + " must be a JSON object");
        }
        for (Iterator<String> it = body.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw Etsi004Error.badRequest("unknown field " + clip(f) + " in " + what);
            }
        }
        return (ObjectNode) body;
    }

    static String text(ObjectNode o, String field, boolean required) throws Etsi004Error {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            if (required) {
                throw Etsi004Error.badRequest(field + " is required");
            }
            return null;
        }
        if (!n.isTextual()) {
            throw Etsi004Error.badRequest(field + " must be a string");
        }
        return n.asText();
    }

    static UUID uuid(ObjectNode o, String field, boolean required) throws Etsi004Error {
        String t = text(o, field, required);
        if (t == null) {
            return null;
        }
        if (!UUID_TEXT.matcher(t).matches()) {
            throw Etsi004Error.badRequest(field + " must be a UUID (8-4-4-4-12 hex digits)");
        }
        return UUID.fromString(t);
    }

    /** A non-negative integer up to {@code max}; {@code dflt} when absent or null. */
    static long number(ObjectNode o, String field, long dflt, long max) throws Etsi004Error {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < 0 || n.asLong() > max) {
            throw Etsi004Error.badRequest(field + " must be an integer from 0 to " + max);
        }
        return n.asLong();
    }

    /** ETSI GS QKD 004 V2.1.1 §6.1 QoS. */
    static StreamQos qos(JsonNode node) throws Etsi004Error {
        ObjectNode q = object(node, "qos", QOS_FIELDS);
        if (q.get("key_chunk_size") == null || q.get("key_chunk_size").isNull()) {
            throw Etsi004Error.badRequest("qos.key_chunk_size is required");
        }
        long chunk = number(q, "key_chunk_size", 0, Integer.MAX_VALUE);
        if (chunk == 0) {
            throw Etsi004Error.badRequest("qos.key_chunk_size must be at least 1 byte");
        }
        long maxBps = number(q, "max_bps", 0, Long.MAX_VALUE);
        long minBps = number(q, "min_bps", 0, Long.MAX_VALUE);
        if (maxBps > 0 && minBps > maxBps) {
            throw Etsi004Error.badRequest("qos.min_bps exceeds qos.max_bps");
        }
        return new StreamQos((int) chunk, maxBps, minBps, (int) number(q, "jitter", 0, Integer.MAX_VALUE),
                (int) number(q, "priority", 0, Integer.MAX_VALUE), (int) number(q, "timeout", 0, Integer.MAX_VALUE),
                (int) number(q, "ttl", 0, Integer.MAX_VALUE), text(q, "metadata_mimetype", false));
    }

    static ObjectNode qos(StreamQos q) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("key_chunk_size", q.keyChunkSize());
        o.put("max_bps", q.maxBps());
        o.put("min_bps", q.minBps());
        o.put("jitter", q.jitter());
        o.put("priority", q.priority());
        o.put("timeout", q.timeout());
        o.put("ttl", q.ttl());
        o.put("metadata_mimetype", q.metadataMimetype());
        return o;
    }

    static String clip(String s) {
        if (s == null) {
            return "";
        }
        String t = s.replaceAll("[\\p{Cntrl}]", "?");
        return t.length() > 80 ? t.substring(0, 80) + "…" : t;
    }
}
