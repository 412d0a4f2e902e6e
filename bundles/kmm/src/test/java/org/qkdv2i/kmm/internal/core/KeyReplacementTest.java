package org.qkdv2i.kmm.internal.core;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.qkdv2i.kmm.internal.core.TwoNodes.LINK;

import java.security.SecureRandom;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.Test;
import org.qkdv2i.kmm.api.Key;
import org.qkdv2i.kmm.api.KeyEvent;
import org.qkdv2i.kmm.api.KeyManagerException;
import org.qkdv2i.kmm.api.KeyManagerException.Reason;
import org.qkdv2i.kmm.api.KeyRequest;
import org.qkdv2i.kmm.internal.Await;

/**
 * Key replacement on request: a voided key ID is refused at both ends (dec_keys says it was
 * voided), the master SAE gets a fresh key under a new ID, and only the pair's master may void.
 */
public class KeyReplacementTest extends TwoNodesTestBase {

    private void confirmedKeys() {
        net.block(32 * 64);
        assertTrue(net.a.sync(LINK).complete());
    }

    private static void assertVoided(KeyManagerException e, UUID id) {
        assertEquals(Reason.KEYS_NOT_FOUND, e.reason());
        assertTrue(e.getMessage(), e.getMessage().contains(id.toString()) && e.getMessage().contains("voided"));
    }

    @Test
    public void aReplacedKeyIsVoidedAtBothEndsAndTheMasterGetsAFreshOne() throws Exception {
        confirmedKeys();
        Key old = net.a.newKeys(new KeyRequest("sa", "sb", 1, 256)).get(0);
        Await.until("recorded at B", () -> net.a.unrecordedKeys("B") == 0);
        assertEquals(1, net.b.waitingKeys());

        List<Key> fresh = net.a.replaceKey(new KeyRequest("sa", "sb", 1, 256), old.id());
        assertEquals(1, fresh.size());
        assertNotEquals(old.id(), fresh.get(0).id());
        try {
            net.b.keysById("sb", "sa", List.of(old.id()));
            fail("a voided key was served");
        } catch (KeyManagerException e) {
            assertVoided(e, old.id());
        }
        Await.until("fresh key recorded at B", () -> net.a.unrecordedKeys("B") == 0);
        // the fresh key's record is recorded asynchronously; the voided key's is gone
        assertEquals("the voided key's record at the slave's node is destroyed", 1, net.b.waitingKeys());
        Key dec = net.b.keysById("sb", "sa", List.of(fresh.get(0).id())).get(0);
        assertArrayEquals(fresh.get(0).bytes(), dec.bytes());
        assertTrue(net.events.stream().anyMatch(e -> e.type() == KeyEvent.Type.KEY_VOIDED && e.nodeId().equals("A")
                && e.detail().contains(old.id().toString())));
        assertTrue(net.events.stream().anyMatch(e -> e.type() == KeyEvent.Type.KEY_VOIDED && e.nodeId().equals("B")
                && e.detail().contains(old.id().toString())));
        // idempotent: voiding again succeeds and changes nothing
        net.a.voidKey("sa", "sb", old.id(), "operator, again");
    }

    @Test
    public void aKeyVoidedBeforeItsAssignmentArrivedIsNeverRecorded() throws Exception {
        confirmedKeys();
        CountDownLatch release = new CountDownLatch(1);
        net.transport.beforeAssign = () -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        Key old = net.a.newKeys(new KeyRequest("sa", "sb", 1, 256)).get(0);
        long peerBefore = TwoNodes.peer(net.b);
        net.a.voidKey("sa", "sb", old.id(), "operator: suspected compromise");
        release.countDown();
        Await.until("assignment settled", () -> net.a.unrecordedKeys("B") == 0);
        assertEquals(0, net.b.waitingKeys());
        assertTrue("the voided key's stored keys are destroyed at B", TwoNodes.peer(net.b) < peerBefore);
        try {
            net.b.keysById("sb", "sa", List.of(old.id()));
            fail("a voided key was served");
        } catch (KeyManagerException e) {
            assertVoided(e, old.id());
        }
    }

    @Test
    public void aLocalPairKeyIsVoidedToo() throws Exception {
        Key old = net.a.newKeys(new KeyRequest("sa", "sa2", 1, 256)).get(0);
        net.a.voidKey("sa", "sa2", old.id(), "operator");
        assertEquals(0, net.a.waitingKeys());
        try {
            net.a.keysById("sa2", "sa", List.of(old.id()));
            fail("a voided key was served");
        } catch (KeyManagerException e) {
            assertVoided(e, old.id());
        }
    }

