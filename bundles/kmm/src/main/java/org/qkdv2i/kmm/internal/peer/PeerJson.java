package org.qkdv2i.kmm.internal.peer;

import java.io.IOException;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/** JSON of the peer channel (records of {@code PeerTransport}). */
final class PeerJson {

    static final String RESERVE_PATH = "/peer/v1/reserve";
    static final String INVENTORY_PATH = "/peer/v1/inventory";
    static final int MAX_BODY = 4 * 1024 * 1024;

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true);

    /** Error body of the peer endpoint. */
    record ErrorBody(String message) {
    }

    private PeerJson() {
    }

    static byte[] write(Object o) {
        try {
            return MAPPER.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + o.getClass().getSimpleName(), e);
        }
    }

    static <T> T read(byte[] json, Class<T> type) throws IOException {
        return MAPPER.readValue(json, type);
    }
}
