package org.qkdv2i.kmm.internal.core;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.qkdv2i.kmm.internal.core.TwoNodes.own;
import static org.qkdv2i.kmm.internal.core.TwoNodes.peer;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

import org.junit.Test;
import org.qkdv2i.kmm.api.Key;
import org.qkdv2i.kmm.api.KeyEvent;
import org.qkdv2i.kmm.api.KeyManagerException;
import org.qkdv2i.kmm.api.KeyManagerException.Reason;
import org.qkdv2i.kmm.api.KeyRequest;
import org.qkdv2i.kmm.api.PairStatus;

public class KmmCoreTest extends TwoNodesTestBase {

    private static List<UUID> ids(List<Key> keys) {
        return keys.stream().map(Key::id).collect(Collectors.toList());
    }

    private static Reason reasonOf(ThrowingRunnable r) {
        try {
            r.run();
        } catch (KeyManagerException e) {
            return e.reason();
        } catch (Exception e) {
            throw new AssertionError("unexpected " + e, e);
        }
        fail("expected a KeyManagerException");
        return null;
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    public void blocksAreSplitIdenticallyAndTheHalvesMirrorEachOther() {
        net.block(1000); // 8000 bits = 31 stored keys of 256 bits + 64-bit remainder dropped
        assertEquals(31, net.a.storedOnLink(TwoNodes.LINK));
        assertEquals(31, net.b.storedOnLink(TwoNodes.LINK));
        assertEquals(own(net.a), peer(net.b));
        assertEquals(own(net.b), peer(net.a));
        assertTrue(own(net.a) > 0 && own(net.b) > 0);
    }

    @Test
    public void encAndDecGiveTheSameBytesOnceOnly() throws Exception {
        net.block(32 * 200);
        long ownBefore = own(net.a);
        List<Key> enc = net.a.newKeys(new KeyRequest("sa", "sb", 3, 512));
        assertEquals(3, enc.size());
        assertEquals(512, enc.get(0).bits());
        assertEquals(ownBefore - 6, own(net.a)); // 2 stored keys per 512-bit key
        List<Key> dec = net.b.keysById("sb", "sa", ids(enc));
        for (int i = 0; i < 3; i++) {
            assertEquals(enc.get(i).id(), dec.get(i).id());
            assertArrayEquals(enc.get(i).bytes(), dec.get(i).bytes());
        }
        assertEquals(Reason.KEYS_NOT_FOUND, reasonOf(() -> net.b.keysById("sb", "sa", List.of(enc.get(0).id()))));
        // the delivered stored keys are gone at B too
        assertEquals(own(net.a), peer(net.b));
    }

    @Test
    public void oddSizesAreTruncatedFromStoredKeys() throws Exception {
        net.block(32 * 50);
        List<Key> enc = net.a.newKeys(new KeyRequest("sa", "sb", 1, 264)); // 256 + 8 bits: two stored keys
        assertEquals(264, enc.get(0).bits());
        assertArrayEquals(enc.get(0).bytes(), net.b.keysById("sb", "sa", ids(enc)).get(0).bytes());
    }

    @Test
    public void decKeysIsAllOrNothing() throws Exception {
        net.block(32 * 50);
        List<Key> enc = net.a.newKeys(new KeyRequest("sa", "sb", 2, 256));
        List<UUID> withUnknown = new ArrayList<>(ids(enc));
        withUnknown.add(UUID.randomUUID());
        assertEquals(Reason.KEYS_NOT_FOUND, reasonOf(() -> net.b.keysById("sb", "sa", withUnknown)));
        List<Key> dec = net.b.keysById("sb", "sa", ids(enc));
        assertEquals(2, dec.size());
        assertArrayEquals(enc.get(1).bytes(), dec.get(1).bytes());
    }

    @Test
    public void aSlaveOnlyGetsKeysRequestedForIt() throws Exception {
        net.block(32 * 50);
        List<Key> enc = net.a.newKeys(new KeyRequest("sa", "sb", 1, 256));
        assertEquals(Reason.UNAUTHORIZED, reasonOf(() -> net.b.keysById("sb2", "sa", ids(enc))));
        assertEquals(Reason.UNAUTHORIZED, reasonOf(() -> net.b.keysById("sb", "sa2", ids(enc))));
        // nothing was consumed by the refused calls
        assertArrayEquals(enc.get(0).bytes(), net.b.keysById("sb", "sa", ids(enc)).get(0).bytes());
    }

    @Test
    public void additionalSlavesEachFetchOnceThenTheKeyIsGone() throws Exception {
        net.block(32 * 50);
        List<Key> enc = net.a.newKeys(new KeyRequest("sa", "sb", 1, 256, List.of("sb2")));
        assertArrayEquals(enc.get(0).bytes(), net.b.keysById("sb", "sa", ids(enc)).get(0).bytes());
        assertEquals(Reason.KEYS_NOT_FOUND, reasonOf(() -> net.b.keysById("sb", "sa", ids(enc))));
        assertArrayEquals(enc.get(0).bytes(), net.b.keysById("sb2", "sa", ids(enc)).get(0).bytes());
        assertEquals(Reason.KEYS_NOT_FOUND, reasonOf(() -> net.b.keysById("sb2", "sa", ids(enc))));
        assertEquals(0, net.b.waitingKeys());
    }

    @Test
    public void unknownSaeAndBadRequestsConsumeNothing() throws Exception {
        net.block(32 * 20);
        long before = own(net.a);
        try {
            net.a.newKeys(new KeyRequest("sa", "nobody", 1, 256));
            fail();
        } catch (KeyManagerException e) {
            assertEquals(Reason.BAD_REQUEST, e.reason());
            assertTrue(e.getMessage(), e.getMessage().startsWith("unknown SAE ID nobody"));
        }
        try {
            net.a.newKeys(new KeyRequest("sa", "sb", 1, 260));
            fail();
        } catch (KeyManagerException e) {
            assertEquals(KeyManagerException.SIZE_NOT_MULTIPLE_OF_8, e.getMessage());
        }
        assertEquals(Reason.BAD_REQUEST, reasonOf(() -> net.a.newKeys(new KeyRequest("sa", "sb", 129, 256))));
        assertEquals(Reason.BAD_REQUEST, reasonOf(() -> net.a.newKeys(new KeyRequest("sa", "sb", 0, 256))));
        assertEquals(Reason.BAD_REQUEST, reasonOf(() -> net.a.newKeys(new KeyRequest("sa", "sb", 1, 8192))));
        assertEquals(Reason.UNAUTHORIZED, reasonOf(() -> net.a.newKeys(new KeyRequest("sb", "sa", 1, 256))));
        assertEquals(Reason.UNAVAILABLE, reasonOf(() -> net.a.newKeys(new KeyRequest("sa", "sb", 100, 256))));
        assertEquals(before, own(net.a));
    }

    @Test
    public void unreachablePeerConsumesNothing() throws Exception {
        net.block(32 * 20);
        long before = own(net.a);
        net.transport.down = true;
        try {
            net.a.newKeys(new KeyRequest("sa", "sb", 2, 256));
            fail();
        } catch (KeyManagerException e) {
            assertEquals(Reason.UNAVAILABLE, e.reason());
            assertEquals("peer KMM B unreachable; no detour: no virtual link joins A and B", e.getMessage());
        }
        assertEquals(before, own(net.a));
        net.transport.down = false;
        List<Key> enc = net.a.newKeys(new KeyRequest("sa", "sb", 2, 256));
        assertArrayEquals(enc.get(1).bytes(), net.b.keysById("sb", "sa", ids(enc)).get(1).bytes());
    }

    @Test
    public void partsThePeerLacksAreDestroyedAndReplaced() throws Exception {
        net.blockOnlyA(32 * 10); // first in A's FIFO, lost on the way to B
        net.clock.advanceSeconds(10); // B's driver went on: that block is well behind its watermark
        net.block(32 * 40);
        List<Key> enc = net.a.newKeys(new KeyRequest("sa", "sb", 2, 256));
        assertArrayEquals(enc.get(0).bytes(), net.b.keysById("sb", "sa", ids(enc)).get(0).bytes());
        assertTrue(net.a.discardedUnmatched(TwoNodes.LINK) > 0);
        assertEquals(own(net.a), peer(net.b));
    }

    @Test
    public void theOwnerReplacesAReservationItNeverCommitted() throws Exception {
        net.block(32 * 20);
        // the owner's reservation reaches B, then A "crashes" before committing: simulated
        // by a transport that forwards the call and then reports failure
        PeerTransport crashAfterReserve = new PeerTransport() {
            @Override
            public ReserveResult reserve(String peer, ReserveRequest req, long timeoutMillis) throws PeerException {
                net.b.reserve("A", req);
                throw new PeerTransport.PeerException("A crashed", false);
            }

            @Override
            public InventoryResult inventory(String peer, InventoryRequest req, long timeoutMillis)
                    throws PeerException {
                return net.transport.inventory(peer, req, timeoutMillis);
            }
        };
        net.a.setTransport(crashAfterReserve);
        assertEquals(Reason.UNAVAILABLE, reasonOf(() -> net.a.newKeys(new KeyRequest("sa", "sb", 1, 256))));
        assertEquals(1, net.b.waitingKeys());
        net.a.setTransport(net.transport);
        List<Key> enc = net.a.newKeys(new KeyRequest("sa", "sb", 1, 256)); // same stored key, new key ID
        assertEquals(1, net.b.waitingKeys());
        assertArrayEquals(enc.get(0).bytes(), net.b.keysById("sb", "sa", ids(enc)).get(0).bytes());
    }

    @Test
    public void keysExpireWithTheirLifetime() throws Exception {
        net.settingsA = net.settingsA.withLifetime(60);
        net.a.updateSettings(net.settingsA);
        net.b.updateSettings(net.settingsB.withLifetime(60));
        net.block(32 * 20);
        List<Key> enc = net.a.newKeys(new KeyRequest("sa", "sb", 1, 256));
        net.clock.advanceSeconds(30);
        assertEquals(0, net.a.sweep());
        net.clock.advanceSeconds(31);
        assertTrue(net.a.sweep() > 0);
        assertTrue(net.b.sweep() > 0);
        assertEquals(0, own(net.a));
        assertEquals(0, net.b.storedOnLink(TwoNodes.LINK));
        assertEquals(Reason.UNAVAILABLE, reasonOf(() -> net.a.newKeys(new KeyRequest("sa", "sb", 1, 256))));
        assertEquals(Reason.KEYS_NOT_FOUND, reasonOf(() -> net.b.keysById("sb", "sa", ids(enc))));
        assertTrue(net.a.pools().get(0).expired() > 0);
    }

    @Test
    public void fullPoolsDropNewStoredKeys() throws Exception {
        net.a.updateSettings(net.settingsA.withCapacity(10, 2)); // five stored keys per half
        net.block(32 * 25);
        assertEquals(5, own(net.a));
        long dropped = net.a.dropped(TwoNodes.LINK);
        assertTrue(dropped > 0);
        // only the owner caps its half: A keeps every stored key of B's half (FullPoolTest)
        assertEquals(25 - 5 - dropped, peer(net.a));
        assertEquals(25, net.b.storedOnLink(TwoNodes.LINK));
        Long before = net.a.watermark(TwoNodes.LINK);
        net.clock.advanceSeconds(1);
        net.block(32 * 25);
        assertEquals(5, own(net.a));
        assertEquals(50, 5 + net.a.dropped(TwoNodes.LINK) + peer(net.a));
        assertTrue(net.a.watermark(TwoNodes.LINK) > before);
    }

    @Test
    public void theHalfInUseRefillsWhenTheOtherHalfIsFull() throws Exception {
        // only A's masters ask: B's half of A's pool is never consumed
        net.settingsA = net.settingsA.withCapacity(200, 2);
        net.settingsB = net.settingsB.withCapacity(200, 2);
        net.a.updateSettings(net.settingsA);
        net.b.updateSettings(net.settingsB);
        for (int round = 0; round < 20; round++) {
            net.block(32 * 64);
            assertTrue(net.a.sync(TwoNodes.LINK).complete());
            List<Key> enc = net.a.newKeys(new KeyRequest("sa", "sb", 20, 256));
            assertEquals(20, net.b.keysById("sb", "sa", ids(enc)).size());
        }
        // with one limit for both halves the unused half had filled the pool and A's half ran dry
        assertTrue("A's half: " + own(net.a), own(net.a) > 20);
    }

    @Test
    public void storeFileHoldsNoKeyBytes() throws Exception {
        byte[] block = net.block(32 * 64);
        List<Key> local = net.a.newKeys(new KeyRequest("sa", "sa2", 4, 256));
        net.close();
        byte[] fileA = Files.readAllBytes(tmp.getRoot().toPath().resolve("A").resolve(Vault.FILE_NAME));
        byte[] fileB = Files.readAllBytes(tmp.getRoot().toPath().resolve("B").resolve(Vault.FILE_NAME));
        assertTrue(fileA.length > 1000);
        for (int off = 0; off + 16 <= block.length; off += 16) {
            byte[] window = Arrays.copyOfRange(block, off, off + 16);
            assertFalse("key bytes at offset " + off + " found in A's store", contains(fileA, window));
            assertFalse("key bytes at offset " + off + " found in B's store", contains(fileB, window));
        }
        for (Key k : local) {
            assertFalse("local key found in the store", contains(fileA, Arrays.copyOf(k.bytes(), 16)));
        }
        net.a = null;
        net.b = null;
    }

    private static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    @Test
    public void restartLosesNothingAndResurrectsNothing() throws Exception {
        net.block(32 * 100);
        List<Key> delivered = net.a.newKeys(new KeyRequest("sa", "sb", 2, 256));
        net.b.keysById("sb", "sa", ids(delivered));
        List<Key> waiting = net.a.newKeys(new KeyRequest("sa", "sb", 3, 256));
        List<Key> local = net.a.newKeys(new KeyRequest("sa", "sa2", 2, 256));
        long ownA = own(net.a);
        long ownB = own(net.b);
        long peerB = peer(net.b);
        net.reopen();
        assertEquals(ownA, own(net.a));
        assertEquals(ownB, own(net.b));
        assertEquals(peerB, peer(net.b));
        assertEquals(Reason.KEYS_NOT_FOUND, reasonOf(() -> net.b.keysById("sb", "sa", ids(delivered))));
        List<Key> dec = net.b.keysById("sb", "sa", ids(waiting));
        assertArrayEquals(waiting.get(2).bytes(), dec.get(2).bytes());
        assertArrayEquals(local.get(1).bytes(), net.a.keysById("sa2", "sa", ids(local)).get(1).bytes());
        // FIFO order survives: the next keys still agree at both ends
        List<Key> more = net.a.newKeys(new KeyRequest("sa", "sb", 5, 256));
        assertArrayEquals(more.get(4).bytes(), net.b.keysById("sb", "sa", ids(more)).get(4).bytes());
    }

    @Test
    public void localPairsUseTheDrbgThroughTheSameApi() throws Exception {
        List<Key> enc = net.a.newKeys(new KeyRequest("sa", "sa2", 5, 512));
        assertEquals(5, enc.size());
        assertEquals(5, enc.stream().map(k -> Arrays.toString(k.bytes())).distinct().count());
        assertEquals(Reason.UNAUTHORIZED, reasonOf(() -> net.a.keysById("sa2", "sb", ids(enc))));
        List<Key> dec = net.a.keysById("sa2", "sa", ids(enc));
        for (int i = 0; i < 5; i++) {
            assertArrayEquals(enc.get(i).bytes(), dec.get(i).bytes());
        }
        assertEquals(Reason.KEYS_NOT_FOUND, reasonOf(() -> net.a.keysById("sa2", "sa", ids(enc))));
        PairStatus st = net.a.status("sa", "sa2");
        assertEquals("A", st.targetKmeId());
        assertTrue(st.storedKeyCount() > 0);
    }

    @Test
    public void qosAndRateLimitApplyPerPair() throws Exception {
        net.block(32 * 200);
        net.directory.rules.add(new Qos("sa", "*", 4, 128, 512, 5));
        assertEquals(Reason.BAD_REQUEST, reasonOf(() -> net.a.newKeys(new KeyRequest("sa", "sb", 5, 256))));
        assertEquals(Reason.BAD_REQUEST, reasonOf(() -> net.a.newKeys(new KeyRequest("sa", "sb", 1, 1024))));
        net.a.newKeys(new KeyRequest("sa", "sb", 4, 256));
        try {
            net.a.newKeys(new KeyRequest("sa", "sb", 4, 256)); // burst of max(5, 4) tokens is spent
            fail();
        } catch (KeyManagerException e) {
            assertEquals(Reason.UNAVAILABLE, e.reason());
            assertTrue(e.getMessage(), e.getMessage().contains("rate limit"));
        }
        PairStatus st = net.a.status("sa", "sb");
        assertEquals(4, st.maxKeyPerRequest());
        assertEquals(512, st.maxKeySize());
        assertEquals(own(net.a), st.storedKeyCount());
        // a runtime change of the rule takes effect at once
        net.directory.rules.clear();
        net.a.newKeys(new KeyRequest("sa", "sb", 10, 256));
    }

    @Test
    public void poolEventsFollowTheOwnHalf() throws Exception {
        net.a.updateSettings(net.settingsA.withCapacity(100_000, 5));
        net.block(32 * 40);
        assertTrue(net.events.stream().anyMatch(e -> e.type() == KeyEvent.Type.POOL_REFILLED && e.nodeId().equals("A")));
        int n = (int) own(net.a);
        net.a.newKeys(new KeyRequest("sa", "sb", n - 3, 256));
        assertTrue(net.events.stream().anyMatch(e -> e.type() == KeyEvent.Type.POOL_LOW && e.nodeId().equals("A")));
        net.a.newKeys(new KeyRequest("sa", "sb", 3, 256));
        assertTrue(net.events.stream().anyMatch(e -> e.type() == KeyEvent.Type.POOL_EMPTY && e.nodeId().equals("A")));
    }
}
