package org.qkdv2i.tck;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;
import org.qkdv2i.qkd.api.KeyBlock;
import org.qkdv2i.qkd.api.KeyBlockSink;
import org.qkdv2i.qkd.api.LinkStatus;
import org.qkdv2i.qkd.api.PeerChannel;
import org.qkdv2i.qkd.api.PeerChannelException;
import org.qkdv2i.qkd.api.PeerMessageHandler;
import org.qkdv2i.qkd.api.QkdDriver;
import org.qkdv2i.qkd.api.QkdDriverConstants;

/**
 * Stands in for the two KMMs of a link: tracks the link's {@link QkdDriver} services (one per
 * end, told apart by {@code qkd.local.node}), attaches a recording {@link KeyBlockSink} to each
 * as a KMM would (and detaches it when the service goes), and carries the drivers' peer
 * channel as an in-memory loopback between the two ends.
 */
final class KitKmm implements AutoCloseable {

    /** One attached driver service. */
    static final class Attached {
        final ServiceReference<QkdDriver> ref;
        final QkdDriver driver;
        final Sink sink;

        Attached(ServiceReference<QkdDriver> ref, QkdDriver driver, Sink sink) {
            this.ref = ref;
            this.driver = driver;
            this.sink = sink;
        }

        long serviceId() {
            return (Long) ref.getProperty(Constants.SERVICE_ID);
        }
    }

    /** Request timeout of the loopback peer channel. */
    static final long PEER_TIMEOUT_MILLIS = 10_000;

    private final BundleContext context;
    private final Profile profile;
    final EndRecorder a;
    final EndRecorder b;
    private final Map<String, Attached> attached = new ConcurrentHashMap<>();
    private final Map<String, Sink> handlerOwner = new ConcurrentHashMap<>();
    private final AtomicInteger generations = new AtomicInteger();
    final AtomicLong peerMessages = new AtomicLong();
    final AtomicLong peerFailures = new AtomicLong();
    private final ExecutorService peerExecutor;
    private final ServiceTracker<QkdDriver, Attached> tracker;
    private volatile boolean autoAttach = true;

