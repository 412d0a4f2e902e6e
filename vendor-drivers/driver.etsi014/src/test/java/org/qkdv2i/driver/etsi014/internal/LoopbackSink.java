package org.qkdv2i.driver.etsi014.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.qkdv2i.qkd.api.KeyBlock;
import org.qkdv2i.qkd.api.KeyBlockSink;
import org.qkdv2i.qkd.api.LinkState;
import org.qkdv2i.qkd.api.LinkStatus;
import org.qkdv2i.qkd.api.PeerChannel;
import org.qkdv2i.qkd.api.PeerChannelException;
import org.qkdv2i.qkd.api.PeerMessageHandler;

/**
 * A KMM stand-in: records the key blocks and statuses a driver delivers, and offers a peer
 * channel that carries messages in memory to the handler registered at the linked sink, as
 * the two KMMs would over their TLS peer channel.
 */
final class LoopbackSink implements KeyBlockSink {

    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "loopback-peer");
        t.setDaemon(true);
        return t;
    });
    private final Map<UUID, byte[]> blocks = new LinkedHashMap<>();
    private final Map<UUID, java.time.Instant> created = new LinkedHashMap<>();
    private final List<LinkStatus> statuses = new ArrayList<>();
    /** System.nanoTime() when each block arrived, in arrival order. */
    private final List<Long> arrivals = new ArrayList<>();
    private volatile PeerMessageHandler handler;
    private volatile LoopbackSink peer;
    /** When set, every request fails as if the peer node were unreachable. */
    volatile String channelDown;
    final AtomicInteger concurrentCalls = new AtomicInteger();
    final AtomicInteger overlaps = new AtomicInteger();
    final List<byte[]> messagesSent = new ArrayList<>();

    static void link(LoopbackSink a, LoopbackSink b) {
        a.peer = b;
        b.peer = a;
    }

    @Override
    public void keyBlock(KeyBlock block) {
        enter();
        try {
            synchronized (this) {
                byte[] k = block.key();
                blocks.put(block.id(), k);
                arrivals.add(System.nanoTime());
                created.put(block.id(), block.created());
                block.destroy();
            }
        } finally {
            leave();
        }
    }

    @Override
    public void status(LinkStatus status) {
        enter();
        try {
            synchronized (this) {
                statuses.add(status);
            }
        } finally {
            leave();
        }
    }

    private void enter() {
        if (concurrentCalls.incrementAndGet() > 1) {
            overlaps.incrementAndGet();
        }
    }

    private void leave() {
        concurrentCalls.decrementAndGet();
    }

    @Override
    public PeerChannel peerChannel(PeerMessageHandler h) {
        this.handler = h;
        return this::request;
    }

    private CompletionStage<byte[]> request(byte[] message) {
        synchronized (messagesSent) {
            messagesSent.add(message.clone());
        }
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        executor.execute(() -> {
            try {
                LoopbackSink p = peer;
                PeerMessageHandler h = p == null ? null : p.handler;
                if (channelDown != null) {
                    throw new PeerChannelException(channelDown);
                }
                if (h == null) {
                    throw new PeerChannelException("no driver attached for this link at the peer node");
                }
                f.complete(h.handle(message));
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    synchronized Map<UUID, byte[]> blocks() {
        return new LinkedHashMap<>(blocks);
    }

    synchronized Map<UUID, java.time.Instant> created() {
        return new LinkedHashMap<>(created);
    }

    synchronized List<Long> arrivals() {
        return new ArrayList<>(arrivals);
    }

    synchronized List<LinkStatus> statuses() {
        return new ArrayList<>(statuses);
    }

    synchronized boolean sawState(LinkState s) {
        return statuses.stream().anyMatch(x -> x.state() == s);
    }

    void close() {
        executor.shutdownNow();
    }
}
