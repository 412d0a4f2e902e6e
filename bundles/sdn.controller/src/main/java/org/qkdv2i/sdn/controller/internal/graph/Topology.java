package org.qkdv2i.sdn.controller.internal.graph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The QKD network as the controller sees it: trusted nodes and the physical links between them
 * (ETSI GS QKD 015 {@code qkd_link} of type PHYS). Plain Java, no OSGi or HTTP, not thread-safe:
 * the owner ({@link Network}) serialises access.
 *
 * <p>Nodes are numbered densely and the adjacency is kept as compressed arrays (rebuilt only when
 * a node or link is added or removed, not when metrics change) so a path search on a city mesh of
 * thousands of links touches only primitive arrays.
 */
public final class Topology {

    private final Map<String, Integer> nodeIndex = new HashMap<>();
    private final List<String> nodeIds = new ArrayList<>();
    private boolean[] reachable = new boolean[16];
    private final Map<String, PhysLink> links = new HashMap<>();
    private final List<PhysLink> linkList = new ArrayList<>();

    // compressed adjacency: arcs of node i are [adjStart[i], adjStart[i+1])
    private int[] adjStart = new int[1];
    private int[] adjNode = new int[0];
    private int[] adjLink = new int[0];
    private boolean dirty;
    private long version;
    private long returns;

    /** Adds a node if it is new; returns its index. */
    public int addNode(String nodeId) {
        Objects.requireNonNull(nodeId, "nodeId");
        Integer i = nodeIndex.get(nodeId);
        if (i != null) {
            return i;
        }
        int idx = nodeIds.size();
        nodeIds.add(nodeId);
        nodeIndex.put(nodeId, idx);
        if (idx >= reachable.length) {
            reachable = java.util.Arrays.copyOf(reachable, reachable.length * 2);
        }
        dirty = true;
        version++;
        return idx;
    }

    /** Whether the node's agent answered lately: only such nodes can be configured, so only they carry paths. */
    public void setReachable(String nodeId, boolean value) {
        reachable[addNode(nodeId)] = value;
    }

    public boolean reachable(String nodeId) {
        Integer i = nodeIndex.get(nodeId);
        return i != null && reachable[i];
    }

    boolean reachable(int node) {
        return reachable[node];
    }

    public boolean hasNode(String nodeId) {
        return nodeIndex.containsKey(nodeId);
    }

    public List<String> nodes() {
        return Collections.unmodifiableList(nodeIds);
    }

    public int nodeCount() {
        return nodeIds.size();
    }

    int index(String nodeId) {
        Integer i = nodeIndex.get(nodeId);
        return i == null ? -1 : i;
    }

    String nodeId(int index) {
        return nodeIds.get(index);
    }

    /**
     * Adds a link or updates its metrics. A link ID that reappears with other ends is replaced.
     *
     * @return the link
     */
    public PhysLink putLink(String linkId, String nodeA, String nodeB, LinkMetrics metrics) {
        Objects.requireNonNull(linkId, "linkId");
        Objects.requireNonNull(metrics, "metrics");
        if (nodeA.equals(nodeB)) {
            throw new IllegalArgumentException("link " + linkId + " joins node " + nodeA + " to itself");
        }
        PhysLink old = links.get(linkId);
        if (old != null && old.joins(nodeA, nodeB)) {
            setMetrics(old, metrics);
            return old;
        }
        double reserved = 0;
        if (old != null) {
            reserved = old.reservedBps;
            removeLink(linkId);
        }
        int a = addNode(nodeA);
        int b = addNode(nodeB);
        PhysLink l = new PhysLink(linkId, nodeA, nodeB, linkList.size(), a, b, metrics);
        l.reservedBps = reserved;
        links.put(linkId, l);
        linkList.add(l);
        dirty = true;
        version++;
        return l;
    }

    /** Updates the metrics of a known link; false if unknown. */
    public boolean updateMetrics(String linkId, LinkMetrics metrics) {
        PhysLink l = links.get(linkId);
        if (l == null) {
            return false;
        }
        setMetrics(l, Objects.requireNonNull(metrics, "metrics"));
        return true;
    }

    private void setMetrics(PhysLink l, LinkMetrics metrics) {
        if (!l.metrics.state().usable() && metrics.state().usable()) {
            returns++;
        }
        l.metrics = metrics;
    }

    /** Counts links that became usable again (DOWN, eavesdropped or unknown before). */
    public long returns() {
        return returns;
    }

    public boolean removeLink(String linkId) {
        PhysLink l = links.remove(linkId);
        if (l == null) {
            return false;
        }
        linkList.remove(l.index);
        for (int i = l.index; i < linkList.size(); i++) {
            linkList.get(i).index = i;
        }
        dirty = true;
        version++;
        return true;
    }

    public PhysLink link(String linkId) {
        return links.get(linkId);
    }

    PhysLink link(int index) {
        return linkList.get(index);
    }

    public List<PhysLink> links() {
        return Collections.unmodifiableList(linkList);
    }

    public int linkCount() {
        return linkList.size();
    }

    /** Changes whenever a node or link is added or removed (not on metric updates). */
    public long version() {
        return version;
    }

    /** The links between two nodes, usable or not. */
    public List<PhysLink> linksBetween(String x, String y) {
        List<PhysLink> out = new ArrayList<>(1);
        int i = index(x);
        if (i < 0) {
            return out;
        }
        ensureAdjacency();
        for (int k = adjStart[i]; k < adjStart[i + 1]; k++) {
            PhysLink l = linkList.get(adjLink[k]);
            if (l.joins(x, y)) {
                out.add(l);
            }
        }
        return out;
    }

    void ensureAdjacency() {
        if (!dirty) {
            return;
        }
        int n = nodeIds.size();
        int[] degree = new int[n + 1];
        for (PhysLink l : linkList) {
            degree[l.a]++;
            degree[l.b]++;
        }
        int[] start = new int[n + 1];
        for (int i = 0; i < n; i++) {
            start[i + 1] = start[i] + degree[i];
        }
        int[] fill = java.util.Arrays.copyOf(start, n);
        int[] node = new int[start[n]];
        int[] link = new int[start[n]];
        for (PhysLink l : linkList) {
            node[fill[l.a]] = l.b;
            link[fill[l.a]++] = l.index;
            node[fill[l.b]] = l.a;
            link[fill[l.b]++] = l.index;
        }
        adjStart = start;
        adjNode = node;
        adjLink = link;
        dirty = false;
    }

    int[] adjStart() {
        return adjStart;
    }

    int[] adjNode() {
        return adjNode;
    }

    int[] adjLink() {
        return adjLink;
    }
}
