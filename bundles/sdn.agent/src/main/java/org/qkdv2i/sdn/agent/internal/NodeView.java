package org.qkdv2i.sdn.agent.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.qkdv2i.kmm.api.KeyManager;
import org.qkdv2i.kmm.api.PoolStatus;
import org.qkdv2i.kmm.api.RelayRoutes;
import org.qkdv2i.kmm.api.RelayStats;
import org.qkdv2i.kmm.api.VirtualLink;
import org.qkdv2i.qkd.api.LinkState;
import org.qkdv2i.qkd.api.LinkStatus;
import org.qkdv2i.sdn.api.AppStatus;
import org.qkdv2i.sdn.api.KeyPool;
import org.qkdv2i.sdn.api.LinkEndpoint;
import org.qkdv2i.sdn.api.LinkPerformance;
import org.qkdv2i.sdn.api.NodeCapabilities;
import org.qkdv2i.sdn.api.PhysPerf;
import org.qkdv2i.sdn.api.PhysPerfType;
import org.qkdv2i.sdn.api.QkdApp;
import org.qkdv2i.sdn.api.QkdInterface;
import org.qkdv2i.sdn.api.QkdLink;
import org.qkdv2i.sdn.api.QkdNode;
import org.qkdv2i.sdn.api.QkdiStatus;
import org.qkdv2i.sdn.api.QkdlStatus;
import org.qkdv2i.sdn.api.QkdlType;
import org.qkdv2i.sdn.api.QkdnStatus;

/**
 * Maps the node's internal model to the ETSI GS QKD 015 {@code qkd_node}: one PHYS link and
 * one interface per key pool of the {@link KeyManager}, one VIRT link per
 * {@link VirtualLink} of the {@link RelayRoutes}, and the registered applications.
 *
 * <ul>
 * <li>{@code qkdl_status}: ACTIVE while the driver produces key (UP, DEGRADED); otherwise
 * PASSIVE while the pool still holds keys, PENDING while the driver starts, else OFF.</li>
 * <li>{@code skr}: the driver's secret key rate; {@code expected_consumption}: the measured
 * rate at which key leaves the pool (keys delivered to SAEs × key size + link key spent on
 * relay); {@code eskr}: skr minus the relay spending (015: after internal consumption);
 * {@code phys_perf} QBER: the driver's last QBER.</li>
 * <li>augmentation {@code qkdv2i-sdn:key_pool} (own/peer keys, capacity, key size) and
 * {@code qkdv2i-sdn:driver_state} (the driver's {@link LinkState}, DOWN when no driver).</li>
 * <li>a VIRT link's status follows the PHYS links to its hops at this node.</li>
 * </ul>
 */
final class NodeView {

    /** Cumulative counters per link and the clock the rates are measured with. */
    private final RateMeter rates;
    private final String nodeId;
    private final String version;
    private final String location;

    NodeView(String nodeId, String version, String location, RateMeter rates) {
        this.nodeId = nodeId;
        this.version = version;
        this.location = location;
        this.rates = rates;
    }

    /** The PHYS link statuses of a snapshot, for checks by the writer. */
    record Snapshot(QkdNode node, Set<String> physLinkIds) {
    }

