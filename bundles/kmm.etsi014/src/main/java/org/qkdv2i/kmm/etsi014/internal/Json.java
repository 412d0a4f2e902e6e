package org.qkdv2i.kmm.etsi014.internal;

import java.util.List;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** JSON helpers: one strict mapper, ETSI error bodies. */
final class Json {

    /** Strict: duplicate fields and trailing garbage are errors, nothing lenient. */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .disable(JsonParser.Feature.ALLOW_COMMENTS)
            .build();

    private Json() {
    }

    /** ETSI GS QKD 014 error body: {"message": ..., "details": [...]} (details omitted when empty). */
    static byte[] error(String message, List<String> details) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("message", message);
        if (details != null && !details.isEmpty()) {
            ArrayNode d = o.putArray("details");
            for (String s : details) {
                d.addObject().put("detail", s);
            }
        }
        try {
            return MAPPER.writeValueAsBytes(o);
        } catch (Exception e) {
            return ("{\"message\":\"error\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}
