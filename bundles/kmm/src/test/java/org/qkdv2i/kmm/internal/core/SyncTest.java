package org.qkdv2i.kmm.internal.core;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.qkdv2i.kmm.internal.core.TwoNodes.LINK;
import static org.qkdv2i.kmm.internal.core.TwoNodes.own;
import static org.qkdv2i.kmm.internal.core.TwoNodes.peer;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.junit.Test;
import org.qkdv2i.kmm.api.Key;
import org.qkdv2i.kmm.api.KeyManagerException;
import org.qkdv2i.kmm.api.KeyManagerException.Reason;
import org.qkdv2i.kmm.api.KeyRequest;
import org.qkdv2i.qkd.api.KeyBlock;

/** Inventory reconciliation, the fresh-key grace period and the deadline-bounded reservation loop. */
public class SyncTest extends TwoNodesTestBase {

    private static List<UUID> ids(List<Key> keys) {
        return keys.stream().map(Key::id).collect(Collectors.toList());
    }

    /**
     * A started first: at least 500 stored keys of A's half that B never received, then (10 s of
     * block time later, well past the lost-key margin) shared blocks.
     */
    private long aStartsFirst() {
        while (own(net.a) < 500) {
            net.blockOnlyA(32 * 16);
        }
        long unmatched = own(net.a);
        net.clock.advanceSeconds(10);
        net.block(32 * 400);
        assertEquals(0, peer(net.b) - (own(net.a) - unmatched));
        return unmatched;
    }

