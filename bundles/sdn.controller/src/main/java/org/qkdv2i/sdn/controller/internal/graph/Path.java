package org.qkdv2i.sdn.controller.internal.graph;

import java.util.List;

/**
 * A relay path: nodes from one end to the other and the physical links between them
 * ({@code links.size() == nodes.size() - 1}).
 */
public record Path(List<String> nodes, List<String> links, double cost) {

    public Path {
        nodes = List.copyOf(nodes);
        links = List.copyOf(links);
        if (nodes.size() < 2 || links.size() != nodes.size() - 1) {
            throw new IllegalArgumentException("a path needs n >= 2 nodes and n - 1 links: " + nodes + " " + links);
        }
    }

    public String first() {
        return nodes.get(0);
    }

    public String last() {
        return nodes.get(nodes.size() - 1);
    }

    public int hops() {
        return links.size();
    }

    public boolean crosses(String linkId) {
        return links.contains(linkId);
    }

    /** This path read from the other end. */
    public Path reversed() {
        List<String> n = new java.util.ArrayList<>(nodes);
        List<String> l = new java.util.ArrayList<>(links);
        java.util.Collections.reverse(n);
        java.util.Collections.reverse(l);
        return new Path(n, l, cost);
    }

    @Override
    public String toString() {
        return String.join("->", nodes);
    }
}
