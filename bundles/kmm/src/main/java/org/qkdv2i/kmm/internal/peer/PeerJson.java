package org.qkdv2i.kmm.internal.peer;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.qkdv2i.kmm.internal.core.PeerTransport.ReserveRequest;

/** JSON of the peer channel (records of {@code PeerTransport}). */
final class PeerJson {

    static final String RESERVE_PATH = "/peer/v1/reserve";
    static final String INVENTORY_PATH = "/peer/v1/inventory";
    static final String ASSIGN_PATH = "/peer/v1/assign";
    static final String CLAIM_PATH = "/peer/v1/claim";
    static final String DRIVER_PATH = "/peer/v1/driver";
    static final String LINK_PATH = "/peer/v1/link";
    static final String STREAM_PATH = "/peer/v1/stream";
    static final String VOID_PATH = "/peer/v1/void";
    static final String KEYCHECK_PATH = "/peer/v1/keycheck";
    /** ETSI GS QKD 020 resources (KMS to KMS, within the trusted-node network). */
    static final String VERSIONS_PATH = "/kmapi/versions";
    static final String EXT_KEYS_PATH = "/kmapi/v1/ext_keys";
    static final String EXT_ACK_PATH = org.qkdv2i.kmm.internal.core.KmmCore.EXT_ACK_PATH;
    static final String EXT_VOID_PATH = "/kmapi/v1/ext_keys/void";
    /** Answer of {@code GET /kmapi/versions}: the one version served, and how its hops are protected. */
    static final Map<String, Object> VERSIONS = Map.of("versions", List.of(Map.of("version", "v1", "extension",
            Map.of("qkdv2i_hop_protection", "one-time pad + Wegman-Carter (GHASH over GF(2^128), tag XOR pad)",
                    "qkdv2i_ack", "asynchronous, to ack_callback_url"))));
    static final int MAX_BODY = 4 * 1024 * 1024;

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true);

    /** Error body of the peer endpoint. */
    record ErrorBody(String message) {
    }

    private PeerJson() {
    }

    /** Every reservation names its link, master and slaves, and every key its ID and parts. */
    static boolean wellFormed(List<ReserveRequest> reservations) {
        for (ReserveRequest r : reservations) {
            if (r == null || r.linkId() == null || r.masterSaeId() == null || r.slaveSaeIds() == null
                    || r.slaveSaeIds().contains(null) || r.keys() == null
                    || r.keys().stream().anyMatch(k -> k == null || k.keyId() == null || k.parts() == null
                            || k.parts().contains(null))) {
                return false;
            }
        }
        return true;
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
