package org.qkdv2i.kmm.internal.core;

import java.util.List;
import java.util.UUID;

/**
 * How a core reaches the KMM at the other end of a link. At runtime HTTPS with mutual
 * TLS ({@code POST /peer/v1/reserve}); in tests two cores wired directly.
 */
public interface PeerTransport {

    /** Reserve keys at {@code peerNodeId} for one of our master SAEs. */
    ReserveResult reserve(String peerNodeId, ReserveRequest request) throws PeerException;

    /** One delivered key: its ID and the stored keys it is cut from, in order. */
    record ReservedKey(UUID keyId, List<UUID> parts, int bits) {
    }

    /** Body of {@code POST /peer/v1/reserve}. */
    record ReserveRequest(String linkId, String masterSaeId, List<String> slaveSaeIds, List<ReservedKey> keys) {
    }

    /**
     * Answer: the keys the peer recorded and the stored keys it lacks. The peer accepts all
     * keys or none: when it lacks a part, {@code accepted} is empty.
     */
    record ReserveResult(List<UUID> accepted, List<UUID> missingParts) {
    }

    /** The peer could not be reached, or refused the request ({@link #refused()}). */
    final class PeerException extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean refused;

        public PeerException(String message, boolean refused) {
            super(message);
            this.refused = refused;
        }

        public boolean refused() {
            return refused;
        }
    }
}
