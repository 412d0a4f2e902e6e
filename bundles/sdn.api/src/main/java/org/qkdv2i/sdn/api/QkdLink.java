package org.qkdv2i.sdn.api;

import java.util.List;

/**
 * {@code qkd_links/qkd_link[qkdl_id]}: a key association link to another node, physical
 * (a direct quantum channel) or virtual (keys relayed hop by hop through trusted nodes).
 *
 * <p>For a VIRT link each node on the path holds its own view: {@code qkdl_local} and
 * {@code qkdl_remote} are the two end nodes, {@code virt_prev_hop} is this node's
 * neighbour towards {@code qkdl_local} (absent at that end) and {@code virt_next_hop} the
 * neighbour towards {@code qkdl_remote} (absent at that end). The {@code virt_*} leaves are
 * valid for VIRT links only and the {@code phys_*} leaves for PHYS links only (YANG
 * {@code when}).
 *
 * @param qkdlId            the link (list key)
 * @param qkdlStatus        its status; null if absent
 * @param qkdlEnable        key generation enabled; null if absent (YANG default true)
 * @param qkdlLocal         the local (source) end; null if absent
 * @param qkdlRemote        the remote (destination) end; null if absent
 * @param qkdlType          VIRT or PHYS; null if absent
 * @param qkdlApplications  applications consuming keys of this link; never null
 * @param virtPrevHop       VIRT: previous hop; null if absent
 * @param virtNextHop       VIRT: next hop(s), a leaf-list (several for multicast); never null
 * @param virtBandwidth     VIRT: required bandwidth, bit/s (uint32); null if absent
 * @param physChannelAtt    PHYS: expected quantum channel attenuation, dB; null if absent
 * @param physWavelength    PHYS: WDM channel number; null if absent
 * @param physQkdRole       PHYS: this end's role; null if absent
 * @param qkdlPerformance   performance (state data); null if absent
 */
public record QkdLink(String qkdlId, QkdlStatus qkdlStatus, Boolean qkdlEnable, LinkEndpoint qkdlLocal,
        LinkEndpoint qkdlRemote, QkdlType qkdlType, List<String> qkdlApplications, String virtPrevHop,
        List<String> virtNextHop, Long virtBandwidth, Double physChannelAtt, String physWavelength,
        QkdRoleType physQkdRole, LinkPerformance qkdlPerformance) {

    public QkdLink {
        Checks.id(qkdlId, "qkdl_id");
        qkdlApplications = Checks.list(qkdlApplications, "qkdl_applications");
        virtNextHop = Checks.list(virtNextHop, "virt_next_hop");
        Checks.uint32(virtBandwidth, "virt_bandwidth");
    }

    /**
     * A VIRT link as one node on its path sees it.
     *
     * @param localEnd  the node at one end ({@code qkdl_local/qkdn_id})
     * @param remoteEnd the node at the other end ({@code qkdl_remote/qkdn_id})
     * @param prevHop   this node's neighbour towards {@code localEnd}; null at {@code localEnd}
     * @param nextHop   this node's neighbour towards {@code remoteEnd}; null at {@code remoteEnd}
     */
    public static QkdLink virtual(String qkdlId, QkdlStatus status, String localEnd, String remoteEnd, String prevHop,
            String nextHop) {
        return new QkdLink(qkdlId, status, Boolean.TRUE, LinkEndpoint.node(localEnd), LinkEndpoint.node(remoteEnd),
                QkdlType.VIRT, List.of(), prevHop, nextHop == null ? List.of() : List.of(nextHop), null, null, null,
                null, null);
    }

    /** Whether this is a VIRT link. */
    public boolean isVirtual() {
        return qkdlType == QkdlType.VIRT;
    }

    /** The first (usually only) next hop of a VIRT link, or null. */
    public String nextHop() {
        return virtNextHop.isEmpty() ? null : virtNextHop.get(0);
    }

    /** The node at {@code qkdl_local}, or null. */
    public String localNode() {
        return qkdlLocal == null ? null : qkdlLocal.qkdnId();
    }

    /** The node at {@code qkdl_remote}, or null. */
    public String remoteNode() {
        return qkdlRemote == null ? null : qkdlRemote.qkdnId();
    }
}