    Snapshot snapshot(KeyManager km, RelayRoutes routes, List<QkdApp> apps, Map<String, Long> virtBandwidth,
            long nanos, Instant now) {
        List<PoolStatus> pools = new ArrayList<>(km.pools());
        pools.sort(Comparator.comparing(PoolStatus::linkId));
        List<VirtualLink> virtual = routes == null ? List.of() : routes.virtualLinks();
        Map<String, Long> relayBits = new HashMap<>();
        if (routes != null) {
            for (RelayStats s : routes.relayStats()) {
                relayBits.merge(s.linkId(), s.linkKeyBits(), Long::sum);
            }
        }

        // which applications ride which link: directly backed, or backed by a VIRT link through it
        Map<String, Set<String>> appsByLink = new HashMap<>();
        Map<String, VirtualLink> virtualById = new HashMap<>();
        for (VirtualLink v : virtual) {
            virtualById.put(v.linkId(), v);
        }
        Map<String, String> physByPeer = new HashMap<>();
        for (PoolStatus p : pools) {
            physByPeer.putIfAbsent(p.peerNodeId(), p.linkId());
        }
        for (QkdApp a : apps) {
            for (String l : a.backingQkdlId()) {
                appsByLink.computeIfAbsent(l, k -> new java.util.TreeSet<>()).add(a.appId());
                VirtualLink v = virtualById.get(l);
                if (v != null) {
                    for (String hop : new String[] { v.prevHop(), v.nextHop() }) {
                        String phys = hop == null ? null : physByPeer.get(hop);
                        if (phys != null) {
                            appsByLink.computeIfAbsent(phys, k -> new java.util.TreeSet<>()).add(a.appId());
                        }
                    }
                }
            }
        }

        List<QkdInterface> interfaces = new ArrayList<>();
        List<QkdLink> links = new ArrayList<>();
        Map<String, QkdLink> physByPeerLink = new HashMap<>();
        Set<String> physIds = new HashSet<>();
        Set<String> meterKeys = new HashSet<>();
        long qkdiId = 0;
        for (PoolStatus p : pools) {
            qkdiId++; // interfaces numbered in link ID order
            LinkStatus s = p.driverPresent() ? p.link() : null;
            interfaces.add(new QkdInterface(qkdiId, null, null, null, null, interfaceStatus(p, s)));

            long relay = relayBits.getOrDefault(p.linkId(), 0L);
            long used = Math.multiplyExact(p.delivered(), (long) p.keyBits()) + relay;
            Long consumption = rates.rate("used:" + p.linkId(), nanos, used);
            Long relayRate = rates.rate("relay:" + p.linkId(), nanos, relay);
            meterKeys.add("used:" + p.linkId());
            meterKeys.add("relay:" + p.linkId());
            long skr = s == null ? 0 : uint32(Math.round(s.secretKeyRate()));
            long eskr = Math.max(0, skr - (relayRate == null ? 0 : relayRate));
            List<PhysPerf> perf = s != null && Double.isFinite(s.qber()) && s.qber() >= 0
                    ? List.of(new PhysPerf(PhysPerfType.QBER, s.qber())) : List.of();
            KeyPool pool = new KeyPool(uint32(p.ownKeys()), uint32(p.peerKeys()), uint32(p.capacity()), p.keyBits());
            String driverState = s == null ? LinkState.DOWN.name() : s.state().name();
            Double att = s != null && Double.isFinite(s.channelLossDb()) ? s.channelLossDb() : null;
            QkdLink link = new QkdLink(p.linkId(), physStatus(p, s), Boolean.TRUE,
                    new LinkEndpoint(nodeId, qkdiId), LinkEndpoint.node(p.peerNodeId()), QkdlType.PHYS,
                    List.copyOf(appsByLink.getOrDefault(p.linkId(), Set.of())), null, null, null, att, null, null,
                    new LinkPerformance(consumption == null ? null : uint32(consumption), skr, eskr, perf, pool,
                            driverState));
            links.add(link);
            physIds.add(p.linkId());
            physByPeerLink.putIfAbsent(p.peerNodeId(), link);
        }
        rates.retain(meterKeys);

        for (VirtualLink v : virtual) {
            QkdlStatus status = QkdlStatus.ACTIVE;
            Long skr = null;
            for (String hop : new String[] { v.prevHop(), v.nextHop() }) {
                if (hop == null) {
                    continue;
                }
                QkdLink phys = physByPeerLink.get(hop);
                QkdlStatus hs = phys == null ? QkdlStatus.OFF : phys.qkdlStatus();
                status = worse(status, hs);
                Long hopSkr = phys == null ? Long.valueOf(0) : phys.qkdlPerformance().eskr();
                skr = skr == null ? hopSkr : Long.valueOf(Math.min(skr, hopSkr));
            }
            Long bandwidth = virtBandwidth.get(v.linkId());
            links.add(new QkdLink(v.linkId(), status, Boolean.TRUE, LinkEndpoint.node(v.firstEnd()),
                    LinkEndpoint.node(v.lastEnd()), QkdlType.VIRT,
                    List.copyOf(appsByLink.getOrDefault(v.linkId(), Set.of())), v.prevHop(),
                    v.nextHop() == null ? List.of() : List.of(v.nextHop()), bandwidth, null, null, null,
                    new LinkPerformance(bandwidth, skr, null, List.of())));
        }

        Set<String> linkIds = new HashSet<>();
        links.forEach(l -> linkIds.add(l.qkdlId()));
        Map<String, QkdlStatus> statusById = new HashMap<>();
        links.forEach(l -> statusById.put(l.qkdlId(), l.qkdlStatus()));
        List<QkdApp> shownApps = new ArrayList<>(apps.size());
        for (QkdApp a : apps) {
            shownApps.add(a.withStatus(appStatus(a, statusById, now)));
        }

        QkdnStatus nodeStatus = pools.isEmpty() ? QkdnStatus.NEW
                : links.stream().anyMatch(l -> l.qkdlType() == QkdlType.PHYS
                        && (l.qkdlStatus() == QkdlStatus.ACTIVE || l.qkdlStatus() == QkdlStatus.PASSIVE))
                                ? QkdnStatus.OPERATING : QkdnStatus.DOWN;
        // no per-application key accounting in the KMM yet: application_stats_support false
        NodeCapabilities caps = new NodeCapabilities(true, false, routes != null);
        return new Snapshot(new QkdNode(nodeId, nodeStatus, version, location, caps, shownApps, interfaces, links),
                physIds);
    }

