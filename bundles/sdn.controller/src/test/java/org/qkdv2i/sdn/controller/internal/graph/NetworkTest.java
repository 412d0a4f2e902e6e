package org.qkdv2i.sdn.controller.internal.graph;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.Test;
import org.qkdv2i.sdn.controller.internal.graph.NodeConfig.Kind;
import org.qkdv2i.sdn.controller.internal.graph.NodeConfig.Retired;

public class NetworkTest {

    @Test
    public void provisioningGivesEveryNodeOnThePathItsOwnHops() throws Exception {
        Network net = Fixtures.fiveNodes();
        Application a = net.provision(Fixtures.app("app-1", "A", "C", 0));
        assertEquals(List.of("A", "B", "C"), a.path().nodes());
        assertEquals(Application.Status.ACTIVE, a.status());
        String vl = a.backingLink();

        NodeConfig.Virt atA = single(net.virtualLinksAt("A"));
        NodeConfig.Virt atB = single(net.virtualLinksAt("B"));
        NodeConfig.Virt atC = single(net.virtualLinksAt("C"));
        assertEquals(vl, atA.linkId());
        assertEquals(vl, atB.linkId());
        assertEquals(vl, atC.linkId());
        assertNull(atA.prevHop());
        assertEquals("B", atA.nextHop());
        assertEquals("A", atB.prevHop());
        assertEquals("C", atB.nextHop());
        assertEquals("B", atC.prevHop());
        assertNull(atC.nextHop());
        for (NodeConfig.Virt v : List.of(atA, atB, atC)) {
            assertEquals("A", v.firstEnd());
            assertEquals("C", v.lastEnd());
        }
        assertTrue(net.virtualLinksAt("D").isEmpty());

        // the qkd_app goes to the two ends only, backed by the VIRT link
        assertEquals("C", single(net.appsAt("A")).remoteNode());
        assertEquals("A", single(net.appsAt("C")).remoteNode());
        assertEquals(vl, single(net.appsAt("C")).app().backingLink());
        assertTrue(net.appsAt("B").isEmpty());
        assertTrue(net.drainRetired().isEmpty());
    }

    @Test
    public void adjacentNodesUseTheirPhysicalLinkAndNeedNoVirtualLink() throws Exception {
        Network net = Fixtures.fiveNodes();
        Application a = net.provision(Fixtures.app("app-1", "A", "B", 0));
        assertEquals("AB", a.backingLink());
        assertTrue(net.virtualLinksAt("A").isEmpty());
        assertEquals(1, net.appsAt("B").size());
    }

    @Test
    public void eavesdroppingMovesTheApplicationNewLinkFirstThenOldRetired() throws Exception {
        Network net = Fixtures.fiveNodes();
        Application before = net.provision(Fixtures.app("app-1", "A", "C", 0));
        net.putLink("BC", "B", "C", Fixtures.state(LinkState.EAVESDROPPING));

        List<RerouteEvent> events = net.reroute();
        assertEquals(1, events.size());
        RerouteEvent e = events.get(0);
        assertEquals(RerouteEvent.Kind.MOVED, e.kind());
        assertEquals(Set.of("app-1"), e.apps());
        assertTrue(e.reason(), e.reason().contains("BC EAVESDROPPING"));

        Application after = net.application("app-1");
        assertEquals(List.of("A", "D", "E", "C"), after.path().nodes());
        assertNotEquals("a new path gets a new VIRT link ID", before.backingLink(), after.backingLink());
        assertEquals(after.backingLink(), single(net.virtualLinksAt("D")).linkId());
        assertTrue(net.virtualLinksAt("B").isEmpty());
        assertEquals("D", single(net.virtualLinksAt("A")).nextHop());
        assertEquals("E", single(net.virtualLinksAt("C")).prevHop());

        Set<Retired> retired = new HashSet<>(net.drainRetired());
        assertEquals(Set.of(new Retired("A", Kind.VIRT_LINK, before.backingLink()),
                new Retired("B", Kind.VIRT_LINK, before.backingLink()),
                new Retired("C", Kind.VIRT_LINK, before.backingLink())), retired);
        assertTrue("nothing to do once moved", net.reroute().isEmpty());
    }

