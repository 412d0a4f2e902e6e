package org.qkdv2i.kmm.internal.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.qkdv2i.kmm.internal.core.TwoNodes.END_A;
import static org.qkdv2i.kmm.internal.core.TwoNodes.END_B;
import static org.qkdv2i.kmm.internal.core.TwoNodes.LINK;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import org.junit.Before;
import org.junit.Test;
import org.qkdv2i.kmm.api.Key;
import org.qkdv2i.kmm.api.KeyEvent;
import org.qkdv2i.kmm.api.KeyManagerException;
import org.qkdv2i.kmm.api.KeyRequest;
import org.qkdv2i.kmm.internal.Await;
import org.qkdv2i.qkd.api.KeyBlock;

/**
 * Key authentication: a driver block is stored (servable) only once both KMMs of the link found
 * the same key-check value for its batch; a batch with a block that differs at one end (one flipped
 * bit) is destroyed at both, raises the alarm naming the link and driver, and never reaches an SAE.
 * Small blocks are checked in batches of the configured size (or after the maximum delay), so the
 * 256 bits a check spends are amortised.
 */
public class KeyAuthenticationTest extends TwoNodesTestBase {

    /** 64 stored keys of 256 bits after the 32 bytes the key check spends. */
    private static final int BLOCK_BYTES = 64 * 32 + KeyAuthenticator.KEY_BYTES;

    private final Random random = new Random(7);

    @Before
    public void keyAuthenticationOn() {
        net.a.setKeyAuthentication(true, KeyAuthenticator.DEFAULT_MIN_BITS, 50);
        net.b.setKeyAuthentication(true, KeyAuthenticator.DEFAULT_MIN_BITS, 50);
        net.a.driverName(LINK, "sim-driver-A");
        net.b.driverName(LINK, "sim-driver-B");
    }

    private byte[] material() {
        byte[] key = new byte[BLOCK_BYTES];
        random.nextBytes(key);
        return key;
    }

    private KeyBlock block(UUID id, byte[] key) {
        return new KeyBlock(id, key, net.clock.instant(), 0.01, 1e-10);
    }

    private static long stored(KmmCore core) {
        return TwoNodes.own(core) + TwoNodes.peer(core);
    }

    private KeyAuthenticator.LinkStats stats(KmmCore core) {
        return core.keyAuthStats().stream().filter(s -> s.linkId().equals(LINK)).findFirst().orElseThrow();
    }

    @Test
    public void aBlockBothEndsHoldIsStoredAtBothAfterItsKeyCheck() throws Exception {
        byte[] key = material();
        UUID id = UUID.randomUUID();
        net.a.keyBlock(END_A, block(id, key));
        assertEquals("not servable before the check", 0, stored(net.a));
        net.b.keyBlock(END_B, block(id, key));
        Await.until("stored at both ends", () -> stored(net.a) == 64 && stored(net.b) == 64);
        assertEquals(0, net.a.blocksAwaitingAuthentication());
        assertEquals(0, net.b.blocksAwaitingAuthentication());
        assertEquals(1, stats(net.a).authenticated());
        assertEquals(1, stats(net.b).authenticated());
        assertEquals("one-time key of the check: 256 bits per batch", 256, stats(net.a).bitsSpent());
        assertEquals(256, stats(net.b).bitsSpent());
        org.qkdv2i.kmm.api.KeyAuthStatus api = net.a.keyAuthentication().get(0);
        assertEquals(new org.qkdv2i.kmm.api.KeyAuthStatus("A", LINK, 1, 0, 0, 256, 0), api);
        assertEquals(1, stats(net.a).batches());
        assertTrue(net.a.sync(LINK).complete());
        Key enc = net.a.newKeys(new KeyRequest("sa", "sb", 1, 256)).get(0);
        Await.until("recorded at B", () -> net.a.unrecordedKeys("B") == 0);
        assertTrue(Arrays.equals(enc.bytes(), net.b.keysById("sb", "sa", List.of(enc.id())).get(0).bytes()));
        assertTrue(net.events.stream().noneMatch(e -> e.type() == KeyEvent.Type.KEY_AUTHENTICATION_FAILED));
    }

