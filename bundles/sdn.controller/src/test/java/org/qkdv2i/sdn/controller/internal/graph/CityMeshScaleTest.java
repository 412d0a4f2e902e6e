package org.qkdv2i.sdn.controller.internal.graph;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.Test;

/**
 * The benchmark's city mesh (1,000 nodes, 3,000 links) at a smaller application count: every
 * path found is a real path over usable links, and a failure of the busiest link moves exactly
 * the applications that crossed it, none of them onto the failed link. Timing is JMH's job
 * (benchmarks/, docs/benchmarks.md); this checks correctness at scale.
 */
public class CityMeshScaleTest {

    @Test
    public void busiestLinkFailureMovesExactlyItsApplications() throws Exception {
        Network net = Fixtures.network();
        CityMesh.build(net, 1000, 3000, 42);
        assertEquals(1000, net.nodes().size());
        assertEquals(3000, net.links().size());

        SplittableRandom rnd = new SplittableRandom(7);
        Set<String> pairs = new HashSet<>();
        int apps = 0;
        while (apps < 1000) {
            int a = rnd.nextInt(1000);
            int b = rnd.nextInt(1000);
            if (a == b || !pairs.add(Math.min(a, b) + "-" + Math.max(a, b))) {
                continue;
            }
            Application app = net.provision(new AppRequest("app-" + apps, "s" + apps, "N" + a, "c" + apps, "N" + b,
                    apps % 4, null));
            assertValid(net, app.path());
            apps++;
        }
        Map<String, Integer> load = new HashMap<>();
        for (Application a : net.applications()) {
            for (String l : a.path().links()) {
                load.merge(l, 1, Integer::sum);
            }
        }
        String busiest = load.entrySet().stream().max(Map.Entry.comparingByValue()).get().getKey();
        Set<String> crossing = new HashSet<>();
        for (Application a : net.applications()) {
            if (a.path().crosses(busiest)) {
                crossing.add(a.id());
            }
        }
        assertTrue(crossing.size() > 5);

        PhysLink l = net.topology().link(busiest);
        net.putLink(busiest, l.nodeA(), l.nodeB(), Fixtures.state(LinkState.DOWN));
        List<RerouteEvent> events = net.reroute();
        Set<String> moved = new HashSet<>();
        for (RerouteEvent e : events) {
            assertEquals(RerouteEvent.Kind.MOVED, e.kind());
            moved.addAll(e.apps());
        }
        assertEquals(crossing, moved);
        for (Application a : net.applications()) {
            assertFalse(a.path().crosses(busiest));
            assertValid(net, a.path());
        }
    }

    private static void assertValid(Network net, Path p) {
        assertNotNull(p);
        for (int i = 0; i < p.hops(); i++) {
            PhysLink l = net.topology().link(p.links().get(i));
            assertTrue(l.joins(p.nodes().get(i), p.nodes().get(i + 1)));
            assertTrue(l.metrics().state().usable());
        }
        assertEquals("no node twice", p.nodes().size(), new HashSet<>(p.nodes()).size());
    }
}
