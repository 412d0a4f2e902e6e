package org.qkdv2i.shell.internal;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import org.qkdv2i.kmm.api.PoolStatus;
import org.qkdv2i.kmm.api.RelayStats;
import org.qkdv2i.kmm.api.SaeInfo;
import org.qkdv2i.kmm.api.VirtualLink;
import org.qkdv2i.qkd.api.LinkStatus;

/** Turns KMM status records into tables. Pure functions: unit-tested without a framework. */
final class Views {

    private Views() {
    }

    /** A KMM seen by the shell: its node ID plus what it reports. */
    record Node(String nodeId, List<PoolStatus> pools, List<SaeInfo> saes) {
    }

    static String nodes(List<Node> nodes) {
        Table t = new Table("NODE", "LINKS", "LINKS UP", "LOCAL SAES", "KNOWN SAES", "OWN KEYS", "DELIVERED");
        for (Node n : sorted(nodes)) {
            long up = n.pools().stream().filter(p -> p.driverPresent() && p.link() != null
                    && (p.link().state().name().equals("UP") || p.link().state().name().equals("DEGRADED"))).count();
            long local = n.saes().stream().filter(SaeInfo::local).count();
            long own = n.pools().stream().mapToLong(PoolStatus::ownKeys).sum();
            long delivered = n.pools().stream().mapToLong(PoolStatus::delivered).sum();
            t.row(n.nodeId(), n.pools().size(), up, local, n.saes().size(), own, delivered);
        }
        return t.render("no KMM running (no KeyManager service; check deploy/org.qkdv2i.kmm.Node-*.config)");
    }

    static String links(List<Node> nodes) {
        Table t = new Table("NODE", "LINK", "PEER", "DRIVER", "STATE", "QBER", "SKR", "REASON");
        for (Node n : sorted(nodes)) {
            for (PoolStatus p : byLink(n.pools())) {
                LinkStatus s = p.link();
                t.row(p.nodeId(), p.linkId(), p.peerNodeId(), p.driverPresent() ? "yes" : "no",
                        s == null ? "-" : s.state().name(),
                        s == null ? "-" : percent(s.qber()),
                        s == null ? "-" : rate(s.secretKeyRate()),
                        s == null || s.reason().isEmpty() ? "-" : s.reason());
            }
        }
        return t.render("no QKD links (no driver has registered a link for any node)");
    }

    static String pools(List<Node> nodes) {
        Table t = new Table("NODE", "LINK", "PEER", "OWN", "PEER KEYS", "CAPACITY", "LOW WATER", "BITS",
                "DELIVERED", "EXPIRED");
        for (Node n : sorted(nodes)) {
            for (PoolStatus p : byLink(n.pools())) {
                t.row(p.nodeId(), p.linkId(), p.peerNodeId(), p.ownKeys(), p.peerKeys(), p.capacity(),
                        p.lowWater(), p.keyBits(), p.delivered(), p.expired());
            }
        }
        return t.render("no key pools (pools appear with the first driver of a link)");
    }

    static String saes(List<Node> nodes) {
        Table t = new Table("NODE", "SAE", "SERVED BY", "WHERE");
        for (Node n : sorted(nodes)) {
            n.saes().stream().sorted(Comparator.comparing(SaeInfo::saeId)).forEach(s ->
                    t.row(n.nodeId(), s.saeId(), s.nodeId(), s.local() ? "local" : "remote"));
        }
        return t.render("no SAEs configured (add deploy/org.qkdv2i.kmm.Sae-<id>.config)");
    }

    /** A node's relay routes as the shell sees them. */
    record Relays(String nodeId, List<VirtualLink> virtualLinks, List<RelayStats> stats) {
    }

    /** Virtual links through each node, then the keys relayed over each physical link and the link key they cost. */
    static String relays(List<Relays> nodes) {
        List<Relays> byNode = nodes.stream().sorted(Comparator.comparing(Relays::nodeId)).toList();
        Table routes = new Table("NODE", "VIRTUAL LINK", "ENDS", "PREVIOUS HOP", "NEXT HOP");
        Table spent = new Table("NODE", "LINK", "PEER", "SENT", "RECEIVED", "LINK KEY BITS", "VOIDED");
        for (Relays n : byNode) {
            n.virtualLinks().stream().sorted(Comparator.comparing(VirtualLink::linkId)).forEach(v ->
                    routes.row(n.nodeId(), v.linkId(), v.firstEnd() + " … " + v.lastEnd(),
                            v.prevHop() == null ? "-" : v.prevHop(), v.nextHop() == null ? "-" : v.nextHop()));
            n.stats().stream().sorted(Comparator.comparing(RelayStats::linkId)).forEach(r ->
                    spent.row(n.nodeId(), r.linkId(), r.peerNodeId(), r.keysSent(), r.keysReceived(),
                            r.linkKeyBits(), r.voided()));
        }
        return routes.render("no virtual links (the SDN controller or deploy/org.qkdv2i.kmm.VirtualLink-*.config adds them)")
                + "\n" + spent.render("no key relayed since start");
    }

    /** QBER as a percentage with two decimals; NaN (not measured) as "-". */
    static String percent(double fraction) {
        return Double.isNaN(fraction) ? "-" : String.format(Locale.ROOT, "%.2f%%", fraction * 100);
    }

    /** A bit rate with an SI prefix: 950 bit/s, 12.3 kbit/s, 1.50 Mbit/s. */
    static String rate(double bitsPerSecond) {
        if (Double.isNaN(bitsPerSecond)) {
            return "-";
        }
        if (bitsPerSecond < 1_000) {
            return String.format(Locale.ROOT, "%.0f bit/s", bitsPerSecond);
        }
        if (bitsPerSecond < 1_000_000) {
            return String.format(Locale.ROOT, "%.1f kbit/s", bitsPerSecond / 1_000);
        }
        return String.format(Locale.ROOT, "%.2f Mbit/s", bitsPerSecond / 1_000_000);
    }

    private static List<Node> sorted(List<Node> nodes) {
        return nodes.stream().sorted(Comparator.comparing(Node::nodeId)).toList();
    }

    private static List<PoolStatus> byLink(List<PoolStatus> pools) {
        return pools.stream().sorted(Comparator.comparing(PoolStatus::linkId)).toList();
    }
}
