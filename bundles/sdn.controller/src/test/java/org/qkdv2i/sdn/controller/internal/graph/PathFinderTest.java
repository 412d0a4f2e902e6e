package org.qkdv2i.sdn.controller.internal.graph;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Set;

import org.junit.Test;

public class PathFinderTest {

    private static Path find(Network net, String from, String to, int priority) {
        return new PathFinder().find(net.topology(), from, to, Weights.DEFAULT_DEMAND_BPS, priority, Set.of());
    }

    @Test
    public void fewestHopsAmongHealthyLinks() {
        Path p = find(Fixtures.fiveNodes(), "A", "C", 0);
        assertEquals(List.of("A", "B", "C"), p.nodes());
        assertEquals(List.of("AB", "BC"), p.links());
        assertEquals(2.0, p.cost(), 0.01); // healthy links cost ~1 per hop
    }

    @Test
    public void downAndEavesdroppedLinksAreNotCrossed() {
        Network net = Fixtures.fiveNodes();
        net.putLink("BC", "B", "C", Fixtures.state(LinkState.EAVESDROPPING));
        assertEquals(List.of("A", "D", "E", "C"), find(net, "A", "C", 0).nodes());
        net.putLink("BC", "B", "C", Fixtures.state(LinkState.UP));
        net.putLink("AB", "A", "B", Fixtures.state(LinkState.DOWN));
        assertEquals(List.of("A", "D", "E", "C"), find(net, "A", "C", 0).nodes());
        net.putLink("DE", "D", "E", Fixtures.state(LinkState.DOWN));
        assertNull(find(net, "A", "C", 0));
        net.putLink("DE", "D", "E", Fixtures.state(LinkState.UNKNOWN));
        assertNull("a link not yet reported UP carries nothing", find(net, "A", "C", 0));
    }

    @Test
    public void nodesWhoseAgentDoesNotAnswerCarryNoPath() {
        Network net = Fixtures.fiveNodes();
        net.nodeUnreachable("B");
        assertEquals(List.of("A", "D", "E", "C"), find(net, "A", "C", 0).nodes());
        assertNull("an end without agent cannot be configured", find(net, "A", "B", 0));
    }

    @Test
    public void priorityDecidesBetweenFewHopsOverALeanLinkAndADetourOverRichOnes() {
        Network net = Fixtures.fiveNodes();
        // B-C: empty-ish pool, no surplus rate. Scarcity s = 256*60 / (25600 + 1) = 0.6
        net.putLink("BC", "B", "C", new LinkMetrics(LinkState.UP, 25_600, 1_000, 0.01, 1_000));
        // priority 0: 1 + 1.6 = 2.6 < 3 hops over rich links
        assertEquals(List.of("A", "B", "C"), find(net, "A", "C", 0).nodes());
        // priority 5: 1 + (1 + 1.6 * 6) > 3: the important application detours
        assertEquals(List.of("A", "D", "E", "C"), find(net, "A", "C", 5).nodes());
    }

    @Test
    public void aFullPoolKeepsALinkWithoutGenerationAttractive() {
        Network net = Fixtures.fiveNodes();
        // B-C generates nothing now (e.g. fog) but its pool holds plenty: the quantum key pool bridges it
        net.putLink("BC", "B", "C", new LinkMetrics(LinkState.DEGRADED, 100_000_000, 0, 0.02, 0));
        assertEquals(List.of("A", "B", "C"), find(net, "A", "C", 3).nodes());
    }

    @Test
    public void qberNearTheAbortThresholdIsAvoided() {
        Network net = Fixtures.fiveNodes();
        net.putLink("AD", "A", "D", Fixtures.HEALTHY);
        // same hop count both ways after making A-B-C three hops long
        net.topology().removeLink("BC");
        net.addNode("F");
        net.topology().setReachable("F", true);
        net.putLink("BF", "B", "F", Fixtures.HEALTHY);
        net.putLink("FC", "F", "C", new LinkMetrics(LinkState.UP, 200_000, 1_000, 0.105, 0));
        net.putLink("EC", "E", "C", new LinkMetrics(LinkState.UP, 200_000, 1_000, 0.01, 0));
        Path p = find(net, "A", "C", 1);
        assertEquals(List.of("A", "D", "E", "C"), p.nodes());
    }

    @Test
    public void costIsMonotoneInScarcityAndPriority() {
        LinkMetrics rich = new LinkMetrics(LinkState.UP, 1_000_000, 10_000, 0.01, 0);
        LinkMetrics lean = new LinkMetrics(LinkState.UP, 10_000, 10_000, 0.01, 9_900);
        assertTrue(Weights.cost(lean, 0, 256, 0) > Weights.cost(rich, 0, 256, 0));
        assertTrue(Weights.cost(lean, 0, 256, 5) > Weights.cost(lean, 0, 256, 0));
        assertTrue("reserved demand counts as consumption", Weights.cost(rich, 10_000, 256, 0) > Weights.cost(rich, 0, 256, 0));
        assertTrue(Weights.cost(LinkMetrics.of(LinkState.DEGRADED, 10_000, 100, 0.01), 0, 256, 0)
                > Weights.cost(LinkMetrics.of(LinkState.UP, 10_000, 100, 0.01), 0, 256, 0));
        assertEquals(1.0, Weights.cost(rich, 0, 0.0, 100), 1e-9);
    }

    @Test
    public void searchesReuseTheirArraysCorrectly() {
        Network net = Fixtures.fiveNodes();
        PathFinder f = new PathFinder();
        for (int i = 0; i < 1000; i++) {
            Path p = f.find(net.topology(), i % 2 == 0 ? "A" : "C", i % 2 == 0 ? "C" : "A", 256, 0, i % 3 == 0 ? Set.of("AB") : Set.of());
            assertEquals(i % 3 == 0 ? 3 : 2, p.hops());
        }
    }
}
