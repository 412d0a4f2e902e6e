package org.qkdv2i.kmm.internal.core;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.net.URI;
import java.time.Instant;
import java.util.UUID;

import org.junit.Before;
import org.junit.Test;
import org.qkdv2i.kmm.api.GetKeyResult;
import org.qkdv2i.kmm.api.KeyManagerException;
import org.qkdv2i.kmm.api.KeyManagerException.Reason;
import org.qkdv2i.kmm.api.KeyStreams;
import org.qkdv2i.kmm.api.OpenResult;
import org.qkdv2i.kmm.api.StreamQos;
import org.qkdv2i.kmm.api.StreamStatus;
import org.qkdv2i.kmm.internal.stream.StreamCore;
import org.qkdv2i.qkd.api.LinkState;
import org.qkdv2i.qkd.api.LinkStatus;

/** ETSI GS QKD 004 streams between two in-process KMM cores (A: sa, sa2; B: sb, sb2). */
public class StreamCoreTest extends TwoNodesTestBase {

    private static final URI SA = KeyStreams.saeUri("sa");
    private static final URI SA2 = KeyStreams.saeUri("sa2");
    private static final URI SB = KeyStreams.saeUri("sb");
    private static final URI SB2 = KeyStreams.saeUri("sb2");

    /** Stream messages between the two stream cores, in-process; can be switched off. */
    private final class StreamWire implements PeerTransport {
        volatile boolean down;

        @Override
        public StreamReply stream(String peer, StreamMessage m, long timeoutMillis) throws PeerException {
            if (down) {
                throw new PeerException("connection refused", false);
            }
            return (peer.equals("A") ? streamsA : streamsB).fromPeer(peer.equals("A") ? "B" : "A", m);
        }

        @Override
        public ReserveResult reserve(String p, ReserveRequest r, long t) throws PeerException {
            throw new PeerException("not here", false);
        }

        @Override
        public InventoryResult inventory(String p, InventoryRequest r, long t) throws PeerException {
            throw new PeerException("not here", false);
        }
    }

    private final StreamWire wire = new StreamWire();
    private StreamCore streamsA;
    private StreamCore streamsB;

    @Before
    public void streams() {
        streamsA = new StreamCore(net.a, () -> wire, () -> 2000, net.clock);
        streamsB = new StreamCore(net.b, () -> wire, () -> 2000, net.clock);
    }

    private void skr(double bitsPerSecond) {
        LinkStatus st = new LinkStatus(LinkState.UP, 0.01, bitsPerSecond, bitsPerSecond * 10, 10, "",
                Instant.ofEpochMilli(net.clock.millis()));
        net.a.linkStatus(TwoNodes.LINK, st);
        net.b.linkStatus(TwoNodes.LINK, st);
    }

    private static Reason reasonOf(Call c) {
        try {
            c.run();
        } catch (KeyManagerException e) {
            return e.reason();
        } catch (Exception e) {
            throw new AssertionError("unexpected " + e, e);
        }
        fail("expected a KeyManagerException");
        return null;
    }

    private static String messageOf(Call c) {
        try {
            c.run();
        } catch (Exception e) {
            return e.getMessage();
        }
        fail("expected an exception");
        return null;
    }

    private interface Call {
        void run() throws Exception;
    }

    /** Opens sa→sb at A and joins it at B. */
    private UUID openAB(StreamQos qos) throws Exception {
        OpenResult o = streamsA.open("sa", SA, SB, qos, null);
        assertEquals(StreamStatus.PEER_NOT_CONNECTED, o.status());
        assertNotNull(o.keyStreamId());
        OpenResult j = streamsB.open("sb", SA, SB, qos, o.keyStreamId());
        assertEquals(StreamStatus.SUCCESSFUL, j.status());
        return o.keyStreamId();
    }

