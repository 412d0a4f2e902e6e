package org.qkdv2i.kmm.internal.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.qkdv2i.kmm.internal.core.TwoNodes.LINK;
import static org.qkdv2i.kmm.internal.core.TwoNodes.own;
import static org.qkdv2i.kmm.internal.core.TwoNodes.peer;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.Test;
import org.qkdv2i.kmm.api.Key;
import org.qkdv2i.kmm.api.KeyRequest;
import org.qkdv2i.qkd.api.KeyBlock;

/** Incremental inventory sync: only unconfirmed stored keys, full listings for orphans, never blocking requests. */
public class IncrementalSyncTest extends TwoNodesTestBase {

    private Set<UUID> listed(int fromRequest) {
        Set<UUID> ids = new HashSet<>();
        List<PeerTransport.InventoryRequest> all = net.transport.inventories;
        for (int i = fromRequest; i < all.size(); i++) {
            ids.addAll(all.get(i).ids());
        }
        return ids;
    }

    @Test
    public void anIncrementalSyncListsOnlyUnconfirmedStoredKeys() throws Exception {
        net.block(32 * 600);
        long first = own(net.a);
        KmmCore.SyncResult full = net.a.sync(LINK, true);
        assertTrue(full.complete());
        assertEquals(first, full.offered());
        assertTrue(net.transport.inventories.get(0).full());

        // nothing new: nothing listed
        KmmCore.SyncResult idle = net.a.sync(LINK, false);
        assertTrue(idle.complete());
        assertEquals(0, idle.offered());

        net.block(32 * 100);
        long added = own(net.a) - first;
        assertTrue(added > 0);
        int mark = net.transport.inventories.size();
        KmmCore.SyncResult inc = net.a.sync(LINK, false);

        assertTrue(inc.complete());
        assertEquals(added, inc.offered());
        assertEquals(0, inc.lacked());
        assertFalse(net.transport.inventories.get(mark).full());
        assertEquals(added, listed(mark).size());
        // and those are confirmed now
        assertEquals(0, net.a.sync(LINK, false).offered());
    }

    @Test
    public void storedKeysThePeerHasNotYetStayUnconfirmedAndAreListedAgain() throws Exception {
        net.feedA(0, 10);
        net.feedB(0, 10);
        net.a.sync(LINK, true);
        net.feedA(10, 20); // B's driver is behind: not lost, just not there yet
        KmmCore.SyncResult r = net.a.sync(LINK, false);
        long lateOwn = 0;
        for (int n = 10; n < 20; n++) {
            lateOwn += TwoNodes.ownedByA(n);
        }
        assertEquals(lateOwn, r.offered());
        assertEquals(lateOwn, r.lacked());
        assertEquals(0, r.destroyed());
        net.feedB(10, 20);
        r = net.a.sync(LINK, false);
        assertEquals(lateOwn, r.offered());
        assertEquals(0, r.lacked());
        assertEquals(0, net.a.sync(LINK, false).offered());
    }

    @Test
    public void onlyAFullSyncDropsOrphansAtThePeer() throws Exception {
        net.block(32 * 100);
        net.a.sync(LINK, true);
        // blocks only B received: the stored keys of A's half among them are orphans at B
        for (int i = 0; i < 4; i++) {
            byte[] key = new byte[32 * 50];
            net.blockRandom.nextBytes(key);
            net.b.keyBlock(TwoNodes.END_B, new KeyBlock(UUID.randomUUID(), key, net.clock.instant(), 0.01, 1e-10));
        }
        net.clock.advanceSeconds(10);
        net.block(32 * 10); // A's watermark passes those blocks
        long orphans = peer(net.b) - own(net.a);
        assertTrue(orphans > 0);

        KmmCore.SyncResult inc = net.a.sync(LINK, false);
        assertEquals(0, inc.orphans());
        assertEquals(own(net.a) + orphans, peer(net.b));

        KmmCore.SyncResult full = net.a.sync(LINK, true);
        assertEquals(orphans, full.orphans());
        assertEquals(own(net.a), peer(net.b));
    }

