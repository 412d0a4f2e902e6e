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
}
