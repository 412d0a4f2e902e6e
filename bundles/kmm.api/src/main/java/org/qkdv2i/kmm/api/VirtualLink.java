package org.qkdv2i.kmm.api;

import java.util.Objects;

/**
 * A key relay path through trusted nodes as one node sees it: the virtual link
 * ({@code qkdl_type VIRT}) of ETSI GS QKD 015, which gives each node on the path the two
 * ends and its neighbours ({@code virt_prev_hop}, {@code virt_next_hop}), not the whole
 * path. Keys for SAE pairs on the two end nodes travel hop by hop (ETSI GS QKD 020
 * {@code ext_keys}), one-time-pad encrypted and authenticated with key of each physical
 * link they cross.
 *
 * @param linkId   the virtual link's ID ({@code qkdl_id}), unique in the network
 * @param firstEnd one end node
 * @param lastEnd  the other end node
 * @param prevHop  this node's neighbour towards {@code firstEnd}; null at {@code firstEnd}
 * @param nextHop  this node's neighbour towards {@code lastEnd}; null at {@code lastEnd}
 */
public record VirtualLink(String linkId, String firstEnd, String lastEnd, String prevHop, String nextHop) {

    public VirtualLink {
        Objects.requireNonNull(linkId, "linkId");
        Objects.requireNonNull(firstEnd, "firstEnd");
        Objects.requireNonNull(lastEnd, "lastEnd");
        if (linkId.isBlank()) {
            throw new IllegalArgumentException("virtual link ID is blank");
        }
        if (firstEnd.equals(lastEnd)) {
            throw new IllegalArgumentException("virtual link " + linkId + " starts and ends at " + firstEnd);
        }
        if (prevHop == null && nextHop == null) {
            throw new IllegalArgumentException("virtual link " + linkId + " has neither a previous nor a next hop");
        }
        if (firstEnd.equals(nextHop) || lastEnd.equals(prevHop) || Objects.equals(prevHop, nextHop)) {
            throw new IllegalArgumentException("virtual link " + linkId + " runs backwards or in a loop: "
                    + firstEnd + " … " + prevHop + " → (this node) → " + nextHop + " … " + lastEnd);
        }
    }

    /** Whether the link ends at both nodes, in either order. */
    public boolean joins(String nodeA, String nodeB) {
        return firstEnd.equals(nodeA) && lastEnd.equals(nodeB) || firstEnd.equals(nodeB) && lastEnd.equals(nodeA);
    }

    /** Whether this node is one of the ends (the link has one hop from here on only). */
    public boolean isEnd() {
        return prevHop == null || nextHop == null;
    }

    /** The neighbour a key travelling towards {@code end} goes to next; null if {@code end} is not an end or this node is it. */
    public String hopTowards(String end) {
        if (end.equals(lastEnd)) {
            return nextHop;
        }
        if (end.equals(firstEnd)) {
            return prevHop;
        }
        return null;
    }
}
