package org.qkdv2i.kmm.api;

import java.util.List;
import java.util.Objects;

/**
 * A key relay path through trusted nodes: the virtual link ({@code qkdl_type VIRT}) of
 * ETSI GS QKD 015. Keys for SAE pairs on its two end nodes travel hop by hop along
 * {@link #path()} (ETSI GS QKD 020 {@code ext_keys}), one-time-pad encrypted and
 * authenticated with key of each physical link they cross.
 *
 * @param linkId the virtual link's ID ({@code qkdl_id}), unique in the network
 * @param path   node IDs from one end to the other; at least three, no node twice, each
 *               neighbouring pair joined by a physical QKD link
 */
public record VirtualLink(String linkId, List<String> path) {

    public VirtualLink {
        Objects.requireNonNull(linkId, "linkId");
        path = List.copyOf(path);
        if (linkId.isBlank()) {
            throw new IllegalArgumentException("virtual link ID is blank");
        }
        if (path.size() < 3) {
            throw new IllegalArgumentException("virtual link " + linkId
                    + " needs at least three nodes (adjacent nodes use their physical link): " + path);
        }
        if (path.stream().distinct().count() != path.size()) {
            throw new IllegalArgumentException("virtual link " + linkId + " visits a node twice: " + path);
        }
    }

    /** The first node of the path. */
    public String firstEnd() {
        return path.get(0);
    }

    /** The last node of the path. */
    public String lastEnd() {
        return path.get(path.size() - 1);
    }

    /** Whether the path ends at both nodes, in either order. */
    public boolean joins(String nodeA, String nodeB) {
        return firstEnd().equals(nodeA) && lastEnd().equals(nodeB)
                || firstEnd().equals(nodeB) && lastEnd().equals(nodeA);
    }

    /**
     * The node after {@code nodeId} when a key travels towards {@code towardsEnd}, or null
     * when {@code nodeId} is that end or not on the path.
     */
    public String nextHop(String nodeId, String towardsEnd) {
        int at = path.indexOf(nodeId);
        int end = path.indexOf(towardsEnd);
        if (at < 0 || end < 0 || at == end) {
            return null;
        }
        return path.get(at < end ? at + 1 : at - 1);
    }
}
