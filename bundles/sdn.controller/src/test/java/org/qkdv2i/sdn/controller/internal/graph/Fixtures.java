package org.qkdv2i.sdn.controller.internal.graph;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;

/** Topologies of the tests. */
final class Fixtures {

    static final long FULL = 10_000_000; // bits in a healthy pool
    static final LinkMetrics HEALTHY = new LinkMetrics(LinkState.UP, FULL, 50_000, 0.01, 0);

    private Fixtures() {
    }

    /** A network with predictable IDs (vl-1, vl-2, ... / app-1, ...). */
    static Network network() {
        AtomicInteger n = new AtomicInteger();
        return new Network(() -> "id-" + n.incrementAndGet(), Clock.fixed(Instant.parse("2026-11-27T07:00:00Z"), ZoneOffset.UTC));
    }

    /**
     * The five nodes: A-B-C daisy chain (paper Fig. 3/6) and A-D-E-C as the alternative.
     * Links: AB, BC, AD, DE, EC, all healthy; every node's agent answering.
     */
    static Network fiveNodes() {
        Network net = network();
        for (String id : new String[] {"A", "B", "C", "D", "E"}) {
            net.addNode(id);
            net.topology().setReachable(id, true);
        }
        net.putLink("AB", "A", "B", HEALTHY);
        net.putLink("BC", "B", "C", HEALTHY);
        net.putLink("AD", "A", "D", HEALTHY);
        net.putLink("DE", "D", "E", HEALTHY);
        net.putLink("EC", "E", "C", HEALTHY);
        return net;
    }

    static LinkMetrics state(LinkState s) {
        return new LinkMetrics(s, FULL, s.usable() ? 50_000 : 0, s == LinkState.EAVESDROPPING ? 0.14 : 0.01, 0);
    }

    static AppRequest app(String id, String from, String to, int priority) {
        return new AppRequest(id, "sae-" + from + "-" + id, from, "sae-" + to + "-" + id, to, priority, null);
    }
}
