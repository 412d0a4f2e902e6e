package org.qkdv2i.kmm.internal.core;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.qkdv2i.kmm.api.Key;
import org.qkdv2i.kmm.api.KeyManagerException;
import org.qkdv2i.kmm.api.KeyManagerException.Reason;
import org.qkdv2i.kmm.api.KeyRequest;
import org.qkdv2i.kmm.api.PairStatus;
import org.qkdv2i.kmm.api.RelayStats;
import org.qkdv2i.qkd.api.LinkEnd;
import org.qkdv2i.qkd.api.LinkState;
import org.qkdv2i.qkd.api.LinkStatus;
import org.qkdv2i.qkd.api.QkdRole;

/**
 * SAE pair on adjacent nodes A and C whose direct link L-AC fails: the SDN controller's detour
 * A - D - E - C (virtual link {@link Chain#VLINK}) carries the keys once the direct pool cannot
 * serve, and the direct link serves again once its pool is refilled.
 */
public class AdjacentDetourTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Chain net;

    @Before
    public void network() throws Exception {
        net = new Chain(tmp.getRoot().toPath(), "A", "D", "E", "C");
        net.join("A", "C");
        net.feed(4);
        net.block("A", "C", true, true); // one block of 64 stored keys on the direct link, split between the halves
        net.route(); // the detour A - D - E - C, put at every node
    }

    @After
    public void close() {
        net.close();
    }

    private KmmCore a() {
        return net.core("A");
    }

    private KmmCore c() {
        return net.core("C");
    }

    private static List<UUID> ids(List<Key> keys) {
        return keys.stream().map(Key::id).collect(Collectors.toList());
    }

    private static void assertSameBytes(List<Key> a, List<Key> b) {
        assertEquals(ids(a), ids(b));
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals("bytes of key " + a.get(i).id(), a.get(i).bytes(), b.get(i).bytes());
        }
    }

    private static RelayStats stats(KmmCore core, String linkId) {
        return core.relayStats().stream().filter(s -> s.linkId().equals(linkId)).findFirst()
                .orElseThrow(() -> new AssertionError("no relay stats for " + linkId));
    }

    /** Takes every stored key of A's half of L-AC (one key of 256 bits each), directly. */
    private List<Key> drainDirect() throws KeyManagerException {
        int own = (int) net.own("A", "L-AC");
        assertTrue("A holds stored keys of its half of L-AC", own > 0);
        long relayedBefore = stats(a(), "L-AD").keysSent();
        List<Key> keys = a().newKeys(new KeyRequest("sa", "sz", own, 256));
        assertEquals(0, net.own("A", "L-AC"));
        assertEquals("served directly, nothing relayed", relayedBefore, stats(a(), "L-AD").keysSent());
        return keys;
    }

    private void removeDetour() {
        for (String n : net.nodes) {
            net.core(n).removeVirtualLink(Chain.VLINK);
        }
    }

    @FunctionalInterface
    private interface Call {
        Object run() throws KeyManagerException;
    }

    private static KeyManagerException refused(Call c) {
        try {
            c.run();
        } catch (KeyManagerException e) {
            return e;
        }
        throw new AssertionError("succeeded");
    }

    @Test
    public void directFirstThenTheDetourOnceTheDirectPoolIsDrainedThenDirectAgainWhenRefilled() throws Exception {
        List<Key> direct = drainDirect();
        long peerHalfAtC = net.peerHalf("C", "L-AC");

        List<Key> relayed = a().newKeys(new KeyRequest("sa", "sz", 2, 256));

        assertEquals("relayed over the detour", 2, stats(a(), "L-AD").keysSent());
        assertEquals(2, stats(c(), "L-CE").keysReceived());
        assertEquals("nothing taken from the direct link at C", peerHalfAtC, net.peerHalf("C", "L-AC"));
        // dec_keys at C finds keys of both kinds for the same SAE pair, in one request
        List<Key> both = new ArrayList<>(direct);
        both.addAll(relayed);
        assertSameBytes(both, c().keysById("sz", "sa", ids(both)));

        // the direct link delivers again: its pool is served first
        net.block("A", "C", true, true);
        long own = net.own("A", "L-AC");
        List<Key> again = a().newKeys(new KeyRequest("sa", "sz", 1, 256));
        assertEquals(own - 1, net.own("A", "L-AC"));
        assertEquals("not relayed", 2, stats(a(), "L-AD").keysSent());
        assertSameBytes(again, c().keysById("sz", "sa", ids(again)));
    }

    @Test
    public void theOtherDirectionTakesTheDetourFromItsOwnHalf() throws Exception {
        // C's half of L-AC drained by its master SAE sz; then sz's keys for sa travel C - E - D - A
        int own = (int) net.own("C", "L-AC");
        List<Key> direct = c().newKeys(new KeyRequest("sz", "sa", own, 256));
        assertEquals(0, net.own("C", "L-AC"));

        List<Key> relayed = c().newKeys(new KeyRequest("sz", "sa", 1, 256));

        assertEquals(1, stats(c(), "L-CE").keysSent());
        assertSameBytes(relayed, a().keysById("sa", "sz", ids(relayed)));
        assertSameBytes(direct.subList(0, 1), a().keysById("sa", "sz", ids(direct.subList(0, 1))));
    }

    @Test
    public void withoutADetourAnEmptyDirectPoolIsUnavailableNamingBoth() throws Exception {
        removeDetour();
        drainDirect();

        KeyManagerException e = refused(() -> a().newKeys(new KeyRequest("sa", "sz", 1, 256)));

        assertEquals(Reason.UNAVAILABLE, e.reason()); // ETSI 014: 503
        assertEquals("not enough key on link L-AC: the request needs 1 stored keys of 256 bits, node A holds 0; "
                + "no detour: no virtual link joins A and C", e.getMessage());
    }

    @Test
    public void aFailingDetourIsUnavailableNamingBothAndDeliversNothing() throws Exception {
        drainDirect();
        int waiting = c().waitingKeys(); // the direct keys
        net.cut.add("A>D"); // the detour's first hop cannot be reached

        KeyManagerException e = refused(() -> a().newKeys(new KeyRequest("sa", "sz", 1, 256)));

        assertEquals(Reason.UNAVAILABLE, e.reason());
        assertTrue(e.getMessage(), e.getMessage().startsWith("not enough key on link L-AC:")
                && e.getMessage().contains("; detour: key relay to SAE sz at node C over virtual link V-1 failed:")
                && e.getMessage().contains("peer KMM D unreachable"));
        assertEquals("nothing stored at C", waiting, c().waitingKeys());
    }

    @Test
    public void aDirectLinkDownOrAbortedForEavesdroppingKeepsServingFromItsPool() throws Exception {
        LinkEnd end = new LinkEnd("L-AC", "A", "C", QkdRole.TRANSMITTER);
        for (LinkState state : new LinkState[] {LinkState.DOWN, LinkState.ABORTED_EAVESDROPPING}) {
            a().linkStatus(end, LinkStatus.of(state, "test", Instant.now()));
            long own = net.own("A", "L-AC");

            List<Key> keys = a().newKeys(new KeyRequest("sa", "sz", 1, 256));

            assertEquals(state + ": from the direct pool", own - 1, net.own("A", "L-AC"));
            assertEquals(state + ": not relayed", 0, stats(a(), "L-AD").keysSent());
            assertSameBytes(keys, c().keysById("sz", "sa", ids(keys)));
        }
    }

    @Test
    public void anUnreachablePeerKmmIsDetouredAroundAndConsumesNoDirectKey() throws Exception {
        net.cut.add("A>C"); // the classical channel of the direct link is gone too
        long own = net.own("A", "L-AC");

        List<Key> keys = a().newKeys(new KeyRequest("sa", "sz", 1, 256));

        assertEquals(1, stats(a(), "L-AD").keysSent());
        assertEquals("direct stored keys given back", own, net.own("A", "L-AC"));
        assertSameBytes(keys, c().keysById("sz", "sa", ids(keys)));
    }

    @Test
    public void aSilentPeerKmmIsWaitedForOnceThenTheDetourGoesFirst() throws Exception {
        net.peerTimeoutMillis = 1000;
        for (String n : net.nodes) {
            net.restart(n); // with the short timeout
        }
        net.route(); // virtual links live in memory
        net.silent.add("A>C");
        long own = net.own("A", "L-AC");

        List<Key> first = a().newKeys(new KeyRequest("sa", "sz", 1, 256));
        List<Key> second = a().newKeys(new KeyRequest("sa", "sz", 1, 256));

        assertEquals("the direct link was tried once", 1, net.reserves.get("A>C").get());
        assertEquals("both relayed", 2, stats(a(), "L-AD").keysSent());
        assertEquals("direct stored keys given back", own, net.own("A", "L-AC"));
        List<Key> both = new ArrayList<>(first);
        both.addAll(second);
        assertSameBytes(both, c().keysById("sz", "sa", ids(both)));
    }

    @Test
    public void statusOfAnAdjacentPairCountsTheDetourToo() throws Exception {
        PairStatus with = a().status("sa", "sz");
        long direct = net.own("A", "L-AC");
        // 256-bit keys over the detour: 2 stored keys of L-AD per key (pad + MAC key)
        long detour = net.own("A", "L-AD") / 2;
        assertEquals(direct + detour, with.storedKeyCount());

        removeDetour();
        PairStatus without = a().status("sa", "sz");

        assertEquals(direct, without.storedKeyCount());
        assertTrue(with.maxKeyCount() > without.maxKeyCount());
    }
}
