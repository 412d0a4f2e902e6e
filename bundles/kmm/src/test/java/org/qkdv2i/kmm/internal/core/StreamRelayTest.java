package org.qkdv2i.kmm.internal.core;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.qkdv2i.kmm.api.GetKeyResult;
import org.qkdv2i.kmm.api.KeyStreams;
import org.qkdv2i.kmm.api.OpenResult;
import org.qkdv2i.kmm.api.StreamQos;
import org.qkdv2i.kmm.api.StreamStatus;
import org.qkdv2i.kmm.internal.stream.StreamCore;

/** A stream between SAEs of nodes that are not neighbours (A - B - C): keys relayed, messages passed on by B. */
public class StreamRelayTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Chain net;
    private final Map<String, StreamCore> streams = new ConcurrentHashMap<>();
    /** Stream messages per "X>Y" (X called its neighbour Y). */
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    /** The stream messages of node {@code self} to its neighbours, in-process. */
    private PeerTransport wire(String self) {
        return new PeerTransport() {
            @Override
            public StreamReply stream(String peer, StreamMessage m, long t) throws PeerException {
                if (!net.neighbours(self).contains(peer)) {
                    throw new PeerException("no URL configured for peer " + peer, false);
                }
                calls.computeIfAbsent(self + ">" + peer, k -> new AtomicInteger()).incrementAndGet();
                return streams.get(peer).fromPeer(self, m);
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
    }

    @After
    public void close() {
        streams.values().forEach(StreamCore::close);
        if (net != null) {
            net.close();
        }
    }

    @Test
    public void relayedPairGetsTheSameKeyAtTheSameIndex() throws Exception {
        net = new Chain(tmp.getRoot().toPath(), "A", "B", "C");
        net.feed(8);
        net.route();
        for (String n : List.of("A", "B", "C")) {
            PeerTransport w = wire(n);
            streams.put(n, new StreamCore(net.core(n), () -> w, () -> 3000, net.clock));
        }
        StreamQos qos = StreamQos.bestEffort(32, 0);
        OpenResult o = streams.get("A").open("sa", KeyStreams.saeUri("sa"), KeyStreams.saeUri("sz"), qos, null);
        assertEquals(StreamStatus.PEER_NOT_CONNECTED, o.status());
        UUID id = o.keyStreamId();
        assertEquals(StreamStatus.SUCCESSFUL,
                streams.get("C").open("sz", KeyStreams.saeUri("sa"), KeyStreams.saeUri("sz"), qos, id).status());
        GetKeyResult z0 = streams.get("C").getKey("sz", id, -1, 0); // the destination first: drawn and relayed
        GetKeyResult a0 = streams.get("A").getKey("sa", id, -1, 0);
        GetKeyResult a1 = streams.get("A").getKey("sa", id, -1, 0);
        GetKeyResult z1 = streams.get("C").getKey("sz", id, -1, 0);
        for (GetKeyResult r : List.of(z0, a0, a1, z1)) {
            assertEquals(StreamStatus.SUCCESSFUL, r.status());
        }
        assertArrayEquals(a0.keyBuffer(), z0.keyBuffer());
        assertArrayEquals(a1.keyBuffer(), z1.keyBuffer());
        // no direct channel A - C: every stream message went through B
        assertEquals(null, calls.get("A>C"));
        assertEquals(null, calls.get("C>A"));
        assertTrue(calls.get("A>B").get() >= 1 && calls.get("C>B").get() >= 2 && calls.get("B>C").get() >= 1);
        assertEquals("B holds no stream", 0, streams.get("B").openStreams());
        assertEquals(StreamStatus.SUCCESSFUL, streams.get("C").close("sz", id));
        assertEquals(0, streams.get("A").openStreams());
    }
}
