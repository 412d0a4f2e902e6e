package org.qkdv2i.sdn.agent.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.Test;
import org.qkdv2i.kmm.api.PoolStatus;
import org.qkdv2i.kmm.api.RelayStats;
import org.qkdv2i.kmm.api.VirtualLink;
import org.qkdv2i.qkd.api.LinkState;
import org.qkdv2i.qkd.api.LinkStatus;
import org.qkdv2i.sdn.api.AppQos;
import org.qkdv2i.sdn.api.AppStatus;
import org.qkdv2i.sdn.api.AppType;
import org.qkdv2i.sdn.api.QkdApp;
import org.qkdv2i.sdn.api.QkdLink;
import org.qkdv2i.sdn.api.QkdNode;
import org.qkdv2i.sdn.api.QkdiStatus;
import org.qkdv2i.sdn.api.QkdlStatus;
import org.qkdv2i.sdn.api.QkdlType;
import org.qkdv2i.sdn.api.QkdnStatus;

public class NodeViewTest {

    static final long SEC = 1_000_000_000L;
    final Instant now = Instant.parse("2026-11-27T07:00:00Z");

    @Test
    public void physLinksCarryDriverStatePoolAndRates() {
        FakeKmm kmm = new FakeKmm("B");
        kmm.pools.add(FakeKmm.pool("B", "A-B", "A", LinkState.UP, 0.021, 65_000.4, 120, 80, 10));
        kmm.pools.add(FakeKmm.pool("B", "B-C", "C", LinkState.ABORTED_EAVESDROPPING, 0.14, 0, 5, 0, 0));
        NodeView view = new NodeView("B", "qkdv2i test", "roof-2", new RateMeter(10 * SEC));

        QkdNode first = view.snapshot(kmm, kmm, List.of(), Map.of(), 0, now).node();
        QkdLink ab = first.link("A-B").orElseThrow();
        assertEquals(QkdlType.PHYS, ab.qkdlType());
        assertEquals(QkdlStatus.ACTIVE, ab.qkdlStatus());
        assertEquals("B", ab.localNode());
        assertEquals("A", ab.remoteNode());
        assertEquals(Long.valueOf(1), ab.qkdlLocal().qkdiId());
        assertEquals(Long.valueOf(65_000), ab.qkdlPerformance().skr());
        assertEquals(0.021, ab.qkdlPerformance().qber(), 1e-12);
        assertNull("no rate from one sample", ab.qkdlPerformance().expectedConsumption());
        assertEquals(120, ab.qkdlPerformance().keyPool().ownKeys());
        assertEquals(80, ab.qkdlPerformance().keyPool().peerKeys());
        assertEquals("UP", ab.qkdlPerformance().driverState());
        assertEquals(12.5, ab.physChannelAtt(), 0);

        QkdLink bc = first.link("B-C").orElseThrow();
        assertEquals("attacked but keys left: PASSIVE", QkdlStatus.PASSIVE, bc.qkdlStatus());
        assertTrue(bc.qkdlPerformance().eavesdropping());
        assertEquals(Long.valueOf(2), bc.qkdlLocal().qkdiId());
        assertEquals(QkdnStatus.OPERATING, first.qkdnStatus());
        assertEquals("roof-2", first.qkdnLocationId());
        assertEquals(2, first.qkdInterfaces().size());

        // 2 s later: 8 more keys of 256 bits delivered, 4096 link-key bits spent on relay
        kmm.pools.set(0, FakeKmm.pool("B", "A-B", "A", LinkState.UP, 0.021, 65_000, 112, 80, 18));
        kmm.stats.add(new RelayStats("A-B", "A", 3, 0, 4096, 0));
        // the relay counter starts at 0 in the first sample only if it was sampled: sample it now and later
        view.snapshot(kmm, kmm, List.of(), Map.of(), 2 * SEC, now);
        kmm.pools.set(0, FakeKmm.pool("B", "A-B", "A", LinkState.UP, 0.021, 65_000, 104, 80, 26));
        kmm.stats.set(0, new RelayStats("A-B", "A", 5, 0, 8192, 0));
        QkdLink later = view.snapshot(kmm, kmm, List.of(), Map.of(), 4 * SEC, now).node().link("A-B").orElseThrow();
        // used bits: t0 10*256=2560; t4 26*256+8192=14848 → (14848-2560)/4 = 3072 bit/s
        assertEquals(Long.valueOf(3072), later.qkdlPerformance().expectedConsumption());
        // relay: t2 4096, t4 8192 → over t0..t4 (0 at t0): 8192/4 = 2048 bit/s off the skr
        assertEquals(Long.valueOf(65_000 - 2048), later.qkdlPerformance().eskr());
    }

