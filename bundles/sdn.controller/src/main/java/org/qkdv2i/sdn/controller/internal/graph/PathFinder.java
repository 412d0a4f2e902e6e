package org.qkdv2i.sdn.controller.internal.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * Dijkstra's shortest path on the {@link Topology} with {@link Weights} as edge costs, over
 * links whose state is usable and nodes whose agent answers. Uses an indexed binary heap on
 * primitive arrays that it keeps between searches; one instance per thread (the
 * {@link Network} owns one and searches under its lock).
 */
public final class PathFinder {

    private double[] dist = new double[0];
    private int[] prevArc = new int[0];
    private int[] heap = new int[0];
    private int[] heapPos = new int[0];
    /** Epoch stamp per node: a node's dist is valid only if seen[node] == epoch (no clearing per search). */
    private int[] seen = new int[0];
    private int epoch;
    private int heapSize;

    /**
     * The cheapest path from {@code from} to {@code to}, or null when none exists.
     *
     * @param demandBps the application's key demand (bit/s), see {@link Weights#demand(double)}
     * @param priority  the application's priority (higher = more important)
     * @param avoid     link IDs not to use (may be empty)
     */
    public Path find(Topology t, String from, String to, double demandBps, int priority, Set<String> avoid) {
        int src = t.index(from);
        int dst = t.index(to);
        if (src < 0 || dst < 0 || src == dst || !t.reachable(src) || !t.reachable(dst)) {
            return null;
        }
        t.ensureAdjacency();
        int n = t.nodeCount();
        ensureCapacity(n);
        if (++epoch == Integer.MAX_VALUE) {
            Arrays.fill(seen, 0);
            epoch = 1;
        }
        int[] start = t.adjStart();
        int[] arcNode = t.adjNode();
        int[] arcLink = t.adjLink();
        boolean checkAvoid = avoid != null && !avoid.isEmpty();

        heapSize = 0;
        seen[src] = epoch;
        dist[src] = 0;
        prevArc[src] = -1;
        push(src);
        while (heapSize > 0) {
            int u = pop();
            if (u == dst) {
                return build(t, src, dst, arcLink);
            }
            double du = dist[u];
            for (int k = start[u]; k < start[u + 1]; k++) {
                int v = arcNode[k];
                if (!t.reachable(v)) {
                    continue;
                }
                PhysLink l = t.link(arcLink[k]);
                if (!l.metrics.state().usable() || checkAvoid && avoid.contains(l.id())) {
                    continue;
                }
                double dv = du + Weights.cost(l, demandBps, priority);
                if (seen[v] != epoch) {
                    seen[v] = epoch;
                    dist[v] = dv;
                    prevArc[v] = k;
                    push(v);
                } else if (dv < dist[v] && heapPos[v] >= 0) {
                    dist[v] = dv;
                    prevArc[v] = k;
                    siftUp(heapPos[v]);
                }
            }
        }
        return null;
    }

    private Path build(Topology t, int src, int dst, int[] arcLink) {
        List<String> nodes = new ArrayList<>();
        List<String> links = new ArrayList<>();
        int v = dst;
        nodes.add(t.nodeId(v));
        while (v != src) {
            int k = prevArc[v];
            PhysLink l = t.link(arcLink[k]);
            links.add(l.id());
            v = l.a == v ? l.b : l.a;
            nodes.add(t.nodeId(v));
        }
        Collections.reverse(nodes);
        Collections.reverse(links);
        return new Path(nodes, links, dist[dst]);
    }

    private void ensureCapacity(int n) {
        if (dist.length >= n) {
            return;
        }
        int size = Math.max(n, dist.length * 2);
        dist = new double[size];
        prevArc = new int[size];
        heap = new int[size];
        heapPos = new int[size];
        seen = new int[size];
        epoch = 0;
    }

    // ---- indexed binary min-heap on dist[]; heapPos[v] = -1 once popped

    private void push(int v) {
        heap[heapSize] = v;
        heapPos[v] = heapSize;
        siftUp(heapSize++);
    }

    private int pop() {
        int top = heap[0];
        heapPos[top] = -1;
        int last = heap[--heapSize];
        if (heapSize > 0) {
            heap[0] = last;
            heapPos[last] = 0;
            siftDown(0);
        }
        return top;
    }

    private void siftUp(int i) {
        int v = heap[i];
        double d = dist[v];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            int p = heap[parent];
            if (dist[p] <= d) {
                break;
            }
            heap[i] = p;
            heapPos[p] = i;
            i = parent;
        }
        heap[i] = v;
        heapPos[v] = i;
    }

    private void siftDown(int i) {
        int v = heap[i];
        double d = dist[v];
        int half = heapSize >>> 1;
        while (i < half) {
            int c = 2 * i + 1;
            int r = c + 1;
            if (r < heapSize && dist[heap[r]] < dist[heap[c]]) {
                c = r;
            }
            if (dist[heap[c]] >= d) {
                break;
            }
            heap[i] = heap[c];
            heapPos[heap[i]] = i;
            i = c;
        }
        heap[i] = v;
        heapPos[v] = i;
    }
}
