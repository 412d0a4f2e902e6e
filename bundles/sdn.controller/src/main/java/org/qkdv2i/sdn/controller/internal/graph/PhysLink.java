package org.qkdv2i.sdn.controller.internal.graph;

/**
 * A physical QKD link between two trusted nodes, with its latest metrics and the key rate the
 * controller's own applications are expected to draw from it. Mutated only by {@link Topology}
 * under its owner's lock.
 */
public final class PhysLink {

    private final String id;
    private final String nodeA;
    private final String nodeB;
    int index;
    final int a;
    final int b;
    LinkMetrics metrics;
    /** Sum of the demands (bit/s) of the applications routed over this link. */
    double reservedBps;

    PhysLink(String id, String nodeA, String nodeB, int index, int a, int b, LinkMetrics metrics) {
        this.id = id;
        this.nodeA = nodeA;
        this.nodeB = nodeB;
        this.index = index;
        this.a = a;
        this.b = b;
        this.metrics = metrics;
    }

    public String id() {
        return id;
    }

    public String nodeA() {
        return nodeA;
    }

    public String nodeB() {
        return nodeB;
    }

    public LinkMetrics metrics() {
        return metrics;
    }

    public double reservedBps() {
        return reservedBps;
    }

    /** The other end, or null if {@code node} is not an end. */
    public String other(String node) {
        return nodeA.equals(node) ? nodeB : nodeB.equals(node) ? nodeA : null;
    }

    /** Whether this link joins the two nodes, in either direction. */
    public boolean joins(String x, String y) {
        return nodeA.equals(x) && nodeB.equals(y) || nodeA.equals(y) && nodeB.equals(x);
    }

    @Override
    public String toString() {
        return id + "(" + nodeA + "-" + nodeB + ", " + metrics.state() + ")";
    }
}