    static QkdlStatus physStatus(PoolStatus p, LinkStatus s) {
        LinkState state = s == null ? null : s.state();
        if (state == LinkState.UP || state == LinkState.DEGRADED) {
            return QkdlStatus.ACTIVE;
        }
        if (p.ownKeys() + p.peerKeys() > 0) {
            return QkdlStatus.PASSIVE; // 015: no key generation, but keys are still available
        }
        if (state == LinkState.STARTING || p.driverPresent() && state == null) {
            return QkdlStatus.PENDING;
        }
        return QkdlStatus.OFF;
    }

    private static QkdiStatus interfaceStatus(PoolStatus p, LinkStatus s) {
        if (!p.driverPresent()) {
            return QkdiStatus.DISABLED;
        }
        return s != null && s.state() == LinkState.DOWN ? QkdiStatus.FAILED : QkdiStatus.ENABLED;
    }

    /** ON while all backing links exist and hold or make key; OUT-OF-TIME once expired; else DISCONNECTED. */
    private static AppStatus appStatus(QkdApp a, Map<String, QkdlStatus> links, Instant now) {
        if (a.expirationTime() != null && !now.isBefore(a.expirationTime())) {
            return AppStatus.OUT_OF_TIME;
        }
        for (String l : a.backingQkdlId()) {
            QkdlStatus s = links.get(l);
            if (s == null || s == QkdlStatus.OFF || s == QkdlStatus.PENDING) {
                return AppStatus.DISCONNECTED;
            }
        }
        return AppStatus.ON;
    }

    /** Order of badness: ACTIVE < PASSIVE < PENDING < OFF. */
    private static QkdlStatus worse(QkdlStatus a, QkdlStatus b) {
        return a.ordinal() >= b.ordinal() ? a : b;
    }

    private static long uint32(long v) {
        return Math.max(0, Math.min(0xFFFF_FFFFL, v));
    }
}
