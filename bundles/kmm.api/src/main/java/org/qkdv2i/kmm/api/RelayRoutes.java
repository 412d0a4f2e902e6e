package org.qkdv2i.kmm.api;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The relay routes of one node's KMM, written by the node's SDN agent on the controller's
 * behalf (ETSI GS QKD 015 virtual links); registered with {@link KeyManager#NODE_PROPERTY}.
 *
 * <p>A key request between an SAE of this node and an SAE of a node that is not adjacent
 * is relayed over a virtual link joining the two nodes (the one put last, when several
 * do); with none, it fails with {@link KeyManagerException.Reason#BAD_REQUEST} naming the
 * missing route (ETSI GS QKD 020: no route to the SAE is known).
 */
@ProviderType
public interface RelayRoutes {

    /** The node these routes belong to. */
    String nodeId();

    /**
     * Adds a virtual link, or replaces the one with the same ID (a reroute). Keys already
     * relayed stay servable.
     *
     * @throws KeyManagerException {@code BAD_REQUEST} if a hop is not a peer of this node,
     *         or the hops do not fit this node's place (an end has one hop, a middle node two)
     */
    void putVirtualLink(VirtualLink link) throws KeyManagerException;

    /** Removes a virtual link; returns whether it was there. */
    boolean removeVirtualLink(String linkId);

    /** The virtual links this node lies on. */
    List<VirtualLink> virtualLinks();

    /** Relay counters per physical link of this node. */
    List<RelayStats> relayStats();
}