    @Test
    public void onlyThePairsMasterMayVoidAKeyAndUnknownKeysAreRefused() throws Exception {
        confirmedKeys();
        Key old = net.a.newKeys(new KeyRequest("sa", "sb", 1, 256)).get(0);
        Await.until("recorded at B", () -> net.a.unrecordedKeys("B") == 0);
        try {
            net.a.voidKey("sa2", "sb", old.id(), "not the master");
            fail("another master voided the key");
        } catch (KeyManagerException e) {
            assertEquals(Reason.KEYS_NOT_FOUND, e.reason());
        }
        try {
            net.a.voidKey("sa", "sb", UUID.randomUUID(), "unknown");
            fail("an unknown key was voided");
        } catch (KeyManagerException e) {
            assertEquals(Reason.KEYS_NOT_FOUND, e.reason());
        }
        try {
            net.b.voidKey("sa", "sb", old.id(), "sa is not served at B");
            fail("a node voided a key of a master it does not serve");
        } catch (KeyManagerException e) {
            assertFalse(e.reason() == Reason.UNAVAILABLE);
        }
        // the peer refuses a void from a node that does not serve the master SAE
        try {
            net.b.voidKeys("C", new PeerTransport.VoidKeysRequest(List.of(old.id()), "sa", "forged"));
            fail("a void from a foreign node was taken");
        } catch (PeerTransport.PeerException e) {
            assertTrue(e.refused());
        }
        assertEquals(1, net.b.waitingKeys());
        Key dec = net.b.keysById("sb", "sa", List.of(old.id())).get(0);
        assertArrayEquals(old.bytes(), dec.bytes());
    }

    /** Restarts node B's KMM on its store (as a process restart would). */
    private void restartB() throws Exception {
        net.b.close();
        net.b = new KmmCore(net.settingsB, net.dir.resolve("B"), net.kekB, net.directory, net.clock,
                new SecureRandom(), net.events::add);
        net.b.setTransport(net.transport);
    }

    @Test
    public void aVoidedKeyStaysVoidAfterBothKmmsRestart() throws Exception {
        confirmedKeys();
        Key old = net.a.newKeys(new KeyRequest("sa", "sb", 1, 256)).get(0);
        Await.until("recorded at B", () -> net.a.unrecordedKeys("B") == 0);
        net.a.voidKey("sa", "sb", old.id(), "SAE suspects compromise");
        net.reopen();
        try {
            net.b.keysById("sb", "sa", List.of(old.id()));
            fail("a voided key was served after a restart");
        } catch (KeyManagerException e) {
            assertVoided(e, old.id());
            assertTrue(e.getMessage(), e.getMessage().contains("SAE suspects compromise"));
        }
        // A remembers the void too: voiding again is the idempotent case, not "never delivered here"
        net.a.voidKey("sa", "sb", old.id(), "again after the restart");
        assertEquals(1, net.a.voidedKeyRecords());
        assertEquals(1, net.b.voidedKeyRecords());
    }

    @Test
    public void aKeyDeliveredBeforeARestartCanStillBeVoided() throws Exception {
        confirmedKeys();
        Key old = net.a.newKeys(new KeyRequest("sa", "sb", 1, 256)).get(0);
        Await.until("recorded at B", () -> net.a.unrecordedKeys("B") == 0);
        net.reopen(); // the delivered-key IDs of A are in its store
        net.a.voidKey("sa", "sb", old.id(), "operator after restart");
        try {
            net.b.keysById("sb", "sa", List.of(old.id()));
            fail("a voided key was served");
        } catch (KeyManagerException e) {
            assertVoided(e, old.id());
        }
    }

    @Test
    public void aVoidThatOvertookTheAssignmentSurvivesTheSlavesRestart() throws Exception {
        confirmedKeys();
        CountDownLatch release = new CountDownLatch(1);
        net.transport.beforeAssign = () -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        Key old = net.a.newKeys(new KeyRequest("sa", "sb", 1, 256)).get(0);
        net.a.voidKey("sa", "sb", old.id(), "operator: suspected compromise"); // B hears of it first
        restartB(); // before the assignment arrives: only the store can tell B the key is void
        long peerBefore = TwoNodes.peer(net.b);
        release.countDown();
        Await.until("assignment settled", () -> net.a.unrecordedKeys("B") == 0);
        assertEquals("the voided key is never recorded at B", 0, net.b.waitingKeys());
        assertTrue("its stored keys are destroyed at B", TwoNodes.peer(net.b) < peerBefore);
        try {
            net.b.keysById("sb", "sa", List.of(old.id()));
            fail("a voided key was served after the slave's KMM restarted");
        } catch (KeyManagerException e) {
            assertVoided(e, old.id());
        }
    }

    @Test
    public void voidedKeyIdsAreForgottenAfterTheKeyLifetime() throws Exception {
        net.close();
        net.settingsA = net.settingsA.withLifetime(3600);
        net.settingsB = net.settingsB.withLifetime(3600);
        net.open();
        Key old = net.a.newKeys(new KeyRequest("sa", "sa2", 1, 256)).get(0);
        net.a.voidKey("sa", "sa2", old.id(), "operator");
        net.a.sweep();
        assertEquals("kept within the lifetime", 1, net.a.voidedKeyRecords());
        net.clock.advanceSeconds(3601);
        net.a.sweep();
        assertEquals("a key past its lifetime can never be served: its void is forgotten", 0,
                net.a.voidedKeyRecords());
        net.reopen();
        assertEquals(0, net.a.voidedKeyRecords());
    }
}