    @Test
    public void aDisplacedApplicationGoesBackWhenItsLinksReturn() throws Exception {
        Network net = Fixtures.fiveNodes();
        Application first = net.provision(Fixtures.app("app-1", "A", "C", 0));
        net.putLink("BC", "B", "C", Fixtures.state(LinkState.EAVESDROPPING));
        assertEquals(RerouteEvent.Kind.MOVED, single(net.reroute()).kind());
        String detour = net.application("app-1").backingLink();
        net.drainRetired();

        // an unrelated link returning changes nothing for it
        net.putLink("AB", "A", "B", Fixtures.state(LinkState.DOWN));
        net.putLink("AB", "A", "B", Fixtures.state(LinkState.UP));
        net.putLink("BC", "B", "C", Fixtures.state(LinkState.UP));
        RerouteEvent e = single(net.reroute());
        assertEquals(RerouteEvent.Kind.RETURNED, e.kind());
        Application back = net.application("app-1");
        assertEquals(first.path().nodes(), back.path().nodes());
        assertNotEquals("a new VIRT link for the new path", first.backingLink(), back.backingLink());
        assertEquals(Set.of(new Retired("A", Kind.VIRT_LINK, detour), new Retired("D", Kind.VIRT_LINK, detour),
                new Retired("E", Kind.VIRT_LINK, detour), new Retired("C", Kind.VIRT_LINK, detour)),
                new HashSet<>(net.drainRetired()));
        assertTrue("settled", net.reroute().isEmpty());
    }

    @Test
    public void rebalanceMovesOnlyWhenClearlyCheaper() throws Exception {
        Network net = Fixtures.fiveNodes();
        net.putLink("AB", "A", "B", Fixtures.state(LinkState.DOWN));
        net.provision(Fixtures.app("app-1", "A", "C", 0));
        assertEquals(List.of("A", "D", "E", "C"), net.application("app-1").path().nodes());
        // A-B comes back, but the application was never displaced: reroute leaves it alone
        net.putLink("AB", "A", "B", Fixtures.state(LinkState.UP));
        assertTrue(net.reroute().isEmpty());
        // an operator's re-optimisation moves it: 2 hops vs 3 is more than 20 % cheaper
        assertEquals(RerouteEvent.Kind.RETURNED, single(net.rebalance(true)).kind());
        assertEquals(List.of("A", "B", "C"), net.application("app-1").path().nodes());
        assertTrue("nothing cheaper now", net.rebalance(true).isEmpty());
    }

    @Test
    public void noPathKeepsTheOldPathAndRecoversWhenLinksReturn() throws Exception {
        Network net = Fixtures.fiveNodes();
        Application a = net.provision(Fixtures.app("app-1", "A", "C", 0));
        net.putLink("BC", "B", "C", Fixtures.state(LinkState.DOWN));
        net.putLink("DE", "D", "E", Fixtures.state(LinkState.DOWN));

        RerouteEvent e = single(net.reroute());
        assertEquals(RerouteEvent.Kind.NO_PATH, e.kind());
        Application kept = net.application("app-1");
        assertEquals(Application.Status.NO_PATH, kept.status());
        assertEquals("kept: the nodes serve from their pools", a.path(), kept.path());
        assertEquals(a.backingLink(), kept.backingLink());
        assertTrue(net.drainRetired().isEmpty());
        assertTrue("reported once, not on every poll", net.reroute().isEmpty());

        // the alternative returns first: recovered onto it
        net.putLink("DE", "D", "E", Fixtures.state(LinkState.UP));
        e = single(net.reroute());
        assertEquals(RerouteEvent.Kind.RECOVERED, e.kind());
        assertEquals(List.of("A", "D", "E", "C"), net.application("app-1").path().nodes());
        assertEquals(Application.Status.ACTIVE, net.application("app-1").status());
    }

    @Test
    public void noPathRecoversOnItsOwnPathWhenItsLinkReturns() throws Exception {
        Network net = Fixtures.fiveNodes();
        Application a = net.provision(Fixtures.app("app-1", "A", "C", 0));
        net.putLink("BC", "B", "C", Fixtures.state(LinkState.DOWN));
        net.putLink("AD", "A", "D", Fixtures.state(LinkState.DOWN));
        assertEquals(RerouteEvent.Kind.NO_PATH, single(net.reroute()).kind());
        net.putLink("BC", "B", "C", Fixtures.state(LinkState.UP));
        assertEquals(RerouteEvent.Kind.RECOVERED, single(net.reroute()).kind());
        assertEquals(a.backingLink(), net.application("app-1").backingLink());
        assertEquals(Application.Status.ACTIVE, net.application("app-1").status());
    }

