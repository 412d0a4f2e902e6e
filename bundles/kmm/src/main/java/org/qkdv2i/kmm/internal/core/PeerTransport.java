package org.qkdv2i.kmm.internal.core;

import java.util.List;
import java.util.UUID;

/**
 * How a core reaches the KMM at the other end of a link. At runtime HTTPS with mutual
 * TLS ({@code POST /peer/v1/reserve}, {@code POST /peer/v1/inventory}); in tests two cores
 * wired directly.
 */
public interface PeerTransport {

    /** Reserve keys at {@code peerNodeId} for one of our master SAEs, within {@code timeoutMillis}. */
    ReserveResult reserve(String peerNodeId, ReserveRequest request, long timeoutMillis) throws PeerException;

    /** Compare one chunk of our half of a link with the peer's copy, within {@code timeoutMillis}. */
    InventoryResult inventory(String peerNodeId, InventoryRequest request, long timeoutMillis) throws PeerException;

    /**
     * Records at the peer, after the fact, keys this node has already delivered to its master
     * SAEs from stored keys the peer confirmed it holds ({@code POST /peer/v1/assign}).
     */
    default AssignResult assign(String peerNodeId, AssignRequest request, long timeoutMillis) throws PeerException {
        throw new PeerException("this peer transport only reserves", false); // test doubles of the reservation path
    }

    /**
     * Asks the peer for the reservations it delivered keys under but has not recorded here yet
     * ({@code POST /peer/v1/claim}): a slave SAE asked for a key before its assignment arrived.
     */
    default ClaimResult claim(String peerNodeId, ClaimRequest request, long timeoutMillis) throws PeerException {
        throw new PeerException("this peer transport only reserves", false);
    }

    /** Carries a driver's message to the driver of the same link at the peer ({@code POST /peer/v1/driver}). */
    default byte[] driverMessage(String peerNodeId, String linkId, byte[] message, long timeoutMillis)
            throws PeerException {
        throw new PeerException("this peer transport carries no driver messages", false);
    }

    /** Body of {@code POST /peer/v1/assign}: reservations the caller has already delivered under. */
    record AssignRequest(List<ReserveRequest> reservations) {
    }

    /**
     * Answer: key IDs now recorded (or recorded before), key IDs whose stored keys the peer does
     * not hold (their slave SAEs can never fetch them), and key IDs refused (SAE or link mismatch).
     */
    record AssignResult(List<UUID> recorded, List<UUID> missing, List<UUID> refused) {
    }

    /** Body of {@code POST /peer/v1/claim}. */
    record ClaimRequest(List<UUID> keyIds) {
    }

    /** Answer: the caller's unacknowledged reservations holding any of the claimed key IDs. */
    record ClaimResult(List<ReserveRequest> reservations) {
    }

    /** Body of {@code POST /peer/v1/driver} (the message travels base64-encoded). */
    record DriverMessage(String linkId, byte[] message) {
    }

    /** Answer of {@code POST /peer/v1/driver}. */
    record DriverReply(byte[] message) {
    }

    /** One delivered key: its ID and the stored keys it is cut from, in order. */
    record ReservedKey(UUID keyId, List<UUID> parts, int bits) {
    }

    /** Body of {@code POST /peer/v1/reserve}. */
    record ReserveRequest(String linkId, String masterSaeId, List<String> slaveSaeIds, List<ReservedKey> keys) {
    }

    /**
     * Answer: the keys the peer recorded and the stored keys it lacks. The peer accepts all
     * keys or none: when it lacks a part, {@code accepted} is empty.
     *
     * @param watermarkMillis the newest block creation time the peer has ingested on the link
     *                        when it answered (null: no block of that link yet); a missing part
     *                        of a block created well before it is lost, a newer one not there yet
     */
    record ReserveResult(List<UUID> accepted, List<UUID> missingParts, Long watermarkMillis) {
    }

    /**
     * Body of {@code POST /peer/v1/inventory}. With {@code full}: every stored key of the
     * caller's half of {@code linkId} whose ID (canonical lower-case string order) lies in
     * {@code (after, upTo]} ({@code null} = unbounded) and that the caller still holds (in its
     * pool, in flight or set aside), listed when the caller's ingestion watermark on the link
     * was {@code watermarkMillis} (null: the caller has ingested no block of the link); the peer
     * may drop unlisted ones of the range (orphans). Without {@code full} (incremental; also
     * when the field is absent): only some stored keys the caller holds (those the peer has not
     * confirmed yet); the range is ignored and the peer drops nothing.
     */
    record InventoryRequest(String linkId, Long watermarkMillis, String after, String upTo, List<UUID> ids,
            boolean full) {
    }

    /**
     * Answer: the listed stored keys the peer does not hold, how many stored keys of the
     * caller's half in the range the peer dropped because the caller no longer holds them,
     * and the peer's ingestion watermark on the link (as in {@link ReserveResult}); and how many
     * stored keys of the caller's half the peer holds (null from a peer before this field).
     */
    record InventoryResult(List<UUID> missing, int orphansDropped, Long watermarkMillis, Long heldOfCallersHalf) {
        public InventoryResult(List<UUID> missing, int orphansDropped, Long watermarkMillis) {
            this(missing, orphansDropped, watermarkMillis, null);
        }
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
