package org.qkdv2i.kmm.api;

import java.util.List;
import java.util.UUID;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The key management module of one node, registered with the service property
 * {@link #NODE_PROPERTY} so that several nodes may share a framework.
 *
 * <p>Every key is delivered once to the master SAE and once to each slave SAE it was
 * requested for, then destroyed. Returned {@link Key}s are the caller's to destroy.
 */
@ProviderType
public interface KeyManager {

    /** Service property holding the node ID (String). */
    String NODE_PROPERTY = "qkd.node";

    /** The ID of this node (its KME ID in ETSI GS QKD 014 terms). */
    String nodeId();

    /**
     * New keys for the master SAE to share with the slave SAE(s) (ETSI 014 {@code enc_keys}).
     * The caller is the master; the keys become retrievable by ID for the slaves only.
     *
     * @throws KeyManagerException with a reason the caller can act on; no key is consumed
     */
    List<Key> newKeys(KeyRequest request) throws KeyManagerException;

    /**
     * Keys a master SAE requested for {@code slaveSaeId} (ETSI 014 {@code dec_keys}).
     * All or nothing: if one ID cannot be served, none is consumed.
     */
    List<Key> keysById(String slaveSaeId, String masterSaeId, List<UUID> keyIds) throws KeyManagerException;

    /** What the master SAE can ask for with this slave (ETSI 014 {@code status}). */
    PairStatus status(String masterSaeId, String slaveSaeId) throws KeyManagerException;

    /** One entry per QKD link of this node. */
    List<PoolStatus> pools();

    /** The SAEs this node knows, local and remote. */
    List<SaeInfo> saes();

    /**
     * Voids a key this KME delivered to {@code masterSaeId} for {@code slaveSaeId} that is
     * suspected compromised (key replacement on request, 1.4.0): both KMMs of the pair forget
     * it, it is never served or relayed again, and a later {@link #keysById} for it fails with
     * {@link KeyManagerException.Reason#KEYS_NOT_FOUND} and a message saying it was voided.
     * Idempotent. What an operator uses; an SAE uses {@link #replaceKey}.
     *
     * @param reason who asked and why, for the logs of both nodes (no key material)
     * @throws KeyManagerException KEYS_NOT_FOUND when this KME did not deliver that key to that
     *                             pair, UNAVAILABLE when the slave's KMM could not be told (retry)
     */
    default void voidKey(String masterSaeId, String slaveSaeId, UUID keyId, String reason)
            throws KeyManagerException {
        throw new KeyManagerException(KeyManagerException.Reason.BAD_REQUEST,
                "this key manager does not support key replacement");
    }

    /**
     * Key replacement on request (1.4.0): {@link #voidKey voids} {@code keyId} at both ends,
     * then answers {@code request} like {@link #newKeys} with fresh keys under new IDs. The
     * ETSI GS QKD 014 vendor extension {@value #REPLACE_KEY_EXTENSION} maps here.
     */
    default List<Key> replaceKey(KeyRequest request, UUID keyId) throws KeyManagerException {
        voidKey(request.masterSaeId(), request.slaveSaeId(), keyId,
                "replacement requested by master SAE " + request.masterSaeId());
        return newKeys(request);
    }

    /**
     * Key authentication counters per link (1.4.0); empty when this node does not authenticate
     * driver key blocks.
     */
    default List<KeyAuthStatus> keyAuthentication() {
        return List.of();
    }

    /**
     * The allocation by agreed QoS (1.5.0): per pool and consumer (SAE pair or key stream) its priority,
     * guaranteed minimum and maximum rate, whether its minimum is reserved now, the rate served and the
     * requests refused because key was scarce. Empty when nothing asked for key from a link pool yet.
     */
    default List<QosStatus> qosAllocation() {
        return List.of();
    }

    /**
     * Name of the ETSI GS QKD 014 {@code extension_mandatory} member asking for key
     * replacement: {@code {"qkdv2i_replace_key_ID": "<key UUID>"}} in an enc_keys request.
     */
    String REPLACE_KEY_EXTENSION = "qkdv2i_replace_key_ID";
}
