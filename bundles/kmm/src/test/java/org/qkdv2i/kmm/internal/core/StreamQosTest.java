package org.qkdv2i.kmm.internal.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.Test;
import org.qkdv2i.kmm.api.GetKeyResult;
import org.qkdv2i.kmm.api.Key;
import org.qkdv2i.kmm.api.KeyManagerException;
import org.qkdv2i.kmm.api.KeyRequest;
import org.qkdv2i.kmm.api.KeyStreams;
import org.qkdv2i.kmm.api.OpenResult;
import org.qkdv2i.kmm.api.StreamQos;
import org.qkdv2i.kmm.api.StreamStatus;
import org.qkdv2i.kmm.internal.core.QosAllocator.ConsumerStats;
import org.qkdv2i.kmm.internal.stream.StreamCore;
import org.qkdv2i.qkd.api.LinkState;
import org.qkdv2i.qkd.api.LinkStatus;

/**
 * ETSI 004 streams in the allocation by agreed QoS (issue 9): a stream's priority and min_bps compete with
 * ETSI 014 pairs for the same pool; jitter below what the KMM keeps is countered at OPEN_CONNECT; a
 * relayed stream gets a min_bps guarantee from its first hop's pool.
 */
public class StreamQosTest extends TwoNodesTestBase {

    private static final URI SA = KeyStreams.saeUri("sa");
    private static final URI SB = KeyStreams.saeUri("sb");

    private final class StreamWire implements PeerTransport {
        final Map<String, StreamCore> cores = new ConcurrentHashMap<>();

