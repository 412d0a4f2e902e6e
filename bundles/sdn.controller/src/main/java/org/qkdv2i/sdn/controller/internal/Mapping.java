package org.qkdv2i.sdn.controller.internal;

import java.util.ArrayList;
import java.util.List;

import org.qkdv2i.sdn.api.AppQos;
import org.qkdv2i.sdn.api.AppType;
import org.qkdv2i.sdn.api.LinkPerformance;
import org.qkdv2i.sdn.api.QkdApp;
import org.qkdv2i.sdn.api.QkdLink;
import org.qkdv2i.sdn.api.QkdNode;
import org.qkdv2i.sdn.api.QkdlStatus;
import org.qkdv2i.sdn.api.QkdlType;
import org.qkdv2i.sdn.controller.internal.graph.AppRequest;
import org.qkdv2i.sdn.controller.internal.graph.Application;
import org.qkdv2i.sdn.controller.internal.graph.LinkMetrics;
import org.qkdv2i.sdn.controller.internal.graph.LinkState;
import org.qkdv2i.sdn.controller.internal.graph.Network;
import org.qkdv2i.sdn.controller.internal.graph.NodeConfig;

/** Between the ETSI GS QKD 015 model (sdn.api) and the controller's graph. */
final class Mapping {

    private Mapping() {
    }

    /** The PHYS links an agent reports, as graph reports from node {@code nodeId}. */
    static List<Network.LinkReport> physicalLinks(String nodeId, QkdNode node) {
        List<Network.LinkReport> out = new ArrayList<>();
        for (QkdLink l : node.qkdLinks()) {
            if (l.qkdlType() == QkdlType.VIRT) {
                continue;
            }
            String local = l.localNode() != null ? l.localNode() : nodeId;
            String remote = l.remoteNode();
            if (remote == null || remote.equals(local)) {
                continue;
            }
            out.add(new Network.LinkReport(l.qkdlId(), local, remote, metrics(l)));
        }
        return out;
    }

    static LinkMetrics metrics(QkdLink l) {
        LinkPerformance p = l.qkdlPerformance();
        LinkState state = state(l, p);
        if (p == null) {
            return new LinkMetrics(state, -1, 0, Double.NaN, 0);
        }
        // the sender's half of the pool pays for relayed keys (direction split): the pool this end can spend
        long pool = p.keyPool() == null ? -1 : p.keyPool().ownBits();
        Double q = p.qber();
        return new LinkMetrics(state, pool, p.skr() == null ? 0 : p.skr(), q == null ? Double.NaN : q,
                p.expectedConsumption() == null ? 0 : p.expectedConsumption());
    }

    /**
     * The driver's state when the agent gives it (it tells an attack from an outage); otherwise
     * 015's qkdl_status: ACTIVE/PASSIVE usable, PENDING unknown, OFF down. Disabled links are down.
     */
    static LinkState state(QkdLink l, LinkPerformance p) {
        if (Boolean.FALSE.equals(l.qkdlEnable())) {
            return LinkState.DOWN;
        }
        if (p != null && p.driverState() != null) {
            switch (p.driverState()) {
                case "UP":
                    return LinkState.UP;
                case "DEGRADED":
                    return LinkState.DEGRADED;
                case "DOWN":
                    return LinkState.DOWN;
                case LinkPerformance.EAVESDROPPING:
                    return LinkState.EAVESDROPPING;
                default:
                    return LinkState.UNKNOWN;
            }
        }
        if (l.qkdlStatus() == null) {
            return LinkState.UNKNOWN;
        }
        switch (l.qkdlStatus()) {
            case ACTIVE:
            case PASSIVE:
                return LinkState.UP;
            case OFF:
                return LinkState.DOWN;
            default:
                return LinkState.UNKNOWN;
        }
    }

    /** One node's VIRT link entry: {@code qkdl_local}/{@code qkdl_remote} are the two ends. */
    static QkdLink virtualLink(NodeConfig.Virt v) {
        return QkdLink.virtual(v.linkId(), QkdlStatus.ACTIVE, v.firstEnd(), v.lastEnd(), v.prevHop(), v.nextHop());
    }

    /**
     * The {@code qkd_app} entry at one end node. {@code app_status} and {@code creation_time} are
     * state data (config false in the YANG): the node keeps its own, so an edit does not send them.
     */
    static QkdApp app(NodeConfig.App a) {
        Application app = a.app();
        AppRequest r = app.request();
        AppQos qos = AppQos.of(positive(r.qos().maxBandwidth()), positive(r.qos().minBandwidth()),
                positive(r.qos().jitter()), positive(r.qos().ttl()));
        return new QkdApp(app.id(), null, AppType.CLIENT, r.serverSae(), List.of(r.clientSae()),
                (long) r.priority(), null, null, List.of(), qos, List.of(app.backingLink()), a.node(),
                a.remoteNode());
    }

    private static Long positive(long v) {
        return v > 0 ? v : null;
    }
}