    @Test
    public void bothEndsGetTheSameKeyAtTheSameIndexOncePerEnd() throws Exception {
        net.block(32 * 400);
        StreamQos qos = StreamQos.bestEffort(32, 0);
        OpenResult o = streamsA.open("sa", SA, SB, qos, null);
        assertEquals(StreamStatus.PEER_NOT_CONNECTED, o.status());
        UUID id = o.keyStreamId();
        // ETSI GS QKD 004: GET_KEY before the peer application connected → status 3
        assertEquals(StreamStatus.PEER_NOT_CONNECTED_GET_KEY, streamsA.getKey("sa", id, -1, 0).status());
        assertEquals(StreamStatus.SUCCESSFUL, streamsB.open("sb", SA, SB, qos, id).status());

        GetKeyResult a0 = streamsA.getKey("sa", id, -1, 0); // the source first
        GetKeyResult b0 = streamsB.getKey("sb", id, -1, 0);
        GetKeyResult b1 = streamsB.getKey("sb", id, -1, 0); // the destination first
        GetKeyResult a1 = streamsA.getKey("sa", id, -1, 0);
        GetKeyResult a7 = streamsA.getKey("sa", id, 7, 0); // a chosen index
        GetKeyResult b7 = streamsB.getKey("sb", id, 7, 0);
        for (GetKeyResult r : new GetKeyResult[] { a0, b0, a1, b1, a7, b7 }) {
            assertEquals(StreamStatus.SUCCESSFUL, r.status());
            assertEquals(32, r.keyBuffer().length);
        }
        assertEquals(0, a0.index());
        assertEquals(0, b0.index());
        assertEquals(1, a1.index());
        assertEquals(1, b1.index());
        assertEquals(7, b7.index());
        assertArrayEquals(a0.keyBuffer(), b0.keyBuffer());
        assertArrayEquals(a1.keyBuffer(), b1.keyBuffer());
        assertArrayEquals(a7.keyBuffer(), b7.keyBuffer());
        assertFalse(java.util.Arrays.equals(a0.keyBuffer(), a1.keyBuffer()));
        // once per end: the same index again is refused, the next free one is 2
        assertTrue(messageOf(() -> streamsA.getKey("sa", id, 0, 0)).contains("already delivered to sa"));
        assertTrue(messageOf(() -> streamsB.getKey("sb", id, 7, 0)).contains("already delivered to sb"));
        GetKeyResult a2 = streamsA.getKey("sa", id, -1, 0);
        assertEquals(2, a2.index());
        // an SAE that is no end of the stream
        assertEquals(Reason.UNAUTHORIZED, reasonOf(() -> streamsA.getKey("sa2", id, -1, 0)));
        assertEquals(Reason.UNAUTHORIZED, reasonOf(() -> streamsB.getKey("sb2", id, -1, 0)));
        a0.destroy();
        assertArrayEquals(new byte[0], a0.isDestroyed() ? new byte[0] : a0.keyBuffer());
    }

    @Test
    public void metadataTooSmallReturnsTheSizeNeededAndKeepsTheKey() throws Exception {
        net.block(32 * 100);
        UUID id = openAB(StreamQos.bestEffort(32, 0));
        GetKeyResult small = streamsA.getKey("sa", id, -1, 10);
        assertEquals(StreamStatus.METADATA_SIZE_INSUFFICIENT, small.status());
        assertTrue(small.metadataSize() > 10);
        assertEquals(0, small.keyBuffer().length);
        GetKeyResult ok = streamsA.getKey("sa", id, -1, small.metadataSize());
        assertEquals(StreamStatus.SUCCESSFUL, ok.status());
        assertEquals(0, ok.index()); // the key of index 0 stayed for the second call
        assertTrue(ok.metadataText().contains("\"index\":0"));
        assertTrue(ok.metadataText().contains(id.toString()));
        GetKeyResult b = streamsB.getKey("sb", id, 0, 512);
        assertArrayEquals(ok.keyBuffer(), b.keyBuffer());
        assertEquals(ok.metadataText(), b.metadataText()); // same key ID at both ends
    }

    @Test
    public void ksidInUse() throws Exception {
        net.block(32 * 50);
        UUID chosen = UUID.randomUUID();
        StreamQos qos = StreamQos.bestEffort(32, 0);
        assertEquals(StreamStatus.PEER_NOT_CONNECTED, streamsA.open("sa", SA, SB, qos, chosen).status());
        assertEquals(chosen, streamsB.open("sb", SA, SB, qos, chosen).keyStreamId());
        assertEquals(StreamStatus.KSID_ALREADY_IN_USE, streamsA.open("sa", SA, SB, qos, chosen).status());
        assertEquals(StreamStatus.KSID_ALREADY_IN_USE, streamsA.open("sa2", SA2, SB, qos, chosen).status());
        assertEquals(StreamStatus.KSID_ALREADY_IN_USE, streamsB.open("sb", SA, SB, qos, chosen).status());
        assertEquals(StreamStatus.KSID_ALREADY_IN_USE, streamsB.open("sb2", SA, SB2, qos, chosen).status());
        // a KSID already in use at the destination's KMM (B opened sb→sa with it) is refused by B
        UUID atB = streamsB.open("sb", SB, SA, qos, null).keyStreamId();
        OpenResult clash = streamsA.open("sa", SA, SB, qos, atB);
        assertEquals(StreamStatus.KSID_ALREADY_IN_USE, clash.status());
        assertNull(clash.keyStreamId());
        assertEquals(2, streamsA.openStreams()); // chosen, and atB's announcement from B; no half-open clash
    }