        @Override
        public StreamReply stream(String peer, StreamMessage m, long timeoutMillis) throws PeerException {
            return cores.get(peer).fromPeer(peer.equals("A") ? "B" : "A", m);
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

    private StreamCore twoNodeStreams(StreamWire wire) {
        StreamCore a = new StreamCore(net.a, () -> wire, () -> 2000, net.clock);
        wire.cores.put("A", a);
        wire.cores.put("B", new StreamCore(net.b, () -> wire, () -> 2000, net.clock));
        return a;
    }

    private void skr(double bitsPerSecond) {
        LinkStatus st = new LinkStatus(LinkState.UP, 0.01, bitsPerSecond, bitsPerSecond * 10, 10, "",
                Instant.ofEpochMilli(net.clock.millis()));
        net.a.linkStatus(TwoNodes.LINK, st);
        net.b.linkStatus(TwoNodes.LINK, st);
    }

    private static StreamQos qos(long minBps, int jitter, int priority) {
        return new StreamQos(32, 0, minBps, jitter, priority, 0, 0, StreamQos.JSON);
    }

    @Test
    public void relayedStreamGetsAMinimumFromItsFirstHopsPool() throws Exception {
        Chain chain = new Chain(tmp.newFolder("chain").toPath(), "A", "B", "C");
        Map<String, StreamCore> cores = new ConcurrentHashMap<>();
        try {
            chain.feed(2);
            chain.route();
            for (String n : List.of("A", "B", "C")) {
                PeerTransport w = new PeerTransport() {
                    @Override
                    public StreamReply stream(String peer, StreamMessage m, long t) throws PeerException {
                        return cores.get(peer).fromPeer(n, m);
                    }

                    @Override
                    public ReserveResult reserve(String p, ReserveRequest r, long t) throws PeerException {
                        throw new PeerException("not here", false);
                    }

                    @Override
                    public InventoryResult inventory(String p, InventoryRequest r, long t) throws PeerException {
                        throw new PeerException("not here", false);
                    }
                };
                cores.put(n, new StreamCore(chain.core(n), () -> w, () -> 3000, chain.clock));
            }
            chain.core("A").linkStatus(Chain.link("A", "B"), new LinkStatus(LinkState.UP, 0.01, 8192, 81920, 10, "",
                    Instant.ofEpochMilli(chain.clock.millis())));
            URI sz = KeyStreams.saeUri("sz");
            // A's half of link A-B: 4,096 bit/s; a relayed 32-byte key costs its pad and the hop MAC key (64 bytes
            // of pool): 2,048 bit/s of key delivered can be guaranteed
            OpenResult no = cores.get("A").open("sa", SA, sz, qos(3000, 0, 0), null);
            assertEquals(StreamStatus.QOS_NOT_MET, no.status());
            assertEquals(2048, no.qos().minBps());
            OpenResult yes = cores.get("A").open("sa", SA, sz, no.qos(), null);
            assertEquals(StreamStatus.PEER_NOT_CONNECTED, yes.status());
            // the first stream holds it all now
            assertEquals(0, cores.get("A").open("sa", SA, sz, qos(1, 0, 0), null).qos().minBps());
            // a relay is bounded by peer round trips, not by this KMM: jitter below the peer timeout is countered
            OpenResult jitter = cores.get("A").open("sa", SA, sz, qos(0, 100, 0), null);
            assertEquals(StreamStatus.QOS_NOT_MET, jitter.status());
            assertEquals(3000, jitter.qos().jitter());
        } finally {
            cores.values().forEach(StreamCore::close);
            chain.close();
        }
    }

    @Test
    public void jitterBelowWhatTheKmmKeepsIsCountered() throws Exception {
        StreamWire wire = new StreamWire();
        StreamCore a = twoNodeStreams(wire);
        skr(100_000);
        net.block(32 * 8);
        OpenResult no = a.open("sa", SA, SB, qos(0, 5, 0), null);
        assertEquals(StreamStatus.QOS_NOT_MET, no.status());
        assertEquals(10, no.qos().jitter());
        OpenResult yes = a.open("sa", SA, SB, no.qos(), null);
        assertEquals(StreamStatus.PEER_NOT_CONNECTED, yes.status());
        assertEquals(10, yes.qos().jitter());
        // 0 = no jitter asked: admitted as it is
        assertEquals(StreamStatus.PEER_NOT_CONNECTED, a.open("sa", SA, SB, qos(0, 0, 0), null).status());
        // a GET_KEY that waits longer than the jitter for key (here: none left, timeout 50 ms) is counted
        OpenResult o = a.open("sa", SA, SB, new StreamQos(32, 0, 0, 10, 0, 50, 0, StreamQos.JSON), null);
        UUID id = o.keyStreamId();
        assertEquals(StreamStatus.SUCCESSFUL, wire.cores.get("B").open("sb", SA, SB, o.qos(), id).status());
        while (TwoNodes.own(net.a) > 0) {
            net.a.newKeys(new KeyRequest("sa2", "sb", 1, 256)).forEach(Key::destroy);
        }
        assertEquals(0, a.jitterMisses(id));
        assertEquals(StreamStatus.TIMEOUT, a.getKey("sa", id, -1, 0).status());
        assertEquals(1, a.jitterMisses(id));
        // kmm.api 1.6: the miss is visible through KeyStreams.streams()
        org.qkdv2i.kmm.api.StreamInfo info = a.streams().stream().filter(i -> i.keyStreamId().equals(id))
                .findFirst().orElseThrow();
        assertEquals(1, info.jitterMisses());
        assertEquals("sa", info.sourceSaeId());
        assertEquals("sb", info.destinationSaeId());
        assertTrue("A serves the source: it owns the stream", info.owner());
        assertTrue(info.destinationConnected());
        assertEquals(10, info.qos().jitter());
        assertEquals("three streams opened at A", 3, a.streams().size());
        a.close("sa", id);
        assertTrue("a closed stream is not listed", a.streams().stream().noneMatch(i -> i.keyStreamId().equals(id)));
    }

    @Test
    public void streamKeepsItsMinimumWhileALowerPriorityPairGets503() throws Exception {
        StreamWire wire = new StreamWire();
        StreamCore a = twoNodeStreams(wire);
        net.directory.rules.add(new Qos("sa2", "sb", 0, 0, 0, 0, 1, 0));
        net.block(32); // the link exists
        skr(2 * 8 * 256); // this node's half: 8 stored keys/s (a hint until the refill is measured)
        OpenResult o = a.open("sa", SA, SB, qos(4 * 256, 0, 10), null); // 4 keys of 32 bytes a second
        assertEquals(StreamStatus.PEER_NOT_CONNECTED, o.status());
        UUID id = o.keyStreamId();
        assertEquals(StreamStatus.SUCCESSFUL, wire.cores.get("B").open("sb", SA, SB, o.qos(), id).status());
        int pairServed = 0;
        int pairScarce = 0;
        int streamServed = 0;
        int streamShort = 0;
        for (int second = 1; second <= 12; second++) {
            net.clock.advanceSeconds(1);
            long target = TwoNodes.own(net.a) + 4; // the link gives A's half 4 stored keys a second: scarce
            while (TwoNodes.own(net.a) < target) {
                net.block(32);
            }
            int pairNow = 0;
            for (int i = 0; i < 6; i++) { // the pair asks first
                try {
                    net.a.newKeys(new KeyRequest("sa2", "sb", 1, 256)).forEach(Key::destroy);
                    pairNow++;
                } catch (KeyManagerException e) {
                    assertEquals(KeyManagerException.Reason.UNAVAILABLE, e.reason());
                    if (e.getMessage().startsWith(QosAllocator.SCARCE_HIGHER) && second > 2) {
                        pairScarce++;
                    }
                }
            }
            int streamNow = 0;
            for (int i = 0; i < 6; i++) {
                GetKeyResult r = a.getKey("sa", id, -1, 0);
                if (r.status() == StreamStatus.SUCCESSFUL) {
                    streamNow++;
                } else {
                    assertEquals(StreamStatus.INSUFFICIENT_KEY_AVAILABLE, r.status()); // timeout 0: no wait
                }
            }
            if (second > 2) { // the refill rate is measured over a second first
                pairServed += pairNow;
                streamServed += streamNow;
                streamShort += Math.max(0, 4 - streamNow);
            }
        }
        assertEquals("the stream got its 4 keys every second", 0, streamShort);
        assertEquals(40, streamServed);
        assertEquals("the lower-priority pair got nothing once the refill was known", 0, pairServed);
        assertTrue(pairScarce >= 10 * 6);
        ConsumerStats s = net.a.qosAllocator().consumers().stream()
                .filter(c -> c.id().equals("stream " + id)).findFirst().orElseThrow();
        assertEquals(10, s.priority());
        assertTrue(s.reserved());
        assertEquals(4.0 * 256, s.minBps(), 1e-9);
        // CLOSE: its minimum is no longer held; the pair gets the next keys
        assertEquals(StreamStatus.SUCCESSFUL, a.close("sa", id));
        net.clock.advanceSeconds(1);
        long target = TwoNodes.own(net.a) + 4;
        while (TwoNodes.own(net.a) < target) {
            net.block(32);
        }
        List<Key> k = net.a.newKeys(new KeyRequest("sa2", "sb", 1, 256));
        assertNotNull(k);
        k.forEach(Key::destroy);
    }
}