    @Test
    public void theResponderMayHoldTheBlockFirst() throws Exception {
        byte[] key = material();
        UUID id = UUID.randomUUID();
        net.b.keyBlock(END_B, block(id, key));
        assertEquals(1, net.b.blocksAwaitingAuthentication());
        net.a.keyBlock(END_A, block(id, key));
        Await.until("stored at both ends", () -> stored(net.a) == 64 && stored(net.b) == 64);
        assertTrue(net.transport.keyCheckCalls.get() >= 1);
    }

    @Test
    public void aFlippedBitAtOneEndDestroysTheBlockAtBothRaisesTheAlarmAndNeverReachesAnSae() throws Exception {
        byte[] key = material();
        byte[] flipped = key.clone();
        flipped[100] ^= 0x08; // the driver at B delivers one bit wrong
        UUID bad = UUID.randomUUID();
        net.a.keyBlock(END_A, block(bad, key));
        net.b.keyBlock(END_B, block(bad, flipped));
        Await.until("both ends decided", () -> net.a.blocksAwaitingAuthentication() == 0
                && net.b.blocksAwaitingAuthentication() == 0 && !net.a.keyAuthStats().isEmpty()
                && stats(net.a).failed() == 1 && stats(net.b).failed() == 1
                && net.events.stream().filter(e -> e.type() == KeyEvent.Type.KEY_AUTHENTICATION_FAILED).count() == 2);
        assertEquals("nothing stored at A", 0, stored(net.a));
        assertEquals("nothing stored at B", 0, stored(net.b));
        for (String node : List.of("A", "B")) {
            KeyEvent alarm = net.events.stream()
                    .filter(e -> e.type() == KeyEvent.Type.KEY_AUTHENTICATION_FAILED && e.nodeId().equals(node))
                    .findFirst().orElseThrow(() -> new AssertionError("no alarm at " + node));
            assertEquals(LINK, alarm.linkId());
            assertTrue(alarm.detail(), alarm.detail().contains("sim-driver-" + node)
                    && alarm.detail().contains(bad.toString()) && alarm.detail().contains(LINK));
        }
        try {
            net.a.newKeys(new KeyRequest("sa", "sb", 1, 256));
            fail("a key was served from a block that failed its key check");
        } catch (KeyManagerException e) {
            // no pool holds anything of the link (BAD_REQUEST: no link to B's SAEs yet)
            assertTrue(e.reason() == KeyManagerException.Reason.UNAVAILABLE
                    || e.reason() == KeyManagerException.Reason.BAD_REQUEST);
        }
        // a good block afterwards is served, and no SAE key carries material of the bad block
        byte[] good = material();
        UUID goodId = UUID.randomUUID();
        net.a.keyBlock(END_A, block(goodId, good));
        net.b.keyBlock(END_B, block(goodId, good));
        Await.until("good block stored", () -> stored(net.a) == 64 && stored(net.b) == 64);
        assertTrue(net.a.sync(LINK).complete());
        List<Key> keys = net.a.newKeys(new KeyRequest("sa", "sb", 16, 256));
        for (Key k : keys) {
            byte[] b = k.bytes();
            for (int off = 0; off + 32 <= key.length; off += 32) {
                assertFalse("bad block material reached an SAE", Arrays.equals(b, 0, 32, key, off, off + 32)
                        || Arrays.equals(b, 0, 32, flipped, off, off + 32));
            }
        }
    }

    @Test
    public void aBlockThePeerNeverConfirmsIsDestroyedAfterTheHoldTime() throws Exception {
        net.a.keyAuthHoldMillis(200);
        net.a.keyBlock(END_A, block(UUID.randomUUID(), material())); // B's driver lost it
        Await.until("given up", () -> net.a.blocksAwaitingAuthentication() == 0);
        assertEquals(1, stats(net.a).expired());
        assertEquals(0, stored(net.a));
    }

