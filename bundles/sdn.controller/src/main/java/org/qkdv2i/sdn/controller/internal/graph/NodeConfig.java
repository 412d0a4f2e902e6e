package org.qkdv2i.sdn.controller.internal.graph;

import java.util.List;

/** What one node's agent must hold for the controller's applications (desired state, ETSI GS QKD 015). */
public final class NodeConfig {

    private NodeConfig() {
    }

    /**
     * One node's view of a VIRT link: its two ends and its neighbours on the path
     * ({@code virt_prev_hop}: towards {@code firstEnd}, null at firstEnd; {@code virt_next_hop}:
     * towards {@code lastEnd}, null at lastEnd).
     */
    public record Virt(String node, String linkId, String firstEnd, String lastEnd, String prevHop, String nextHop,
            List<String> physLinks) {
    }

    /**
     * A {@code qkd_app} entry at one end node.
     *
     * @param node       the node holding it ({@code local_qkdn_id})
     * @param remoteNode the other end ({@code remote_qkdn_id})
     */
    public record App(String node, Application app, String remoteNode) {
    }

    /** Something to delete at a node. */
    public record Retired(String node, Kind kind, String id) {
    }

    public enum Kind {
        VIRT_LINK, APP
    }
}