    @Test
    public void afterASyncTheFirstRequestSucceedsAtOnceWithoutARoundTrip() throws Exception {
        long unmatched = aStartsFirst();
        TwoNodes.Direct t = net.transport;

        KmmCore.SyncResult r = net.a.sync(LINK);

        assertTrue(r.error(), r.complete());
        assertEquals(unmatched, r.lacked());
        assertEquals(unmatched, r.destroyed());
        assertEquals(unmatched, net.a.discardedUnmatched(LINK));
        assertEquals(own(net.a), peer(net.b));
        int reservesBefore = t.reserveCalls.get();
        List<Key> enc = net.a.newKeys(new KeyRequest("sa", "sb", 4, 256));
        // every stored key is confirmed now: delivered without a reservation, recorded at B afterwards
        assertEquals("no reservation round", reservesBefore, t.reserveCalls.get());
        List<Key> dec = net.b.keysById("sb", "sa", ids(enc));
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(enc.get(i).bytes(), dec.get(i).bytes());
        }
    }

    @Test
    public void aRequestThatMeetsUnmatchedKeysReconcilesTheLinkAndSucceeds() throws Exception {
        long unmatched = aStartsFirst();
        TwoNodes.Direct t = net.transport;
        int inventoriesBefore = t.inventoryCalls.get();

        List<Key> enc = net.a.newKeys(new KeyRequest("sa", "sb", 4, 256));

        // one refused round, one sync of the whole half, one accepted round
        assertEquals(2, t.reserveCalls.get());
        assertEquals(inventoriesBefore + 1, t.inventoryCalls.get());
        assertEquals(unmatched, net.a.discardedUnmatched(LINK));
        assertEquals(4, net.b.keysById("sb", "sa", ids(enc)).size());
        assertEquals(own(net.a), peer(net.b));
    }

    @Test
    public void syncsAreChunkedAndTheSecondFindsNothing() throws Exception {
        net.blockOnlyA(32 * 64); // lost on the way to B, well before B's newest block
        net.clock.advanceSeconds(10);
        while (own(net.a) < KmmCore.INVENTORY_SEND_CHUNK + 500) {
            net.block(32 * 256);
        }
        int before = net.transport.inventoryCalls.get();
        KmmCore.SyncResult first = net.a.sync(LINK);
        long chunks = (own(net.a) + first.lacked() + KmmCore.INVENTORY_SEND_CHUNK - 1) / KmmCore.INVENTORY_SEND_CHUNK;
        assertTrue("chunked: " + (net.transport.inventoryCalls.get() - before),
                net.transport.inventoryCalls.get() - before >= 2);
        assertTrue(net.transport.inventoryCalls.get() - before <= chunks + 1);
        assertTrue(first.lacked() > 0);
        assertEquals(0, first.orphans());
        KmmCore.SyncResult second = net.a.sync(LINK);
        assertEquals(0, second.lacked());
        assertEquals(own(net.a), second.offered());
        assertEquals(own(net.a), peer(net.b));
    }

    @Test
    public void thePeerDropsWhatTheOwnerNoLongerHoldsButNeverAReservedKey() throws Exception {
        net.block(32 * 100);
        List<Key> reserved = net.a.newKeys(new KeyRequest("sa", "sb", 3, 256)); // waiting at B for sb
        // blocks only B received: the stored keys of A's half among them are orphans at B
        for (int i = 0; i < 4; i++) {
            byte[] key = new byte[32 * 50];
            net.blockRandom.nextBytes(key);
            net.b.keyBlock(TwoNodes.END_B, new KeyBlock(UUID.randomUUID(), key, net.clock.instant(), 0.01, 1e-10));
        }
        long orphans = peer(net.b) - own(net.a) - 3;
        assertTrue(orphans > 0);
        // too young yet: the owner's driver may simply be late
        KmmCore.SyncResult early = net.a.sync(LINK);
        assertEquals(0, early.orphans());
        net.clock.advanceSeconds(10);
        net.block(32 * 10); // A's driver moves on: its watermark passes those blocks

        KmmCore.SyncResult r = net.a.sync(LINK);

        assertEquals(orphans, r.orphans());
        assertEquals(own(net.a) + 3, peer(net.b)); // the reserved stored keys stay
        assertEquals(3, net.b.keysById("sb", "sa", ids(reserved)).size());
        assertEquals(own(net.a), peer(net.b));
    }

    @Test
    public void storedKeysInFlightSurviveASyncRunningMeanwhile() throws Exception {
        net.block(32 * 100);
        net.clock.advanceSeconds(10);
        net.block(32 * 4); // every stored key of the first block is now an orphan candidate at B
        AtomicInteger orphansSeen = new AtomicInteger(-1);
        net.transport.beforeReserve = () -> orphansSeen.set(net.a.sync(LINK).orphans());

        List<Key> enc = net.a.newKeys(new KeyRequest("sa", "sb", 8, 512));

        assertEquals(0, orphansSeen.get());
        assertEquals(8, net.b.keysById("sb", "sa", ids(enc)).size());
    }

    @Test
    public void freshStoredKeysAreNotOfferedDuringTheGracePeriod() throws Exception {
        net.settingsA = net.settingsA.withPeer(5000, 1000);
        net.a.updateSettings(net.settingsA);
        net.b.updateSettings(net.settingsB.withPeer(5000, 1000));
        net.block(32 * 40);

        try {
            net.a.newKeys(new KeyRequest("sa", "sb", 1, 256));
            fail("a stored key younger than the grace period was offered");
        } catch (KeyManagerException e) {
            assertEquals(Reason.UNAVAILABLE, e.reason());
            assertTrue(e.getMessage(), e.getMessage().contains("younger than 1000 ms"));
        }
        assertEquals(0, net.transport.reserveCalls.get());
        assertEquals(0, net.a.status("sa", "sb").storedKeyCount());
        // a block only A got, still within the grace period: neither offered nor destroyed
        net.blockOnlyA(32 * 40);
        KmmCore.SyncResult r = net.a.sync(LINK);
        assertEquals(own(net.a), r.offered());
        assertEquals(0, r.destroyed());

        net.clock.millis.addAndGet(1000);
        assertEquals(own(net.a), net.a.status("sa", "sb").storedKeyCount());
        List<Key> enc = net.a.newKeys(new KeyRequest("sa", "sb", 1, 256));
        assertEquals(1, net.b.keysById("sb", "sa", ids(enc)).size());
    }

    @Test
    public void theReservationLoopIsBoundedByTheDeadlineNotByACount() throws Exception {
        net.settingsA = net.settingsA.withPeer(400, 0);
        net.a.updateSettings(net.settingsA);
        net.block(32 * 2000);
        // a peer that never confirms: it lacks one stored key of every offer, and answers slowly
        AtomicInteger calls = new AtomicInteger();
        PeerTransport stubborn = new PeerTransport() {
            @Override
            public ReserveResult reserve(String p, ReserveRequest req, long timeoutMillis) throws PeerException {
                calls.incrementAndGet();
                assertTrue("per-call timeout beyond the deadline: " + timeoutMillis, timeoutMillis <= 400);
                pause(20);
                return new ReserveResult(List.of(), List.of(req.keys().get(0).parts().get(0)), farAhead());
            }

            @Override
            public InventoryResult inventory(String p, InventoryRequest req, long timeoutMillis) {
                return new InventoryResult(List.of(), 0, farAhead());
            }
        };
        net.a.setTransport(stubborn);
        long t0 = System.nanoTime();
        try {
            net.a.newKeys(new KeyRequest("sa", "sb", 2, 256));
            fail("the peer never confirmed");
        } catch (KeyManagerException e) {
            assertEquals(Reason.UNAVAILABLE, e.reason());
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        int rounds = calls.get();
        assertTrue("gave up after " + ms + " ms", ms >= 380);
        assertTrue("only " + rounds + " rounds", rounds > 4);
        // bounded by the deadline, counted rather than timed (a loaded CI stretches the wall time, not the
        // count): each reserve call sleeps >= 20 ms, so at most 400 / 20 + 1 calls start before the deadline
        assertTrue(rounds + " rounds: more than fit the 400 ms deadline", rounds <= 21);
        assertEquals(rounds, net.a.discardedUnmatched(LINK));
    }

    @Test
    public void moreThanFourRefusedRoundsStillEndInKeys() throws Exception {
        net.block(32 * 400);
        AtomicInteger refusals = new AtomicInteger(6);
        PeerTransport flaky = new PeerTransport() {
            @Override
            public ReserveResult reserve(String p, ReserveRequest req, long timeoutMillis) throws PeerException {
                if (refusals.getAndDecrement() > 0) {
                    return new ReserveResult(List.of(), List.of(req.keys().get(0).parts().get(0)), farAhead());
                }
                return net.transport.reserve(p, req, timeoutMillis);
            }

            @Override
            public InventoryResult inventory(String p, InventoryRequest req, long timeoutMillis) {
                return new InventoryResult(List.of(), 0, farAhead());
            }
        };
        net.a.setTransport(flaky);
        List<Key> enc = net.a.newKeys(new KeyRequest("sa", "sb", 2, 256));
        assertEquals(2, net.b.keysById("sb", "sa", ids(enc)).size());
        assertEquals(6, net.a.discardedUnmatched(LINK));
    }

    /** The watermark of a peer an hour of block time ahead: whatever it lacks is lost. */
    private Long farAhead() {
        return net.clock.millis() + 3_600_000;
    }

    /** Simulated network latency of a fake peer (not used for synchronisation). */
    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