    @Test
    public void aBlockHeldWhileThePeerIsDownIsStoredWhenItComesBack() throws Exception {
        net.transport.down = true;
        byte[] key = material();
        UUID id = UUID.randomUUID();
        net.a.keyBlock(END_A, block(id, key));
        net.b.keyBlock(END_B, block(id, key));
        Await.until("a check attempted", () -> net.transport.keyCheckCalls.get() >= 1);
        assertEquals(0, stored(net.a));
        assertEquals(0, stored(net.b));
        net.transport.down = false;
        Await.until("stored at both ends", () -> stored(net.a) == 64 && stored(net.b) == 64);
    }

    @Test
    public void onlyTheLinksPeerMayCheckItsBlocks() throws Exception {
        byte[] key = material();
        UUID id = UUID.randomUUID();
        net.b.keyBlock(END_B, block(id, key));
        try {
            net.b.keyCheck("C", new PeerTransport.KeyCheckRequest(LINK,
                    List.of(new PeerTransport.BatchCheck(UUID.randomUUID(), List.of(id), new byte[16]))));
            fail("a node that is not the link's peer checked a block");
        } catch (PeerTransport.PeerException e) {
            assertTrue(e.refused());
        }
        assertEquals("the block still waits for A", 1, net.b.blocksAwaitingAuthentication());
        net.a.keyBlock(END_A, block(id, key));
        Await.until("stored at both ends", () -> stored(net.a) == 64 && stored(net.b) == 64);
    }

    @Test
    public void smallBlocksAreCheckedAsOneBatchOfTheMinimumSizeWhichSpendsOneTagOnly() throws Exception {
        // 256-bit blocks, as the ETSI 014 vendor-KME driver delivers them; a long delay: the size decides
        net.a.setKeyAuthentication(true, 32_768, 60_000);
        net.b.setKeyAuthentication(true, 32_768, 60_000);
        List<UUID> ids = new java.util.ArrayList<>();
        List<byte[]> keys = new java.util.ArrayList<>();
        for (int i = 0; i < 128; i++) { // 128 x 256 bits = 32,768 bits: one batch
            ids.add(UUID.randomUUID());
            byte[] k = new byte[32];
            random.nextBytes(k);
            keys.add(k);
        }
        for (int i = 0; i < 127; i++) {
            net.b.keyBlock(END_B, block(ids.get(i), keys.get(i).clone()));
            net.a.keyBlock(END_A, block(ids.get(i), keys.get(i).clone()));
        }
        assertEquals("a batch short of its size waits", 0, stored(net.a) + stored(net.b));
        assertEquals(127, net.a.blocksAwaitingAuthentication());
        assertEquals(0, net.transport.keyCheckCalls.get());
        net.b.keyBlock(END_B, block(ids.get(127), keys.get(127).clone()));
        net.a.keyBlock(END_A, block(ids.get(127), keys.get(127).clone()));
        // the last block is the batch's one-time key (H and pad): 127 stored keys remain at each end
        Await.until("stored at both ends", () -> stored(net.a) == 127 && stored(net.b) == 127);
        assertEquals("one key check for 128 blocks", 1, net.transport.keyCheckCalls.get());
        for (KmmCore c : List.of(net.a, net.b)) {
            assertEquals(128, stats(c).authenticated());
            assertEquals(1, stats(c).batches());
            assertEquals("256 of 32,768 bits: 0.78 %", 256, stats(c).bitsSpent());
        }
        assertTrue(net.a.sync(LINK).complete());
        List<Key> enc = net.a.newKeys(new KeyRequest("sa", "sb", 8, 256));
        for (Key k : enc) {
            assertFalse("the spent key of the check is never served",
                    Arrays.equals(k.bytes(), keys.get(127)));
        }
    }