    @Test
    public void qosNotMetGetsACounterProposalThatIsThenAdmitted() throws Exception {
        net.block(32 * 50);
        skr(10_000); // this node's half: 5,000 bit/s
        StreamQos want = new StreamQos(32, 9_000, 8_000, 20, 3, 100, 0, StreamQos.JSON);
        OpenResult no = streamsA.open("sa", SA, SB, want, null);
        assertEquals(StreamStatus.QOS_NOT_MET, no.status());
        assertNull(no.keyStreamId());
        assertEquals(5_000, no.qos().minBps());
        assertEquals(9_000, no.qos().maxBps());
        assertEquals(3, no.qos().priority());
        OpenResult yes = streamsA.open("sa", SA, SB, no.qos(), null);
        assertEquals(StreamStatus.PEER_NOT_CONNECTED, yes.status());
        // the guarantee is taken: a second stream with a minimum gets a counter-proposal of 0
        OpenResult second = streamsA.open("sa2", SA2, SB, want.withMinBps(1_000), null);
        assertEquals(StreamStatus.QOS_NOT_MET, second.status());
        assertEquals(0, second.qos().minBps());
        // best effort still opens
        assertTrue(streamsA.open("sa2", SA2, SB, want.withMinBps(0), null).opened());
        // chunk beyond the largest key (4096 bits) and an unserved metadata type
        OpenResult big = streamsA.open("sa", SA, SB, StreamQos.bestEffort(1024, 0).withMetadataMimetype("text/plain"),
                null);
        assertEquals(StreamStatus.QOS_NOT_MET, big.status());
        assertEquals(512, big.qos().keyChunkSize());
        assertEquals(StreamQos.JSON, big.qos().metadataMimetype());
        // the destination must take the stream's chunk size
        UUID id = yes.keyStreamId();
        OpenResult join = streamsB.open("sb", SA, SB, no.qos().withKeyChunkSize(64), id);
        assertEquals(StreamStatus.QOS_NOT_MET, join.status());
        assertEquals(32, join.qos().keyChunkSize());
        assertEquals(StreamStatus.SUCCESSFUL, streamsB.open("sb", SA, SB, no.qos(), id).status());
    }

    @Test
    public void noLinkAndUnreachablePeer() throws Exception {
        net.directory.saes.put("sc", "C"); // a node with neither link nor route
        StreamQos qos = StreamQos.bestEffort(32, 0);
        assertEquals(StreamStatus.NO_QKD_CONNECTION_AVAILABLE,
                streamsA.open("sa", SA, KeyStreams.saeUri("sc"), qos, null).status());
        net.block(32 * 20);
        wire.down = true;
        assertEquals(StreamStatus.NO_QKD_CONNECTION_AVAILABLE, streamsA.open("sa", SA, SB, qos, null).status());
        assertEquals(0, streamsA.openStreams());
        wire.down = false;
        UUID id = openAB(qos);
        wire.down = true;
        assertEquals(StreamStatus.NO_QKD_CONNECTION_AVAILABLE, streamsB.getKey("sb", id, -1, 0).status());
        wire.down = false;
        assertEquals(StreamStatus.SUCCESSFUL, streamsB.getKey("sb", id, -1, 0).status()); // index 0 again
        // bad input: unknown SAE, not an SAE URI, joining an unknown stream, opening for someone else
        assertEquals(Reason.BAD_REQUEST, reasonOf(() -> streamsA.open("sa", SA, KeyStreams.saeUri("nobody"), qos, null)));
        assertEquals(Reason.BAD_REQUEST, reasonOf(() -> streamsA.open("sa", URI.create("https://x/sa"), SB, qos, null)));
        assertEquals(Reason.BAD_REQUEST, reasonOf(() -> streamsB.open("sb", SA, SB, qos, UUID.randomUUID())));
        assertEquals(Reason.UNAUTHORIZED, reasonOf(() -> streamsA.open("sa2", SA, SB, qos, null)));
        assertEquals(Reason.BAD_REQUEST, reasonOf(() -> streamsB.open("sa", SA, SB, qos, null))); // source not at B
    }