    @Test
    public void applicationsBetweenTheSameNodesShareOneRelayPath() throws Exception {
        Network net = Fixtures.fiveNodes();
        Application one = net.provision(Fixtures.app("app-1", "A", "C", 0));
        Application two = net.provision(new AppRequest("app-2", "x", "C", "y", "A", 2, null));
        assertEquals(one.backingLink(), two.backingLink());
        assertEquals("the second application's path reads from its server node", List.of("C", "B", "A"),
                two.path().nodes());
        assertEquals(1, net.virtualLinksAt("B").size());
        assertEquals(2, net.appsAt("A").size());
        assertEquals(2, net.relayPaths().get(0).priority());

        net.remove("app-1");
        assertEquals("the relay path stays for app-2", 1, net.virtualLinksAt("B").size());
        assertEquals(Set.of(new Retired("A", Kind.APP, "app-1"), new Retired("C", Kind.APP, "app-1")),
                new HashSet<>(net.drainRetired()));
        net.remove("app-2");
        assertTrue(net.virtualLinksAt("B").isEmpty());
        Set<Retired> retired = new HashSet<>(net.drainRetired());
        assertTrue(retired.contains(new Retired("B", Kind.VIRT_LINK, one.backingLink())));
        assertEquals(5, retired.size());
        assertEquals(0.0, net.topology().link("AB").reservedBps(), 1e-9);
    }