    KitKmm(BundleContext context, Profile profile) throws InvalidSyntaxException {
        this.context = context;
        this.profile = profile;
        this.a = new EndRecorder(profile.nodeA);
        this.b = new EndRecorder(profile.nodeB);
        a.watchKeys((id, key) -> checkNotInMessages(a, id, key));
        b.watchKeys((id, key) -> checkNotInMessages(b, id, key));
        AtomicInteger n = new AtomicInteger();
        this.peerExecutor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "tck-peer-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        String filter = "(&(" + Constants.OBJECTCLASS + "=" + QkdDriver.class.getName() + ")("
                + QkdDriverConstants.LINK_ID + "=" + escape(profile.linkId) + "))";
        this.tracker = new ServiceTracker<>(context, FrameworkUtil.createFilter(filter), null) {
            @Override
            public Attached addingService(ServiceReference<QkdDriver> ref) {
                String node = String.valueOf(ref.getProperty(QkdDriverConstants.LOCAL_NODE));
                if (!node.equals(profile.nodeA) && !node.equals(profile.nodeB)) {
                    return null; // another node's end of a link with the same ID: not ours
                }
                QkdDriver d = context.getService(ref);
                if (d == null) {
                    return null;
                }
                Attached at = new Attached(ref, d, null);
                if (autoAttach) {
                    at = attachTo(node, at);
                } else {
                    attached.put(node, at);
                }
                return at;
            }

            @Override
            public void removedService(ServiceReference<QkdDriver> ref, Attached at) {
                String node = String.valueOf(ref.getProperty(QkdDriverConstants.LOCAL_NODE));
                Attached current = attached.get(node);
                // after a manual detach/attach the current sink lives in the map, not in the tracker
                detachFrom(current != null && current.ref.equals(ref) ? current : at);
                attached.computeIfPresent(node, (k, v) -> v.ref.equals(ref) ? null : v);
                try {
                    context.ungetService(ref);
                } catch (IllegalStateException gone) {
                    // the kit's own context is stopping
                }
            }
        };
    }

    void open() {
        tracker.open();
    }

    EndRecorder recorder(String node) {
        return node.equals(profile.nodeA) ? a : b;
    }

    /** The driver service of an end, attached or not, or null. */
    Attached end(String node) {
        return attached.get(node);
    }

    boolean isAttached(String node) {
        Attached at = attached.get(node);
        return at != null && at.sink != null && !at.sink.detached;
    }

    int trackedCount() {
        return tracker.size();
    }

    /** Detaches the kit's sink from the driver of {@code node} (as a KMM letting the driver go). */
    void detach(String node) {
        Attached at = attached.get(node);
        if (at != null && at.sink != null) {
            detachFrom(at);
        }
    }

    /** Attaches a fresh sink to the driver of {@code node}. */
    void attach(String node) {
        Attached at = attached.get(node);
        if (at == null) {
            throw new AssertionError("no driver service for node " + node);
        }
        attachTo(node, at);
    }

    private Attached attachTo(String node, Attached at) {
        Sink s = new Sink(node, generations.incrementAndGet(), recorder(node));
        Attached now = new Attached(at.ref, at.driver, s);
        attached.put(node, now);
        try {
            at.driver.attach(s);
        } catch (RuntimeException e) {
            recorder(node).violation("attach() threw " + e);
        }
        return now;
    }

    private void detachFrom(Attached at) {
        if (at.sink == null || at.sink.detached) {
            return;
        }
        try {
            at.driver.detach(at.sink);
        } catch (RuntimeException e) {
            recorder(at.sink.node).violation("detach() threw " + e);
        }
        at.sink.detached = true; // from here on any call is a contract violation
        handlerOwner.remove(at.sink.node, at.sink);
    }

    @Override
    public void close() {
        autoAttach = false;
        tracker.close(); // detaches every sink (removedService)
        peerExecutor.shutdownNow();
        try {
            peerExecutor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The latest peer messages (both directions), to check that no key material travels in them. */
    private final java.util.Deque<byte[]> recentMessages = new java.util.concurrent.ConcurrentLinkedDeque<>();
    private static final int RECENT_MESSAGES = 512;

    private void remember(byte[] message) {
        recentMessages.addLast(message);
        while (recentMessages.size() > RECENT_MESSAGES) {
            recentMessages.pollFirst();
        }
    }

    /**
     * PeerChannel: "never put key material in a message". Looks for the block's first bytes raw, as
     * hex and as Base64 in the recent messages (a block of fewer than 8 bytes is not checked).
     */
    void checkNotInMessages(EndRecorder rec, java.util.UUID id, byte[] key) {
        if (key.length < 8 || recentMessages.isEmpty()) {
            return;
        }
        byte[] prefix = java.util.Arrays.copyOf(key, Math.min(16, key.length));
        String hex = java.util.HexFormat.of().formatHex(prefix);
        byte[][] needles = {prefix, hex.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
            hex.toUpperCase().getBytes(java.nio.charset.StandardCharsets.US_ASCII),
            java.util.Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(key, Math.min(15, key.length) / 3 * 3))
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII)};
        try {
            for (byte[] m : recentMessages) {
                for (byte[] n : needles) {
                    if (n.length >= 8 && indexOf(m, n) >= 0) {
                        rec.violation("a peer channel message carried key material of block " + id
                                + " (PeerChannel: never put key material in a message)");
                        return;
                    }
                }
            }
        } finally {
            java.util.Arrays.fill(prefix, (byte) 0);
        }
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private String peerOf(String node) {
        return node.equals(profile.nodeA) ? profile.nodeB : profile.nodeA;
    }

    /** The kit's sink: records, checks the threading and detach contract, offers the loopback channel. */
    final class Sink implements KeyBlockSink {
        final String node;
        final int generation;
        private final EndRecorder rec;
        private final AtomicInteger inFlight = new AtomicInteger();
        volatile boolean detached;
        volatile PeerMessageHandler handler;

        Sink(String node, int generation, EndRecorder rec) {
            this.node = node;
            this.generation = generation;
            this.rec = rec;
        }

        @Override
        public void keyBlock(KeyBlock block) {
            if (detached) {
                rec.afterDetach(generation, "keyBlock");
                if (block != null) {
                    block.destroy();
                }
                return;
            }
            enter("keyBlock");
            try {
                rec.block(block, generation);
            } finally {
                inFlight.decrementAndGet();
            }
        }

        @Override
        public void status(LinkStatus status) {
            if (detached) {
                rec.afterDetach(generation, "status");
                return;
            }
            enter("status");
            try {
                rec.status(status);
            } finally {
                inFlight.decrementAndGet();
            }
        }

        private void enter(String call) {
            if (inFlight.incrementAndGet() > 1) {
                rec.violation(call + " called concurrently with another call on the same sink");
            }
        }

        @Override
        public PeerChannel peerChannel(PeerMessageHandler h) {
            if (h == null) {
                throw new NullPointerException("handler");
            }
            if (detached) {
                throw new IllegalStateException("sink #" + generation + " of " + node + " is detached");
            }
            this.handler = h; // a second call replaces the handler
            handlerOwner.put(node, this);
            return this::request;
        }

        private CompletionStage<byte[]> request(byte[] message) {
            peerMessages.incrementAndGet();
            CompletableFuture<byte[]> f = new CompletableFuture<>();
            if (message == null || message.length > PeerChannel.MAX_MESSAGE_BYTES) {
                return failed(f, "message of " + (message == null ? "null" : message.length + " bytes")
                        + " refused (limit " + PeerChannel.MAX_MESSAGE_BYTES + ")");
            }
            if (detached) {
                return failed(f, "this end's driver is detached from its sink");
            }
            Sink peer = handlerOwner.get(peerOf(node));
            if (peer == null || peer.detached || peer.handler == null) {
                return failed(f, "no driver attached for link " + profile.linkId + " at node " + peerOf(node));
            }
            byte[] copy = message.clone();
            remember(message.clone());
            PeerMessageHandler h = peer.handler;
            try {
                peerExecutor.execute(() -> {
                    try {
                        byte[] reply = h.handle(copy);
                        if (reply == null) {
                            reply = new byte[0];
                        }
                        if (reply.length > PeerChannel.MAX_MESSAGE_BYTES) {
                            throw new PeerChannelException("reply of " + reply.length + " bytes over the limit");
                        }
                        remember(reply.clone());
                        f.complete(reply.clone());
                    } catch (PeerChannelException e) {
                        peerFailures.incrementAndGet();
                        f.completeExceptionally(new PeerChannelException("peer refused: " + e.getMessage(), e));
                    } catch (RuntimeException e) {
                        peerFailures.incrementAndGet();
                        f.completeExceptionally(new PeerChannelException("peer handler failed: " + e, e));
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                return failed(f, "the kit is shutting down");
            }
            return f.orTimeout(PEER_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS).exceptionallyCompose(t -> {
                CompletableFuture<byte[]> g = new CompletableFuture<>();
                Throwable c = t instanceof java.util.concurrent.CompletionException && t.getCause() != null
                        ? t.getCause() : t;
                g.completeExceptionally(c instanceof TimeoutException
                        ? new PeerChannelException("no answer from " + peerOf(node) + " within " + PEER_TIMEOUT_MILLIS
                                + " ms")
                        : c);
                return g;
            });
        }

        private CompletionStage<byte[]> failed(CompletableFuture<byte[]> f, String why) {
            peerFailures.incrementAndGet();
            f.completeExceptionally(new PeerChannelException(why));
            return f;
        }
    }

    private static String escape(String v) {
        return v.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").replace("*", "\\*");
    }
}