    @Test
    public void insufficientKeyWithoutTimeoutAndTimeoutWithOne() throws Exception {
        net.block(32 * 8); // the link exists, then its key is used up
        try {
            while (true) {
                net.a.newKeys(new org.qkdv2i.kmm.api.KeyRequest("sa", "sb", 1, 256));
            }
        } catch (KeyManagerException drained) {
            assertEquals(Reason.UNAVAILABLE, drained.reason());
        }
        UUID none = openAB(StreamQos.bestEffort(32, 0));
        assertEquals(StreamStatus.INSUFFICIENT_KEY_AVAILABLE, streamsA.getKey("sa", none, -1, 0).status());
        assertEquals(StreamStatus.INSUFFICIENT_KEY_AVAILABLE, streamsB.getKey("sb", none, -1, 0).status());
        UUID waiting = openAB(StreamQos.bestEffort(32, 60));
        long t0 = System.nanoTime();
        assertEquals(StreamStatus.TIMEOUT, streamsA.getKey("sa", waiting, -1, 0).status());
        assertTrue((System.nanoTime() - t0) / 1_000_000 >= 55);
        assertEquals(StreamStatus.TIMEOUT, streamsB.getKey("sb", waiting, -1, 0).status());
        net.block(32 * 20);
        assertEquals(StreamStatus.SUCCESSFUL, streamsB.getKey("sb", waiting, -1, 0).status());
    }

    @Test
    public void closeEndsBothEndsAndDestroysHeldKeys() throws Exception {
        net.block(32 * 100);
        UUID id = openAB(StreamQos.bestEffort(32, 0));
        assertEquals(StreamStatus.SUCCESSFUL, streamsB.getKey("sb", id, -1, 0).status()); // A holds sa's copy
        assertEquals(Reason.UNAUTHORIZED, reasonOf(() -> streamsB.close("sb2", id)));
        assertEquals(StreamStatus.SUCCESSFUL, streamsB.close("sb", id));
        assertEquals(0, streamsA.openStreams());
        assertEquals(0, streamsB.openStreams());
        assertTrue(messageOf(() -> streamsA.getKey("sa", id, -1, 0)).contains("closed by its destination sb"));
        assertTrue(messageOf(() -> streamsB.getKey("sb", id, -1, 0)).contains("closed by its destination sb"));
        // a closed stream's ID is not reused meanwhile
        assertEquals(StreamStatus.KSID_ALREADY_IN_USE,
                streamsA.open("sa", SA, SB, StreamQos.bestEffort(32, 0), id).status());
    }

    @Test
    public void ttlEndsTheStreamAtBothEnds() throws Exception {
        net.block(32 * 100);
        UUID id = openAB(StreamQos.bestEffort(32, 0).withTtl(2));
        assertEquals(StreamStatus.SUCCESSFUL, streamsA.getKey("sa", id, -1, 0).status());
        net.clock.advanceSeconds(1);
        assertEquals(0, streamsA.sweep());
        assertEquals(StreamStatus.SUCCESSFUL, streamsB.getKey("sb", id, -1, 0).status());
        net.clock.advanceSeconds(1);
        assertEquals(1, streamsA.sweep());
        assertEquals(1, streamsB.sweep());
        assertTrue(messageOf(() -> streamsA.getKey("sa", id, -1, 0)).contains("ttl of 2 s"));
        assertTrue(messageOf(() -> streamsB.getKey("sb", id, -1, 0)).contains("ttl of 2 s"));
    }

    @Test
    public void aPairOnOneNodeAndMaxBps() throws Exception {
        StreamQos qos = new StreamQos(32, 256, 0, 0, 0, 0, 0, null); // one chunk per second
        OpenResult o = streamsA.open("sa", SA, SA2, qos, null);
        assertEquals(StreamStatus.PEER_NOT_CONNECTED, o.status());
        UUID id = o.keyStreamId();
        assertEquals(StreamStatus.SUCCESSFUL, streamsA.open("sa2", SA, SA2, qos, id).status());
        GetKeyResult s0 = streamsA.getKey("sa", id, -1, 0);
        GetKeyResult d0 = streamsA.getKey("sa2", id, -1, 0);
        assertEquals(StreamStatus.SUCCESSFUL, s0.status());
        assertArrayEquals(s0.keyBuffer(), d0.keyBuffer());
        // max_bps: the next chunk is not there before a second passed (timeout 0: insufficient)
        assertEquals(StreamStatus.INSUFFICIENT_KEY_AVAILABLE, streamsA.getKey("sa", id, -1, 0).status());
    }
}
