package org.qkdv2i.kmm.internal.core;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.qkdv2i.kmm.internal.core.TwoNodes.LINK;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.Test;
import org.qkdv2i.kmm.internal.Await;
import org.qkdv2i.kmm.api.Key;
import org.qkdv2i.kmm.api.KeyManagerException;
import org.qkdv2i.kmm.api.KeyManagerException.Reason;
import org.qkdv2i.kmm.api.KeyRequest;

/**
 * Keys cut from stored keys the peer has confirmed are delivered without a reservation round
 * trip and recorded at the peer afterwards by the owner's assigner thread; a slave SAE that
 * asks before the record arrives gets the key through a claim.
 */
public class FastDeliveryTest extends TwoNodesTestBase {

    private static List<UUID> ids(List<Key> keys) {
        return keys.stream().map(Key::id).collect(Collectors.toList());
    }

    /** Keys on the link, all of them confirmed by a sync. */
    private void confirmedKeys() {
        net.block(32 * 64);
        assertTrue(net.a.sync(LINK).complete());
    }

    /** Assignments from A wait until the returned latch is released. */
    private CountDownLatch holdAssignments() {
        CountDownLatch release = new CountDownLatch(1);
        net.transport.beforeAssign = () -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        return release;
    }

    private void assertSameKeys(List<Key> enc, List<Key> dec) {
        assertEquals(enc.size(), dec.size());
        for (int i = 0; i < enc.size(); i++) {
            assertEquals(enc.get(i).id(), dec.get(i).id());
            assertArrayEquals(enc.get(i).bytes(), dec.get(i).bytes());
        }
    }

    @Test
    public void confirmedKeysAreDeliveredWithoutAReservationAndRecordedAfterwards() throws Exception {
        confirmedKeys();
        List<Key> enc = net.a.newKeys(new KeyRequest("sa", "sb", 3, 512));
        assertEquals("no reservation round trip", 0, net.transport.reserveCalls.get());
        Await.until("recorded at B", () -> net.a.unrecordedKeys("B") == 0);
        assertEquals(3, net.b.waitingKeys());
        assertEquals(0, net.transport.claimCalls.get());
        assertSameKeys(enc, net.b.keysById("sb", "sa", ids(enc)));
        try {
            net.b.keysById("sb", "sa", ids(enc));
            fail("delivered twice");
        } catch (KeyManagerException e) {
            assertEquals(Reason.KEYS_NOT_FOUND, e.reason());
        }
    }

    @Test
    public void aSlaveAskingBeforeTheRecordArrivesGetsTheKeyThroughAClaim() throws Exception {
        confirmedKeys();
        CountDownLatch release = holdAssignments();
        List<Key> enc = net.a.newKeys(new KeyRequest("sa", "sb", 2, 256));
        assertSameKeys(enc, net.b.keysById("sb", "sa", ids(enc)));
        assertEquals(1, net.transport.claimCalls.get());
        release.countDown();
        // the late assignment finds the keys delivered: recorded, nothing lost
        Await.until("assignment answered", () -> net.a.unrecordedKeys("B") == 0);
        assertEquals(0, net.a.discardedUnmatched(LINK));
        assertEquals(0, net.b.waitingKeys());
    }

    @Test
    public void aSlaveAskingWhileTheRecordIsOnTheWayWaitsForItInsteadOfAsking() throws Exception {
        confirmedKeys();
        net.settingsB = net.settingsB.withRecordWait(TimeUnit.SECONDS.toMillis(30));
        net.b.updateSettings(net.settingsB);
        CountDownLatch release = holdAssignments();
        List<Key> enc = net.a.newKeys(new KeyRequest("sa", "sb", 2, 256));
        CompletableFuture<List<Key>> dec = new CompletableFuture<>();
        Thread slave = new Thread(() -> {
            try {
                dec.complete(net.b.keysById("sb", "sa", ids(enc)));
            } catch (Throwable e) {
                dec.completeExceptionally(e);
            }
        });
        slave.start();
        Await.until("dec_keys waiting for the record", () -> slave.getState() == Thread.State.TIMED_WAITING);
        release.countDown(); // the assignment arrives
        assertSameKeys(enc, dec.get(30, TimeUnit.SECONDS));
        assertEquals("no claim", 0, net.transport.claimCalls.get());
    }