    @Test
    public void statusesFollowDriverAndPool() {
        assertEquals(QkdlStatus.ACTIVE, NodeView.physStatus(pool(LinkState.DEGRADED, 0), status(LinkState.DEGRADED)));
        assertEquals(QkdlStatus.PENDING, NodeView.physStatus(pool(LinkState.STARTING, 0), status(LinkState.STARTING)));
        assertEquals(QkdlStatus.OFF, NodeView.physStatus(pool(LinkState.DOWN, 0), status(LinkState.DOWN)));
        assertEquals(QkdlStatus.PASSIVE, NodeView.physStatus(pool(LinkState.DOWN, 3), status(LinkState.DOWN)));

        FakeKmm kmm = new FakeKmm("A");
        kmm.pools.add(new PoolStatus("A", "A-B", "B", false, null, 0, 0, 1000, 10, 256, 0, 0));
        QkdNode n = new NodeView("A", "v", "", new RateMeter(SEC)).snapshot(kmm, null, List.of(), Map.of(), 0, now)
                .node();
        QkdLink l = n.link("A-B").orElseThrow();
        assertEquals(QkdlStatus.OFF, l.qkdlStatus());
        assertEquals("DOWN", l.qkdlPerformance().driverState());
        assertEquals(Long.valueOf(0), l.qkdlPerformance().skr());
        assertEquals(QkdiStatus.DISABLED, n.qkdInterfaces().get(0).qkdiStatus());
        assertEquals(QkdnStatus.DOWN, n.qkdnStatus());
        assertFalse("no RelayRoutes: no key relay", n.qkdnCapabilities().keyRelayModeEnable());
    }

    @Test
    public void virtualLinksAndApplications() throws Exception {
        FakeKmm kmm = new FakeKmm("B");
        kmm.pools.add(FakeKmm.pool("B", "A-B", "A", LinkState.UP, 0.02, 50_000, 100, 100, 0));
        kmm.pools.add(FakeKmm.pool("B", "B-C", "C", LinkState.DOWN, 0.5, 0, 0, 0, 0));
        kmm.putVirtualLink(new VirtualLink("v-A-C", "A", "C", "A", "C"));
        kmm.pools.add(FakeKmm.pool("B", "B-D", "D", LinkState.UP, 0.01, 20_000, 100, 100, 0));
        kmm.putVirtualLink(new VirtualLink("v-A-D", "A", "D", "A", "D"));
        QkdApp app = new QkdApp("app-1", null, AppType.CLIENT, "sae-a", List.of("sae-d"), 3L, now, null, List.of(),
                AppQos.of(null, 1000L, null, null), List.of("v-A-D"), "B", "D");
        QkdApp gone = new QkdApp("app-2", null, AppType.CLIENT, "sae-a", List.of("sae-c"), 3L, now, null, List.of(),
                null, List.of("v-A-C"), "B", "C");
        QkdApp expired = new QkdApp("app-3", null, AppType.CLIENT, "sae-a", List.of("sae-d"), 3L, now,
                now.minusSeconds(1), List.of(), null, List.of("v-A-D"), "B", "D");

        QkdNode n = new NodeView("B", "v", "", new RateMeter(SEC))
                .snapshot(kmm, kmm, List.of(app, gone, expired), Map.of("v-A-D", 4096L), 0, now).node();
        QkdLink ac = n.link("v-A-C").orElseThrow();
        assertEquals(QkdlType.VIRT, ac.qkdlType());
        assertEquals("A", ac.localNode());
        assertEquals("C", ac.remoteNode());
        assertEquals("A", ac.virtPrevHop());
        assertEquals(List.of("C"), ac.virtNextHop());
        assertEquals("hop B-C is down and empty", QkdlStatus.OFF, ac.qkdlStatus());
        QkdLink ad = n.link("v-A-D").orElseThrow();
        assertEquals(QkdlStatus.ACTIVE, ad.qkdlStatus());
        assertEquals(Long.valueOf(4096), ad.virtBandwidth());
        assertEquals("slowest local hop", Long.valueOf(20_000), ad.qkdlPerformance().skr());
        assertEquals(List.of("app-1", "app-3"), ad.qkdlApplications());
        assertEquals("apps riding a VIRT link show on its hops' PHYS links", List.of("app-1", "app-3"),
                n.link("B-D").orElseThrow().qkdlApplications());
        assertEquals(AppStatus.ON, n.app("app-1").orElseThrow().appStatus());
        assertEquals(AppStatus.DISCONNECTED, n.app("app-2").orElseThrow().appStatus());
        assertEquals(AppStatus.OUT_OF_TIME, n.app("app-3").orElseThrow().appStatus());
        assertTrue(n.qkdnCapabilities().keyRelayModeEnable());
    }

    @Test
    public void rateMeterMeasuresOverItsWindowAndRestartsOnReset() {
        RateMeter m = new RateMeter(10 * SEC);
        assertNull(m.rate("k", 0, 0));
        assertEquals(Long.valueOf(100), m.rate("k", SEC, 100));
        for (int s = 2; s <= 30; s++) {
            m.rate("k", s * SEC, s * 100L);
        }
        // steady 100/s; then a burst of 1000 in the last second shows as 1000/window-ish, not 1000/s
        Long r = m.rate("k", 31 * SEC, 31 * 100L + 1000);
        assertTrue("rate over ~10 s: " + r, r > 150 && r < 250);
        assertNull("counter went backwards (KMM restart): start over", m.rate("k", 32 * SEC, 5));
    }

    private static PoolStatus pool(LinkState state, long keys) {
        return new PoolStatus("A", "l", "B", true, status(state), keys, 0, 100, 1, 256, 0, 0);
    }

    private static LinkStatus status(LinkState state) {
        return LinkStatus.of(state, "", Instant.EPOCH);
    }
}
