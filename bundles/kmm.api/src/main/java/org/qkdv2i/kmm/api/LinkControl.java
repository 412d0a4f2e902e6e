package org.qkdv2i.kmm.api;

import java.util.Set;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Administrative control of the physical QKD links of one node's KMM (operator actions from the
 * shell or an OPC UA method); registered with {@link KeyManager#NODE_PROPERTY}.
 *
 * <p>A disabled link takes no new key blocks at either end: the KMM tells the peer KMM over
 * their authenticated channel, both detach from the link's driver, and blocks the driver makes
 * meanwhile are destroyed by the driver. Keys already in the pool stay servable, so key requests
 * the pool can still serve never fail because of a disable. The state survives neither a KMM
 * restart nor a driver update: a link is enabled when its driver is bound again.
 */
@ProviderType
public interface LinkControl {

    /** The node these links belong to. */
    String nodeId();

    /**
     * Stops taking key blocks on the link, at both ends. Disabling a disabled link does nothing.
     *
     * @param reason a short operator text, logged and shown in the link status
     * @throws KeyManagerException {@code BAD_REQUEST} if the link is not a physical link of this node
     */
    void disable(String linkId, String reason) throws KeyManagerException;

    /**
     * Takes key blocks on the link again, at both ends. Enabling an enabled link does nothing.
     *
     * @throws KeyManagerException {@code BAD_REQUEST} if the link is not a physical link of this node
     */
    void enable(String linkId) throws KeyManagerException;

    /** The physical links of this node that are disabled now. */
    Set<String> disabledLinks();
}
