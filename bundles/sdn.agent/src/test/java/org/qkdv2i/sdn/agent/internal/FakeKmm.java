package org.qkdv2i.sdn.agent.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

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
 * A fake KMM for one node (the real one lives in bundles/kmm): pools set by the test, and
 * relay routes that check hops against the pools' peers as the contract says.
 */
class FakeKmm implements KeyManager, RelayRoutes {

    final String nodeId;
    final List<PoolStatus> pools = new CopyOnWriteArrayList<>();
    final Map<String, VirtualLink> links = new LinkedHashMap<>();
    final List<RelayStats> stats = new CopyOnWriteArrayList<>();

    FakeKmm(String nodeId) {
        this.nodeId = nodeId;
    }

    static PoolStatus pool(String node, String link, String peer, LinkState state, double qber, double skr,
            long own, long peerKeys, long delivered) {
        LinkStatus s = new LinkStatus(state, qber, skr, skr * 10, 12.5, "", Instant.EPOCH);
        return new PoolStatus(node, link, peer, true, s, own, peerKeys, 1000, 10, 256, delivered, 0);
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public List<Key> newKeys(KeyRequest request) throws KeyManagerException {
        throw new KeyManagerException(KeyManagerException.Reason.UNAVAILABLE, "not in this fake");
    }

    @Override
    public List<Key> keysById(String slaveSaeId, String masterSaeId, List<UUID> keyIds) throws KeyManagerException {
        throw new KeyManagerException(KeyManagerException.Reason.UNAVAILABLE, "not in this fake");
    }

    @Override
    public PairStatus status(String masterSaeId, String slaveSaeId) throws KeyManagerException {
        throw new KeyManagerException(KeyManagerException.Reason.UNAVAILABLE, "not in this fake");
    }

    @Override
    public List<PoolStatus> pools() {
        return List.copyOf(pools);
    }

    @Override
    public List<SaeInfo> saes() {
        return List.of();
    }

    @Override
    public synchronized void putVirtualLink(VirtualLink link) throws KeyManagerException {
        Set<String> peers = new java.util.HashSet<>();
        pools.forEach(p -> peers.add(p.peerNodeId()));
        for (String hop : new String[] { link.prevHop(), link.nextHop() }) {
            if (hop != null && !peers.contains(hop)) {
                throw new KeyManagerException(KeyManagerException.Reason.BAD_REQUEST,
                        "hop " + hop + " of virtual link " + link.linkId() + " is not a peer of node " + nodeId);
            }
        }
        links.put(link.linkId(), link);
    }

    @Override
    public synchronized boolean removeVirtualLink(String linkId) {
        return links.remove(linkId) != null;
    }

    @Override
    public synchronized List<VirtualLink> virtualLinks() {
        return new ArrayList<>(links.values());
    }

    @Override
    public List<RelayStats> relayStats() {
        return List.copyOf(stats);
    }
}
