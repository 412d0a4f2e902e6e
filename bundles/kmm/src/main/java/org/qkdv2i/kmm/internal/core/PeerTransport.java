package org.qkdv2i.kmm.internal.core;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

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

    /**
     * Tells the peer an operator disabled or enabled the physical link {@code request.linkId()}
     * here, so that it detaches from (or re-attaches to) its driver of that link too
     * ({@code POST /peer/v1/link}; kmm.api {@code LinkControl}).
     */
    default void linkControl(String peerNodeId, LinkControlRequest request, long timeoutMillis)
            throws PeerException {
        throw new PeerException("this peer transport carries no link control", false);
    }

    /**
     * A key stream message to the peer KMM ({@code POST /peer/v1/stream}; ETSI GS QKD 004 streams whose
     * ends are on the two nodes): {@code open} (the source's KMM announces a stream), {@code connect}
     * (the destination application joined), {@code key} (the destination's KMM asks the source's KMM
     * for the key ID of an index), {@code close}.
     */
    default StreamReply stream(String peerNodeId, StreamMessage message, long timeoutMillis) throws PeerException {
        throw new PeerException("this peer transport carries no key streams", false);
    }

    /**
     * Voids keys the caller delivered to one of its master SAEs and that SAE (or an operator)
     * asked to replace ({@code POST /peer/v1/void}; kmm.api {@code KeyManager.voidKey}): the peer
     * destroys their records and refuses them from then on.
     */
    default VoidKeysResult voidKeys(String peerNodeId, VoidKeysRequest request, long timeoutMillis)
            throws PeerException {
        throw new PeerException("this peer transport carries no key voids", false);
    }

    /**
     * Key authentication ({@code POST /peer/v1/keycheck}): the key-check values of driver key blocks
     * of one link as this node computed them; the peer compares them with its own.
     */
    default KeyCheckResult keyCheck(String peerNodeId, KeyCheckRequest request, long timeoutMillis)
            throws PeerException {
        throw new PeerException("this peer transport carries no key checks", false);
    }

    /**
     * One batch of driver key blocks: its ID (chosen by the initiator), its blocks in the order their
     * material is hashed, and its key-check value (16 bytes, base64 on the wire).
     */
    record BatchCheck(UUID batchId, List<UUID> blockIds, byte[] tag) {
    }

    /** Body of {@code POST /peer/v1/keycheck}: batches of {@code linkId}, oldest first. */
    record KeyCheckRequest(String linkId, List<BatchCheck> batches) {
    }

    /**
     * Answer: per batch, in order, {@code match}, {@code mismatch} (the peer destroyed its copies of
     * every block of the batch) or {@code unknown} (the peer has not received every block of the
     * batch from its driver yet: ask again).
     */
    record KeyCheckResult(List<String> verdicts) {
    }

    /**
     * Body of {@code POST /peer/v1/void}: keys the caller delivered to its master SAE
     * {@code masterSaeId} and voids, and why (free text for the log, no key material).
     */
    record VoidKeysRequest(List<UUID> keyIds, String masterSaeId, String reason) {
    }

    /** Answer: how many of the keys had a record here that is now destroyed. */
    record VoidKeysResult(int destroyed) {
    }

    /**
     * Key relay, one hop ({@code POST /kmapi/v1/ext_keys}, ETSI GS QKD 020): the peer checks the
     * message, answers 202 and acknowledges later ({@link #extAck}) to the caller.
     */
    default void extKeys(String peerNodeId, ExtKeysRequest request, long timeoutMillis) throws PeerException {
        throw new PeerException("this peer transport does not relay keys", false);
    }

    /**
     * The asynchronous acknowledgement of a relay hop to the node that sent it
     * ({@code POST /kmapi/v1/ext_keys/ack}); {@code callbackUrl} is the sender's
     * {@code ack_callback_url}, whose path names the resource (the peer's configured address is used).
     */
    default void extAck(String peerNodeId, String callbackUrl, ExtAck ack, long timeoutMillis) throws PeerException {
        throw new PeerException("this peer transport does not relay keys", false);
    }

    /** Discards relayed keys along the path ({@code POST /kmapi/v1/ext_keys/void}). */
    default void extVoid(String peerNodeId, ExtVoid request, long timeoutMillis) throws PeerException {
        throw new PeerException("this peer transport does not relay keys", false);
    }

    /**
     * One relayed key on one hop: {@code value} is the end-to-end key XOR one-time pad of link key
     * (ETSI GS QKD 020 key container; base64 on the wire).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ExtKey(@JsonProperty("key_id") UUID keyId, @JsonProperty("value") byte[] value,
            @JsonProperty("extension") Map<String, Object> extension) {
    }

    /**
     * Body of {@code POST /kmapi/v1/ext_keys} (ETSI GS QKD 020 members, then vendor members prefixed
     * {@code qkdv2i_}): the virtual link, its end nodes, the physical link of this hop, the stored
     * keys of the sender's half of that link used as pad and MAC key (in order), the key size in
     * bits and the Wegman–Carter tag over everything else.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ExtKeysRequest(@JsonProperty("keys") List<ExtKey> keys,
            @JsonProperty("initiator_sae_id") String initiatorSaeId,
            @JsonProperty("target_sae_ids") List<String> targetSaeIds,
            @JsonProperty("ack_callback_url") String ackCallbackUrl,
            @JsonProperty("qkdv2i_virtual_link") String virtualLink,
            @JsonProperty("qkdv2i_initiator_node") String initiatorNode,
            @JsonProperty("qkdv2i_target_node") String targetNode,
            @JsonProperty("qkdv2i_link") String link,
            @JsonProperty("qkdv2i_link_key_ids") List<UUID> linkKeyIds,
            @JsonProperty("qkdv2i_key_size") int keySize,
            @JsonProperty("qkdv2i_mac") byte[] mac) {
    }

    /**
     * Body of {@code POST /kmapi/v1/ext_keys/ack}: {@code ack_status} is {@code relayed},
     * {@code voided}, {@code failed} or {@code key not present}; {@code qkdv2i_message} says why
     * (no key material).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ExtAck(@JsonProperty("key_ids") List<UUID> keyIds, @JsonProperty("ack_status") String ackStatus,
            @JsonProperty("qkdv2i_message") String message) {
    }

    /** Body of {@code POST /kmapi/v1/ext_keys/void}: the keys to discard and where they were going. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ExtVoid(@JsonProperty("key_ids") List<UUID> keyIds,
            @JsonProperty("qkdv2i_virtual_link") String virtualLink,
            @JsonProperty("qkdv2i_target_node") String targetNode) {
    }

    /**
     * Body of {@code POST /peer/v1/stream}: the operation ({@code open}, {@code connect}, {@code key},
     * {@code close}), the key stream, its ends (open), its QoS (open), the index and how long the caller
     * waits (key), a reason (close); between KMMs that are not neighbours the node that sent it and the
     * node it is for (each trusted node on the relay route passes it on towards {@code targetNode}).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record StreamMessage(String op, UUID keyStreamId, String sourceSaeId, String destinationSaeId,
            org.qkdv2i.kmm.api.StreamQos qos, Long index, Long timeoutMillis, String reason, String originNode,
            String targetNode) {

        public StreamMessage(String op, UUID keyStreamId, String sourceSaeId, String destinationSaeId,
                org.qkdv2i.kmm.api.StreamQos qos, Long index, Long timeoutMillis, String reason) {
            this(op, keyStreamId, sourceSaeId, destinationSaeId, qos, index, timeoutMillis, reason, null, null);
        }

        /** The same message from {@code origin} to {@code target}, carried hop by hop over a relay route. */
        public StreamMessage via(String origin, String target) {
            return new StreamMessage(op, keyStreamId, sourceSaeId, destinationSaeId, qos, index, timeoutMillis,
                    reason, origin, target);
        }
    }

    /**
     * Answer of {@code POST /peer/v1/stream}: an ETSI GS QKD 004 status code, and for a {@code key} with
     * status 0 the ID of the key (served at the destination's KMM by ID, like ETSI 014 dec_keys).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record StreamReply(int status, UUID keyId, String message) {
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

    /**
     * Body of {@code POST /peer/v1/link}: the link, whether it is enabled now, and the operator's
     * reason (free text, may be empty).
     */
    record LinkControlRequest(String linkId, boolean enabled, String reason) {
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
