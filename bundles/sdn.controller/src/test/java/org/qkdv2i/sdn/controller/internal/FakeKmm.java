package org.qkdv2i.sdn.controller.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.qkdv2i.kmm.api.Key;
import org.qkdv2i.kmm.api.KeyManager;
import org.qkdv2i.kmm.api.KeyManagerException;
import org.qkdv2i.kmm.api.KeyRequest;
import org.qkdv2i.kmm.api.PairStatus;
import org.qkdv2i.kmm.api.PoolStatus;
import org.qkdv2i.kmm.api.RelayRoutes;
import org.qkdv2i.kmm.api.RelayStats;
import org.qkdv2i.kmm.api.SaeInfo;
import org.qkdv2i.kmm.api.VirtualLink;
import org.qkdv2i.qkd.api.LinkState;
import org.qkdv2i.qkd.api.LinkStatus;

/**
 * A node's KMM as the agent sees it (the real one is bundles/kmm): one pool per physical link
 * whose driver state the test sets, and relay routes that accept only hops to peers, as the
 * kmm.api contract says. No keys are served here; the controller never asks for any.
 */
final class FakeKmm implements KeyManager, RelayRoutes {

    private final String nodeId;
    private final Map<String, PoolStatus> pools = new LinkedHashMap<>();
    private final Map<String, VirtualLink> links = new LinkedHashMap<>();
    /** Where the writes of several nodes are recorded in the order they happen ("put A v1", "remove B v1"). */
    private List<String> journal = new ArrayList<>();
    /** When set, putVirtualLink refuses (as a KMM that cannot take the route, e.g. mid-restart). */
    volatile boolean refuseVirtualLinks;

    FakeKmm(String nodeId) {
        this.nodeId = nodeId;
    }

    synchronized FakeKmm journal(List<String> shared) {
        this.journal = shared;
        return this;
    }

    synchronized FakeKmm link(String linkId, String peer, LinkState state) {
        LinkStatus s = new LinkStatus(state, state == LinkState.ABORTED_EAVESDROPPING ? 0.14 : 0.012,
                state == LinkState.UP ? 20_000 : 0, 200_000, 12.5, "", Instant.EPOCH);
        pools.put(linkId, new PoolStatus(nodeId, linkId, peer, true, s, 400, 400, 1000, 10, 256, 0, 0));
        return this;
    }

    synchronized VirtualLink virtualLink(String id) {
        return links.get(id);
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public List<Key> newKeys(KeyRequest request) throws KeyManagerException {
        throw new KeyManagerException(KeyManagerException.Reason.UNAVAILABLE, "no keys in this fake");
    }

    @Override
    public List<Key> keysById(String slaveSaeId, String masterSaeId, List<UUID> keyIds) throws KeyManagerException {
        throw new KeyManagerException(KeyManagerException.Reason.UNAVAILABLE, "no keys in this fake");
    }

    @Override
    public PairStatus status(String masterSaeId, String slaveSaeId) throws KeyManagerException {
        throw new KeyManagerException(KeyManagerException.Reason.UNAVAILABLE, "no keys in this fake");
    }

    @Override
    public synchronized List<PoolStatus> pools() {
        return new ArrayList<>(pools.values());
    }

    @Override
    public List<SaeInfo> saes() {
        return List.of();
    }

    @Override
    public synchronized void putVirtualLink(VirtualLink link) throws KeyManagerException {
        if (refuseVirtualLinks) {
            throw new KeyManagerException(KeyManagerException.Reason.UNAVAILABLE, "node " + nodeId + " refuses virtual links now");
        }
        Set<String> peers = new HashSet<>();
        pools.values().forEach(p -> peers.add(p.peerNodeId()));
        for (String hop : new String[] {link.prevHop(), link.nextHop()}) {
            if (hop != null && !peers.contains(hop)) {
                throw new KeyManagerException(KeyManagerException.Reason.BAD_REQUEST,
                        "hop " + hop + " of virtual link " + link.linkId() + " is not a peer of node " + nodeId);
            }
        }
        links.put(link.linkId(), link);
        journal.add("put " + nodeId + " " + link.linkId());
    }

    @Override
    public synchronized boolean removeVirtualLink(String linkId) {
        journal.add("remove " + nodeId + " " + linkId);
        return links.remove(linkId) != null;
    }

    @Override
    public synchronized List<VirtualLink> virtualLinks() {
        return new ArrayList<>(links.values());
    }

    @Override
    public List<RelayStats> relayStats() {
        return List.of();
    }
}