    @Test
    public void refusals() throws Exception {
        Network net = Fixtures.fiveNodes();
        net.provision(Fixtures.app("app-1", "A", "C", 0));
        expect(NetworkException.Reason.CONFLICT, () -> net.provision(Fixtures.app("app-1", "A", "C", 0)));
        expect(NetworkException.Reason.UNKNOWN_NODE, () -> net.provision(Fixtures.app("app-2", "A", "Z", 0)));
        expect(NetworkException.Reason.NOT_FOUND, () -> net.remove("nope"));
        net.putLink("AB", "A", "B", Fixtures.state(LinkState.DOWN));
        net.putLink("AD", "A", "D", Fixtures.state(LinkState.DOWN));
        expect(NetworkException.Reason.NO_PATH, () -> net.provision(Fixtures.app("app-3", "B", "A", 0)));
        assertNull("nothing half-made", net.application("app-3"));
        try {
            new AppRequest("app-4", "s", "A", "c", "A", 0, null);
            fail("same node");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("both SAEs are at node A"));
        }
        try {
            new AppRequest("bad id", "s", "A", "c", "C", 0, null);
            fail("bad id");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().startsWith("invalid app_id"));
        }
    }

    @Test
    public void reroutePutsHighPriorityFirstOntoTheRichestDetour() throws Exception {
        Network net = Fixtures.fiveNodes();
        // a second, lean detour A-F-C
        net.addNode("F");
        net.topology().setReachable("F", true);
        LinkMetrics lean = new LinkMetrics(LinkState.UP, 200_000, 300, 0.01, 0);
        net.putLink("AF", "A", "F", lean);
        net.putLink("FC", "F", "C", lean);
        // two relay paths lose B-C: A-C (priority 0) and B-C (priority 9)
        net.provision(new AppRequest("low", "s1", "A", "c1", "C", 0, new AppRequest.Qos(0, 2_000, 0, 0)));
        net.provision(new AppRequest("high", "s2", "B", "c2", "C", 9, new AppRequest.Qos(0, 2_000, 0, 0)));
        assertEquals(List.of("A", "B", "C"), net.application("low").path().nodes());
        net.putLink("BC", "B", "C", Fixtures.state(LinkState.DOWN));
        List<RerouteEvent> events = net.reroute();
        assertEquals(2, events.size());
        assertEquals("higher priority rerouted first", Set.of("high"), events.get(0).apps());
        assertEquals(List.of("B", "A", "D", "E", "C"), net.application("high").path().nodes());
    }

    @Test
    public void reportsFromBothEndsMergePessimisticallyAndSilenceMeansDown() {
        Network net = Fixtures.network();
        net.addNode("A");
        net.addNode("B");
        net.applyReport("A", List.of(new Network.LinkReport("AB", "A", "B", new LinkMetrics(LinkState.UP, 5_000, 900, 0.02, 10))));
        net.applyReport("B", List.of(new Network.LinkReport("AB", "B", "A", new LinkMetrics(LinkState.EAVESDROPPING, 4_000, 1_000, 0.12, 20))));
        LinkMetrics m = net.topology().link("AB").metrics();
        assertEquals(LinkState.EAVESDROPPING, m.state());
        assertEquals(4_000, m.poolBits());
        assertEquals(900, m.skrBps(), 0);
        assertEquals(0.12, m.qber(), 1e-12);
        assertEquals(20, m.expectedConsumption(), 0);

        net.nodeUnreachable("B");
        assertEquals("B's stale report no longer counts", LinkState.UP, net.topology().link("AB").metrics().state());
        assertFalse(net.reachable("B"));
        net.applyReport("A", List.of());
        assertEquals("no one reports it", LinkState.DOWN, net.topology().link("AB").metrics().state());
    }

    @Test
    public void aSavedStateRestoresTheSamePathsAndVirtualLinks() throws Exception {
        Network net = Fixtures.fiveNodes();
        net.provision(Fixtures.app("app-1", "A", "C", 2));
        net.provision(new AppRequest("app-2", "x", "C", "y", "A", 0, new AppRequest.Qos(0, 1_000, 0, 0)));
        net.provision(Fixtures.app("app-3", "B", "D", 0));
        net.putLink("BC", "B", "C", Fixtures.state(LinkState.DOWN));
        net.reroute();
        Network.Saved saved = net.save();

        Network again = Fixtures.network();
        assertEquals(List.of("app-1", "app-2", "app-3"), again.restore(saved));
        for (String id : List.of("app-1", "app-2", "app-3")) {
            assertEquals(net.application(id).path().nodes(), again.application(id).path().nodes());
            assertEquals(net.application(id).path().links(), again.application(id).path().links());
            assertEquals(net.application(id).backingLink(), again.application(id).backingLink());
        }
        for (String n : List.of("A", "B", "C", "D", "E")) {
            assertEquals(new HashSet<>(net.virtualLinksAt(n)), new HashSet<>(again.virtualLinksAt(n)));
        }
        // the links appear with the first poll: the restored relay paths reserve their demand on them
        for (Network.LinkView l : net.links()) {
            again.applyReport(l.nodeA(), List.of(new Network.LinkReport(l.id(), l.nodeA(), l.nodeB(), l.metrics())));
        }
        for (Network.LinkView l : net.links()) {
            assertEquals(l.id(), l.reservedBps(), again.topology().link(l.id()).reservedBps(), 1e-9);
        }
        assertTrue("nothing to move after a restart", again.reroute().stream()
                .noneMatch(e -> e.kind() == RerouteEvent.Kind.MOVED));
    }

    @Test
    public void desiredStateInOnePassEqualsThePerNodeViews() throws Exception {
        Network net = Fixtures.fiveNodes();
        net.provision(Fixtures.app("app-1", "A", "C", 0));
        net.provision(Fixtures.app("app-2", "B", "D", 1));
        net.provision(Fixtures.app("app-3", "E", "B", 0));
        Network.Desired d = net.desired();
        for (String n : List.of("A", "B", "C", "D", "E")) {
            assertEquals(n, new HashSet<>(net.virtualLinksAt(n)), new HashSet<>(d.virtualLinks().getOrDefault(n, List.of())));
            assertEquals(n, new HashSet<>(net.appsAt(n)), new HashSet<>(d.apps().getOrDefault(n, List.of())));
        }
    }

    @Test
    public void budgetNamesTheBottleneck() throws Exception {
        Network net = Fixtures.fiveNodes();
        net.putLink("BC", "B", "C", new LinkMetrics(LinkState.UP, 51_200, 20_000, 0.02, 5_000));
        net.provision(new AppRequest("app-1", "s", "A", "c", "C", 0, new AppRequest.Qos(0, 512, 0, 0)));
        Network.Budget b = net.budget("app-1");
        assertEquals(2, b.hops().size());
        assertEquals(51_200, b.bottleneckPoolBits());
        assertEquals(15_000, b.sustainableBps(), 1e-9); // 20,000 - 5,000 (the 512 reserved is below the reported 5,000)
        assertEquals(100.0, b.secondsOnPool(), 1e-9);    // 51,200 bits / 512 bit/s
        assertEquals("B", b.hops().get(1).from());
    }

    private interface Call {
        void run() throws Exception;
    }

    private static void expect(NetworkException.Reason reason, Call call) throws Exception {
        try {
            call.run();
            fail("expected " + reason);
        } catch (NetworkException e) {
            assertEquals(e.getMessage(), reason, e.reason());
        }
    }

    private static <T> T single(List<T> list) {
        assertEquals(list.toString(), 1, list.size());
        return list.get(0);
    }
}
