package org.qkdv2i.sdn.controller.internal.graph;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The relay path between two end nodes, shared by every application between them: a node's KMM
 * relays keys for a remote SAE over the virtual link joining the two nodes (the one put last), so
 * two paths between the same nodes would fight. One ETSI GS QKD 015 VIRT link per path: a new
 * path gets a new link ID (pushed before the old one is deleted).
 */
public final class RelayPath {

    final String firstEnd;
    final String lastEnd;
    /** Applications carried; their priority and demand decide the path. */
    final Set<String> apps = new LinkedHashSet<>();
    String virtualLinkId;
    Path path;
    boolean noPath;
    String reason = "";
    int generation;
    /** Moved off its path by a failure: re-examined when links return (to move back). */
    boolean displaced;
    int priority;
    double demandBps;

    RelayPath(String firstEnd, String lastEnd) {
        this.firstEnd = firstEnd;
        this.lastEnd = lastEnd;
    }

    public String firstEnd() {
        return firstEnd;
    }

    public String lastEnd() {
        return lastEnd;
    }

    /** The current VIRT link ID; for one-hop paths the physical link carries the keys and this is unused. */
    public String virtualLinkId() {
        return virtualLinkId;
    }

    public Path path() {
        return path;
    }

    public boolean noPath() {
        return noPath;
    }

    public String reason() {
        return reason;
    }

    public int generation() {
        return generation;
    }

    public int priority() {
        return priority;
    }

    public double demandBps() {
        return demandBps;
    }

    public Set<String> apps() {
        return Set.copyOf(apps);
    }

    /** Whether the path needs a VIRT link (more than one hop: keys are relayed by trusted nodes). */
    public boolean relayed() {
        return path != null && path.hops() > 1;
    }

    /** The backing link the end nodes use: the VIRT link, or the single PHYS link. */
    public String backingLink() {
        return relayed() ? virtualLinkId : path.links().get(0);
    }

    static String key(String a, String b) {
        return a.compareTo(b) <= 0 ? a + "\u0000" + b : b + "\u0000" + a;
    }
}
