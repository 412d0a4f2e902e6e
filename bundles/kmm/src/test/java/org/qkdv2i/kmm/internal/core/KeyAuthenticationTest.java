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
 * the same key-check value; a block that differs at one end (one flipped bit) is destroyed at
 * both, raises the alarm naming the link and driver, and never reaches an SAE.
 */
public class KeyAuthenticationTest extends TwoNodesTestBase {

    /** 64 stored keys of 256 bits after the 32 bytes the key check spends. */
    private static final int BLOCK_BYTES = 64 * 32 + KeyAuthenticator.KEY_BYTES;

    private final Random random = new Random(7);

    @Before
    public void keyAuthenticationOn() {
        net.a.setKeyAuthentication(true);
        net.b.setKeyAuthentication(true);
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
        assertEquals("one-time key of the check: 256 bits per block", 256, stats(net.a).bitsSpent());
        assertEquals(256, stats(net.b).bitsSpent());
        org.qkdv2i.kmm.api.KeyAuthStatus api = net.a.keyAuthentication().get(0);
        assertEquals(new org.qkdv2i.kmm.api.KeyAuthStatus("A", LINK, 1, 0, 0, 256, 0), api);
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
                    List.of(new PeerTransport.BlockCheck(id, new byte[16]))));
            fail("a node that is not the link's peer checked a block");
        } catch (PeerTransport.PeerException e) {
            assertTrue(e.refused());
        }
        assertEquals("the block still waits for A", 1, net.b.blocksAwaitingAuthentication());
        net.a.keyBlock(END_A, block(id, key));
        Await.until("stored at both ends", () -> stored(net.a) == 64 && stored(net.b) == 64);
    }

    @Test
    public void keyCheckValuesDifferForOneBitAndAreOneTime() {
        byte[] key = material();
        int n = key.length - KeyAuthenticator.KEY_BYTES;
        byte[] m = Arrays.copyOf(key, n);
        UUID id = UUID.randomUUID();
        byte[] t1 = KeyAuthenticator.tag(LINK, id, m, key, n);
        assertTrue(Arrays.equals(t1, KeyAuthenticator.tag(LINK, id, m.clone(), key, n)));
        m[5] ^= 1;
        assertFalse(Arrays.equals(t1, KeyAuthenticator.tag(LINK, id, m, key, n)));
        m[5] ^= 1;
        assertFalse("bound to the block ID", Arrays.equals(t1, KeyAuthenticator.tag(LINK, UUID.randomUUID(), m, key, n)));
        assertFalse("bound to the link", Arrays.equals(t1, KeyAuthenticator.tag("L-X", id, m, key, n)));
    }
}