    @Test
    public void aBatchShortOfItsSizeIsCheckedAfterTheMaximumDelay() throws Exception {
        net.a.setKeyAuthentication(true, 1 << 20, 300);
        net.b.setKeyAuthentication(true, 1 << 20, 300);
        long start = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            UUID id = UUID.randomUUID();
            byte[] k = new byte[32];
            random.nextBytes(k);
            net.b.keyBlock(END_B, block(id, k.clone()));
            net.a.keyBlock(END_A, block(id, k));
        }
        Await.until("stored at both ends", () -> stored(net.a) == 2 && stored(net.b) == 2);
        assertTrue("not before the delay", System.nanoTime() - start >= java.util.concurrent.TimeUnit.MILLISECONDS
                .toNanos(300));
        assertEquals(256, stats(net.a).bitsSpent());
        assertEquals(3, stats(net.a).authenticated());
    }

    @Test
    public void oneFlippedBitDestroysTheWholeBatchAtBothEndsWithOneAlarmEach() throws Exception {
        net.a.setKeyAuthentication(true, 8 * 4 * BLOCK_BYTES, 60_000); // four blocks per batch
        net.b.setKeyAuthentication(true, 8 * 4 * BLOCK_BYTES, 60_000);
        List<UUID> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            UUID id = UUID.randomUUID();
            ids.add(id);
            byte[] k = material();
            byte[] atB = k.clone();
            if (i == 2) {
                atB[BLOCK_BYTES / 2] ^= 0x40; // one bit of one block wrong at B
            }
            net.a.keyBlock(END_A, block(id, k));
            net.b.keyBlock(END_B, block(id, atB));
        }
        Await.until("both ends decided", () -> !net.a.keyAuthStats().isEmpty() && !net.b.keyAuthStats().isEmpty()
                && stats(net.a).failed() == 4 && stats(net.b).failed() == 4
                && net.events.stream().filter(e -> e.type() == KeyEvent.Type.KEY_AUTHENTICATION_FAILED).count() == 2);
        assertEquals("no block of the batch stored at A", 0, stored(net.a));
        assertEquals("no block of the batch stored at B", 0, stored(net.b));
        assertEquals(0, net.a.blocksAwaitingAuthentication() + net.b.blocksAwaitingAuthentication());
        KeyEvent alarm = net.events.stream().filter(e -> e.type() == KeyEvent.Type.KEY_AUTHENTICATION_FAILED)
                .findFirst().orElseThrow();
        for (UUID id : ids) {
            assertTrue(alarm.detail(), alarm.detail().contains(id.toString()));
        }
        assertEquals("the batch's one-time key is spent at both ends", 256, stats(net.b).bitsSpent());
    }

    @Test
    public void keyCheckValuesDifferForOneBitAndAreBoundToBlocksOrderAndLink() {
        List<UUID> ids = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        List<byte[]> blocks = List.of(material(), material(), new byte[20]); // the key spans the last two
        random.nextBytes(blocks.get(2));
        byte[] t1 = KeyAuthenticator.tag(LINK, ids, blocks);
        assertTrue(Arrays.equals(t1, KeyAuthenticator.tag(LINK, ids,
                blocks.stream().map(byte[]::clone).toList())));
        blocks.get(0)[5] ^= 1;
        assertFalse("one bit of the material", Arrays.equals(t1, KeyAuthenticator.tag(LINK, ids, blocks)));
        blocks.get(0)[5] ^= 1;
        blocks.get(1)[BLOCK_BYTES - 5] ^= 1; // inside the key (H and pad): a different tag as well
        assertFalse("one bit of the key", Arrays.equals(t1, KeyAuthenticator.tag(LINK, ids, blocks)));
        blocks.get(1)[BLOCK_BYTES - 5] ^= 1;
        assertTrue(Arrays.equals(t1, KeyAuthenticator.tag(LINK, ids, blocks)));
        assertFalse("bound to the block IDs", Arrays.equals(t1, KeyAuthenticator.tag(LINK,
                List.of(ids.get(0), UUID.randomUUID(), ids.get(2)), blocks)));
        assertFalse("bound to the order", Arrays.equals(t1, KeyAuthenticator.tag(LINK,
                List.of(ids.get(1), ids.get(0), ids.get(2)), List.of(blocks.get(1), blocks.get(0), blocks.get(2)))));
        assertFalse("bound to the link", Arrays.equals(t1, KeyAuthenticator.tag("L-X", ids, blocks)));
        try {
            KeyAuthenticator.tag(LINK, List.of(ids.get(0)), List.of(new byte[32]));
            fail("a batch of only the key bytes has nothing to authenticate");
        } catch (IllegalArgumentException expected) {
            // refused
        }
    }
}