    @Test
    public void periodicSyncsAreFullOnlyWhenDue() throws Exception {
        net.settingsA = net.settingsA.withFullSync(3600);
        net.a.updateSettings(net.settingsA);
        net.block(32 * 100);
        net.a.syncAll(); // the channel came up (setTransport): full
        assertTrue(net.transport.inventories.get(net.transport.inventories.size() - 1).full());
        net.block(32 * 10);
        int mark = net.transport.inventories.size();
        net.a.syncAll();
        assertFalse(net.transport.inventories.get(mark).full());
        net.a.setTransport(net.transport); // the channel restarted
        mark = net.transport.inventories.size();
        net.a.syncAll();
        assertTrue(net.transport.inventories.get(mark).full());
    }

    @Test
    public void aPeerHoldingMoreOfThisHalfThanThisNodeGetsAFullSyncAndDropsTheOrphans() throws Exception {
        net.settingsA = net.settingsA.withFullSync(3600);
        net.a.updateSettings(net.settingsA);
        net.block(32 * 100);
        net.a.syncAll(); // the channel came up: full
        net.a.orphanSlack = 10;
        // A's pool becomes full; B's has room: the next blocks' keys of A's half stay at B only
        net.settingsA = net.settingsA.withCapacity(2 * Math.max(own(net.a), peer(net.a)), 0);
        net.a.updateSettings(net.settingsA);
        net.block(32 * 100);
        assertTrue("B holds copies A dropped", peer(net.b) > own(net.a) + 10);
        // B keeps keys of blocks A may not have ingested yet: let A's watermark move on
        net.clock.advanceSeconds(10);
        net.block(32);
        int mark = net.transport.inventories.size();
        net.a.syncAll(); // incremental: B's answer says how many of A's half it holds
        assertFalse(net.transport.inventories.get(mark).full());
        mark = net.transport.inventories.size();
        net.a.syncAll();
        assertTrue("too many at B: a full sync", net.transport.inventories.get(mark).full());
        // gone, but for the newest block's one key if it is of A's half (within the margin)
        assertTrue(peer(net.b) + " at B, " + own(net.a) + " at A", peer(net.b) - own(net.a) <= 1);
        mark = net.transport.inventories.size();
        net.a.syncAll(); // in step again: incremental
        assertFalse(net.transport.inventories.get(mark).full());
    }

    @Test
    public void afterARestartEveryStoredKeyIsUnconfirmed() throws Exception {
        net.block(32 * 200);
        net.a.sync(LINK, true);
        assertEquals(0, net.a.sync(LINK, false).offered());
        net.reopen();
        assertEquals(own(net.a), net.a.sync(LINK, false).offered());
    }

    @Test(timeout = 30_000)
    public void aSyncWaitingForThePeerDoesNotBlockRequests() throws Exception {
        net.block(32 * 400);
        CountDownLatch inPeerCall = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        net.transport.beforeInventory = () -> {
            inPeerCall.countDown();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<KmmCore.SyncResult> sync = pool.submit(() -> net.a.sync(LINK, true));
            assertTrue(inPeerCall.await(10, TimeUnit.SECONDS));
            // the sync is now inside the peer call; requests at both ends go through meanwhile
            Future<List<Key>> enc = pool.submit(() -> net.a.newKeys(new KeyRequest("sa", "sb", 4, 256)));
            List<Key> keys = enc.get(10, TimeUnit.SECONDS);
            assertFalse("the sync finished first", sync.isDone());
            List<UUID> ids = keys.stream().map(Key::id).collect(Collectors.toList());
            assertEquals(4, net.b.keysById("sb", "sa", ids).size());
            assertEquals(1, net.a.pools().size());
            release.countDown();
            assertTrue(sync.get(10, TimeUnit.SECONDS).complete());
            assertEquals(own(net.a), peer(net.b));
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }
}
