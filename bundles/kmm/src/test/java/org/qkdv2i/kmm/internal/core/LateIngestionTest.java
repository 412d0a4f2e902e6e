package org.qkdv2i.kmm.internal.core;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.qkdv2i.kmm.internal.core.TwoNodes.LINK;
import static org.qkdv2i.kmm.internal.core.TwoNodes.own;
import static org.qkdv2i.kmm.internal.core.TwoNodes.peer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.junit.Test;
import org.qkdv2i.kmm.api.Key;
import org.qkdv2i.kmm.api.KeyManagerException;
import org.qkdv2i.kmm.api.KeyManagerException.Reason;
import org.qkdv2i.kmm.api.KeyRequest;

/**
 * One end of the link ingests the driver's blocks seconds after the other (a loaded node):
 * what it lacks "not yet" must be told apart from what it lost, by its ingestion watermark.
 * Numbered blocks are 10 ms of block time apart (100 blocks/s) and carry 8 stored keys.
 */
public class LateIngestionTest extends TwoNodesTestBase {

    private static int ownedByA(int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            n += TwoNodes.ownedByA(i);
        }
        return n;
    }

    /** A numbered block in [from, to) with at least one stored key of A's half. */
    private static int blockOfAsHalf(int from, int to) {
        for (int n = from; n < to; n++) {
            if (TwoNodes.ownedByA(n) > 0) {
                return n;
            }
        }
        throw new AssertionError("no block of A's half in " + from + ".." + to);
    }

    /**
     * Requests keys sa -> sb at A until it answers "not enough key" (32 at a time, then one at a
     * time); B fetches every issued key and must get the same bytes. Returns the final refusal.
     */
    private KeyManagerException drain(Set<UUID> issued) throws Exception {
        int number = 32;
        while (true) {
            List<Key> enc;
            try {
                enc = net.a.newKeys(new KeyRequest("sa", "sb", number, 256));
            } catch (KeyManagerException e) {
                assertEquals(e.getMessage(), Reason.UNAVAILABLE, e.reason());
                if (number == 1) {
                    return e;
                }
                number = 1;
                continue;
            }
            List<UUID> ids = new ArrayList<>();
            enc.forEach(k -> ids.add(k.id()));
            List<Key> dec = net.b.keysById("sb", "sa", ids);
            for (int i = 0; i < enc.size(); i++) {
                assertTrue("key given twice", issued.add(enc.get(i).id()));
                assertArrayEquals(enc.get(i).bytes(), dec.get(i).bytes());
            }
        }
    }

    @Test
    public void theOwnerNeverDestroysWhatALaggingPeerStoresLater() throws Exception {
        net.feedA(0, 500); // A's ingestion is 3 s of block time ahead of B's
        net.feedB(0, 200);
        Set<UUID> issued = new HashSet<>();

        KeyManagerException refused = drain(issued);

        assertEquals(ownedByA(0, 200), issued.size());
        assertTrue(refused.getMessage(), refused.getMessage().contains("peer B is 3000 ms behind on link L-AB"));
        assertEquals(0, net.a.discardedUnmatched(LINK));
        // a sync meanwhile: B lacks them all, none is lost, none is destroyed at either end
        KmmCore.SyncResult r = net.a.sync(LINK);
        assertTrue(r.error(), r.complete());
        assertEquals(ownedByA(200, 500), r.lacked());
        assertEquals(0, r.destroyed());
        assertEquals(0, r.orphans());
        assertEquals(0, net.a.discardedUnmatched(LINK));
        assertEquals(0, net.b.discardedUnmatched(LINK));
        // ETSI status counts only what can be offered now
        assertEquals(0, net.a.status("sa", "sb").storedKeyCount());
        assertEquals(ownedByA(200, 500), own(net.a));

        net.feedB(200, 500); // B catches up

        KeyManagerException end = drain(issued);
        assertEquals(ownedByA(0, 500), issued.size());
        assertEquals(0, own(net.a));
        assertEquals(0, peer(net.b));
        assertEquals(0, net.a.discardedUnmatched(LINK));
        assertEquals(0, net.b.discardedUnmatched(LINK));
        assertTrue(end.getMessage(), end.getMessage().contains("holds 0"));
    }

    @Test
    public void statusCountsOnlyWhatThePeerHasIngested() throws Exception {
        net.settingsA = net.settingsA.withReserveFirst(true); // a reservation answer carries the watermark
        net.a.updateSettings(net.settingsA);
        net.feedA(0, 500);
        net.feedB(0, 200);
        assertEquals("watermark not known yet", ownedByA(0, 500), net.a.status("sa", "sb").storedKeyCount());
        net.a.sync(LINK);
        assertEquals(ownedByA(0, 200), net.a.status("sa", "sb").storedKeyCount());
        net.feedB(200, 300);
        net.a.newKeys(new KeyRequest("sa", "sb", 1, 256)); // the answer carries B's new watermark
        assertEquals(ownedByA(0, 300) - 1, net.a.status("sa", "sb").storedKeyCount());
    }

    @Test
    public void storedKeysTrulyMissingAtThePeerAreDestroyedBySync() throws Exception {
        int late = blockOfAsHalf(480, 500);
        net.feedA(0, 500);
        // B's driver lost blocks 100..109 (long before its newest block) and one block a moment ago
        net.feedB(0, 100);
        net.feedB(110, late);
        net.feedB(late + 1, 500);
        int lost = ownedByA(100, 110);
        int recent = TwoNodes.ownedByA(late);
        assertTrue(lost > 0);

        KmmCore.SyncResult r = net.a.sync(LINK);

        assertEquals(lost + recent, r.lacked());
        assertEquals(lost, r.destroyed());
        assertEquals(lost, net.a.discardedUnmatched(LINK));
        // B's driver goes on: the recent gap is now well behind its watermark
        net.feedA(500, 800);
        net.feedB(500, 800);
        r = net.a.sync(LINK);
        assertEquals(recent, r.lacked());
        assertEquals(recent, r.destroyed());
        assertEquals(own(net.a), peer(net.b));
        Set<UUID> issued = new HashSet<>();
        drain(issued);
        assertEquals(ownedByA(0, 800) - lost - recent, issued.size());
        assertEquals(lost + recent, net.a.discardedUnmatched(LINK));
    }

    @Test
    public void theReservationPathKeepsAStoredKeyWithinTheMarginThenDestroysItOnceLost() throws Exception {
        int late = blockOfAsHalf(280, 300);
        net.feedA(0, 300);
        net.feedB(0, late); // B's driver lost block `late`, 0.1-0.2 s before its newest block
        net.feedB(late + 1, 300);
        Set<UUID> issued = new HashSet<>();

        drain(issued);

        assertEquals(ownedByA(0, 300) - TwoNodes.ownedByA(late), issued.size());
        assertEquals("set aside, not destroyed", 0, net.a.discardedUnmatched(LINK));
        assertEquals(TwoNodes.ownedByA(late), own(net.a));
        int reserves = net.transport.reserveCalls.get();
        try {
            net.a.newKeys(new KeyRequest("sa", "sb", 1, 256));
            fail("only the stored keys B lacks are left");
        } catch (KeyManagerException e) {
            assertEquals(Reason.UNAVAILABLE, e.reason());
        }
        assertEquals("not offered again meanwhile", reserves, net.transport.reserveCalls.get());
    }

    @Test
    public void aKeySetAsideIsDestroyedOnceThePeerWatermarkPassesItByTheMargin() throws Exception {
        int late = blockOfAsHalf(280, 300);
        net.feedA(0, 300);
        net.feedB(0, late);
        net.feedB(late + 1, 300);
        Set<UUID> issued = new HashSet<>();
        drain(issued);
        assertEquals(0, net.a.discardedUnmatched(LINK));

        net.feedA(300, 600);
        net.feedB(300, 600);
        drain(issued);

        assertEquals(TwoNodes.ownedByA(late), net.a.discardedUnmatched(LINK));
        assertEquals(ownedByA(0, 600) - TwoNodes.ownedByA(late), issued.size());
        assertEquals(0, own(net.a));
    }

    @Test
    public void theSyncNeverDropsAtThePeerWhatALaggingOwnerStoresLater() throws Exception {
        net.feedB(0, 500);
        net.feedA(0, 200); // now A, the owner of its half, is the one behind
        net.clock.advanceSeconds(10); // and B stored its copies long ago by the wall clock

        KmmCore.SyncResult r = net.a.sync(LINK);

        assertEquals(0, r.orphans());
        assertEquals(0, net.b.discardedUnmatched(LINK));
        assertEquals(ownedByA(0, 500), peer(net.b));
        net.feedA(200, 500);
        r = net.a.sync(LINK);
        assertEquals(0, r.lacked());
        assertEquals(0, r.orphans());
        assertEquals(own(net.a), peer(net.b));
        // a block A's driver lost: an orphan at B once A's watermark has passed it by the margin
        int gone = blockOfAsHalf(500, 520);
        net.feedB(500, 800);
        net.feedA(500, gone);
        net.feedA(gone + 1, 800);
        r = net.a.sync(LINK);
        assertEquals(TwoNodes.ownedByA(gone), r.orphans());
        assertEquals(own(net.a), peer(net.b));
        assertEquals(TwoNodes.ownedByA(gone), net.b.discardedUnmatched(LINK));
    }

    @Test
    public void watermarksSurviveARestart() throws Exception {
        net.feedA(0, 500);
        net.feedB(0, 200);
        Set<UUID> issued = new HashSet<>();
        drain(issued);
        net.reopen();
        // B still reports 200 blocks ingested: A destroys nothing and offers nothing more
        KeyManagerException e = drain(issued);
        assertTrue(e.getMessage(), e.getMessage().contains("3000 ms behind"));
        assertEquals(0, net.a.discardedUnmatched(LINK));
        assertEquals(ownedByA(200, 500), own(net.a));
    }
}
