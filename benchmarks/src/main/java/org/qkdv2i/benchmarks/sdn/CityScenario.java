package org.qkdv2i.benchmarks.sdn;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import org.qkdv2i.sdn.controller.internal.graph.AppRequest;
import org.qkdv2i.sdn.controller.internal.graph.Application;
import org.qkdv2i.sdn.controller.internal.graph.CityMesh;
import org.qkdv2i.sdn.controller.internal.graph.LinkMetrics;
import org.qkdv2i.sdn.controller.internal.graph.LinkState;
import org.qkdv2i.sdn.controller.internal.graph.Network;
import org.qkdv2i.sdn.controller.internal.graph.NetworkException;
import org.qkdv2i.sdn.controller.internal.graph.PhysLink;

/**
 * The issue-4 controller scenario: a generated city mesh of 1,000 rooftop nodes and 3,000 FSO
 * links ({@link CityMesh}, seed 42) and 10,000 applications on distinct node pairs, priorities
 * 0–3. Two ways to fail a link:
 * <ul>
 * <li>{@link #randomApps}: applications between random node pairs; the link that fails is the
 * busiest (most relay paths cross it) — a realistic worst single failure;</li>
 * <li>{@link #allCrossing}: every application's path crosses the link that fails: node pairs
 * from the two sides of a link in the city centre whose path crosses it ({@link #crossing});
 * there are fewer such pairs than 10,000, so several applications share a pair (and its relay
 * path) — the failure touches all 10,000 applications.</li>
 * </ul>
 */
public final class CityScenario {

    public static final int NODES = 1000;
    public static final int LINKS = 3000;
    public static final long SEED = 42;

    public final Network network;
    public final String failingLink;
    public final int affected;

    private CityScenario(Network network, String failingLink, int affected) {
        this.network = network;
        this.failingLink = failingLink;
        this.affected = affected;
    }

    public static Network mesh() {
        Network net = new Network();
        CityMesh.build(net, NODES, LINKS, SEED);
        return net;
    }

    /** {@code apps} applications on random distinct pairs; the busiest link is the one to fail. */
    public static CityScenario randomApps(int apps, long seed) throws NetworkException {
        Network net = mesh();
        SplittableRandom rnd = new SplittableRandom(seed);
        Set<Long> pairs = new HashSet<>();
        int n = 0;
        while (n < apps) {
            int a = rnd.nextInt(NODES);
            int b = rnd.nextInt(NODES);
            if (a == b || !pairs.add((long) Math.min(a, b) * NODES + Math.max(a, b))) {
                continue;
            }
            net.provision(request(n, a, b));
            n++;
        }
        Map<String, Integer> load = new HashMap<>();
        for (Application a : net.applications()) {
            for (String l : a.path().links()) {
                load.merge(l, 1, Integer::sum);
            }
        }
        Map.Entry<String, Integer> busiest = load.entrySet().stream().max(Map.Entry.comparingByValue()).get();
        return new CityScenario(net, busiest.getKey(), busiest.getValue());
    }

    /** A central link and the node pairs whose path (on the unloaded mesh) crosses it. */
    public record Crossing(String linkId, List<int[]> pairs) {
    }

    /**
     * The node pairs whose cheapest path crosses one link in the city centre: every pair among the
     * {@code perSide} nodes nearest to each end of the link (on its side) is tried.
     */
    public static Crossing crossing(int perSide) {
        Network net = mesh();
        PhysLink centre = null;
        int mid = NODES / 2;
        for (PhysLink l : net.topology().links()) {
            int a = index(l.nodeA());
            int b = index(l.nodeB());
            if (Math.abs(b - a) == 1 && (centre == null || Math.abs(a - mid) < Math.abs(index(centre.nodeA()) - mid))) {
                centre = l;
            }
        }
        int[] da = hops(net, centre.nodeA());
        int[] db = hops(net, centre.nodeB());
        List<Integer> sideA = new ArrayList<>();
        List<Integer> sideB = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            if (da[i] < db[i]) {
                sideA.add(i);
            } else if (db[i] < da[i]) {
                sideB.add(i);
            }
        }
        sideA.sort((x, y) -> Integer.compare(da[x], da[y]));
        sideB.sort((x, y) -> Integer.compare(db[x], db[y]));
        List<int[]> pairs = new ArrayList<>();
        for (int a : sideA.subList(0, Math.min(perSide, sideA.size()))) {
            for (int b : sideB.subList(0, Math.min(perSide, sideB.size()))) {
                org.qkdv2i.sdn.controller.internal.graph.Path p = net.path("N" + a, "N" + b, 256, 0);
                if (p != null && p.crosses(centre.id())) {
                    pairs.add(new int[] {a, b});
                }
            }
        }
        return new Crossing(centre.id(), pairs);
    }

    /**
     * {@code apps} applications spread round-robin over the crossing pairs (several SAE pairs on
     * one pair of rooftops share its relay path when there are fewer pairs than applications).
     * {@link #affected} counts the applications whose path crosses the link once all are
     * provisioned (their own reservations may have pushed a few elsewhere).
     */
    public static CityScenario allCrossing(int apps, Crossing crossing) throws NetworkException {
        Network net = mesh();
        for (int n = 0; n < apps; n++) {
            int[] p = crossing.pairs().get(n % crossing.pairs().size());
            net.provision(request(n, p[0], p[1]));
        }
        int affected = 0;
        for (Application a : net.applications()) {
            affected += a.path().crosses(crossing.linkId()) ? 1 : 0;
        }
        return new CityScenario(net, crossing.linkId(), affected);
    }

    /** Relay paths (distinct node pairs) crossing the failing link. */
    public int relayPathsAffected() {
        int n = 0;
        for (Network.RelayPathView r : network.relayPaths()) {
            n += r.path().crosses(failingLink) ? 1 : 0;
        }
        return n;
    }

    /** Fails {@link #failingLink} (DOWN at both ends, as the next poll would report it). */
    public void fail() {
        PhysLink l = network.topology().link(failingLink);
        LinkMetrics m = l.metrics();
        network.putLink(failingLink, l.nodeA(), l.nodeB(), new LinkMetrics(LinkState.DOWN, m.poolBits(), 0, m.qber(), 0));
    }

    private static AppRequest request(int n, int a, int b) {
        return new AppRequest("app-" + n, "sae-" + n + "-s", "N" + a, "sae-" + n + "-c", "N" + b, n % 4, null);
    }

    private static int index(String node) {
        return Integer.parseInt(node.substring(1));
    }

    private static int[] hops(Network net, String from) {
        int[] d = new int[NODES];
        Arrays.fill(d, Integer.MAX_VALUE);
        Map<String, List<String>> adj = new HashMap<>();
        for (PhysLink l : net.topology().links()) {
            adj.computeIfAbsent(l.nodeA(), k -> new ArrayList<>()).add(l.nodeB());
            adj.computeIfAbsent(l.nodeB(), k -> new ArrayList<>()).add(l.nodeA());
        }
        ArrayDeque<String> q = new ArrayDeque<>();
        d[index(from)] = 0;
        q.add(from);
        while (!q.isEmpty()) {
            String u = q.poll();
            for (String v : adj.getOrDefault(u, List.of())) {
                if (d[index(v)] == Integer.MAX_VALUE) {
                    d[index(v)] = d[index(u)] + 1;
                    q.add(v);
                }
            }
        }
        return d;
    }
}