    @Test
    public void aKeyNobodyDeliveredIsStillNotFound() throws Exception {
        confirmedKeys();
        try {
            net.b.keysById("sb", "sa", List.of(UUID.randomUUID()));
            fail("an unknown key was served");
        } catch (KeyManagerException e) {
            assertEquals(Reason.KEYS_NOT_FOUND, e.reason());
        }
        assertEquals("B asked A once", 1, net.transport.claimCalls.get());
    }

    @Test
    public void unconfirmedStoredKeysTakeTheReservationPath() throws Exception {
        net.block(32 * 64); // no sync yet: A does not know that B holds them
        List<Key> enc = net.a.newKeys(new KeyRequest("sa", "sb", 2, 256));
        assertEquals(1, net.transport.reserveCalls.get());
        assertEquals(0, net.a.unrecordedKeys("B"));
        assertSameKeys(enc, net.b.keysById("sb", "sa", ids(enc)));
    }

    @Test
    public void reserveFirstTurnsTheFastPathOff() throws Exception {
        net.settingsA = net.settingsA.withReserveFirst(true);
        net.a.updateSettings(net.settingsA);
        confirmedKeys();
        net.a.newKeys(new KeyRequest("sa", "sb", 2, 256));
        assertEquals(1, net.transport.reserveCalls.get());
        assertEquals(0, net.transport.assignCalls.get());
    }

    @Test
    public void anUnreachablePeerPausesFastDeliveryAndGetsTheRecordsLater() throws Exception {
        confirmedKeys();
        net.transport.down = true;
        List<Key> first = net.a.newKeys(new KeyRequest("sa", "sb", 1, 256)); // A cannot know yet
        Await.until("the assignment failed", () -> net.transport.assignCalls.get() >= 1);
        Await.until("fast delivery paused", () -> {
            try {
                net.a.newKeys(new KeyRequest("sa", "sb", 1, 256)).forEach(Key::destroy);
                return false;
            } catch (KeyManagerException e) {
                return e.reason() == Reason.UNAVAILABLE; // the reservation path, and the peer is down
            }
        });
        net.transport.down = false;
        Await.until("recorded after the peer came back", () -> net.a.unrecordedKeys("B") == 0);
        assertSameKeys(first, net.b.keysById("sb", "sa", ids(first)));
    }

    @Test
    public void recordsNotYetSentSurviveARestartOfBothNodes() throws Exception {
        confirmedKeys();
        net.transport.down = true;
        List<Key> enc = net.a.newKeys(new KeyRequest("sa", "sb", 4, 256));
        net.reopen();
        net.transport.down = false;
        Await.until("recorded after the restart", () -> net.a.unrecordedKeys("B") == 0);
        assertSameKeys(enc, net.b.keysById("sb", "sa", ids(enc)));
        assertEquals(0, net.a.discardedUnmatched(LINK));
    }

    @Test
    public void anAssignmentReplayedAfterTheSlaveGotTheKeyIsNotALoss() throws Exception {
        confirmedKeys();
        net.transport.beforeAssign = () -> {
            throw new IllegalStateException("assigner held back by the test");
        };
        List<Key> enc = net.a.newKeys(new KeyRequest("sa", "sb", 2, 256));
        assertSameKeys(enc, net.b.keysById("sb", "sa", ids(enc))); // through a claim
        assertEquals(2, net.a.unrecordedKeys("B"));
        net.transport.beforeAssign = null;
        net.reopen(); // the outbox is replayed to a B that already delivered both keys
        Await.until("replay answered", () -> net.a.unrecordedKeys("B") == 0);
        assertEquals(0, net.a.discardedUnmatched(LINK));
    }
}
