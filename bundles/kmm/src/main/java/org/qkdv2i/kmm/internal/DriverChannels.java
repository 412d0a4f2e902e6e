package org.qkdv2i.kmm.internal;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.qkdv2i.kmm.internal.core.PeerTransport;
import org.qkdv2i.kmm.internal.core.PeerTransport.PeerException;
import org.qkdv2i.qkd.api.LinkEnd;
import org.qkdv2i.qkd.api.PeerChannel;
import org.qkdv2i.qkd.api.PeerChannelException;
import org.qkdv2i.qkd.api.PeerMessageHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver-to-driver channels of one node ({@link PeerChannel}), carried over the peer KMM
 * channel: outgoing messages through {@link PeerTransport#driverMessage}, incoming ones
 * ({@code POST /peer/v1/driver}) to the handler of the link's attached driver.
 */
final class DriverChannels {

    private static final Logger LOG = LoggerFactory.getLogger(DriverChannels.class);

    /** The handler of one attached driver; {@code owner} tells registrations of successive attachments apart. */
    private record Registration(Object owner, LinkEnd end, PeerMessageHandler handler) {
    }

    private final String nodeId;
    private final Supplier<PeerTransport> transport;
    private final LongSupplier timeoutMillis;
    private final ExecutorService executor;
    private final Map<String, Registration> byLink = new ConcurrentHashMap<>();

    DriverChannels(String nodeId, Supplier<PeerTransport> transport, LongSupplier timeoutMillis,
            ExecutorService executor) {
        this.nodeId = nodeId;
        this.transport = transport;
        this.timeoutMillis = timeoutMillis;
        this.executor = executor;
    }

    /** Registers (or replaces) the handler of the driver {@code owner} attached for {@code end}. */
    PeerChannel open(Object owner, LinkEnd end, PeerMessageHandler handler) {
        if (handler == null) {
            throw new NullPointerException("handler");
        }
        byLink.put(end.linkId(), new Registration(owner, end, handler));
        return message -> send(owner, end, message);
    }

    /** Forgets the handler of {@code owner} (its driver was detached). */
    void close(Object owner) {
        byLink.values().removeIf(r -> r.owner() == owner);
    }

    private CompletionStage<byte[]> send(Object owner, LinkEnd end, byte[] message) {
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        Registration current = byLink.get(end.linkId());
        if (current == null || current.owner() != owner) {
            f.completeExceptionally(new PeerChannelException("the driver of link " + end.linkId()
                    + " is detached from node " + nodeId + "; its peer channel is closed"));
            return f;
        }
        if (message == null || message.length > PeerChannel.MAX_MESSAGE_BYTES) {
            f.completeExceptionally(new PeerChannelException("a driver message holds 0.." + PeerChannel.MAX_MESSAGE_BYTES
                    + " bytes, got " + (message == null ? "null" : message.length)));
            return f;
        }
        byte[] copy = message.clone();
        try {
            executor.execute(() -> {
                PeerTransport t = transport.get();
                try {
                    if (t == null) {
                        throw new PeerException("node " + nodeId + " has no peer channel (TLS identity not available)",
                                false);
                    }
                    f.complete(t.driverMessage(end.peerNodeId(), end.linkId(), copy, timeoutMillis.getAsLong()));
                } catch (PeerException e) {
                    f.completeExceptionally(new PeerChannelException("link " + end.linkId() + ": peer node "
                            + end.peerNodeId() + (e.refused() ? " refused the message: " : " unreachable: ")
                            + e.getMessage()));
                } catch (RuntimeException e) {
                    f.completeExceptionally(new PeerChannelException("link " + end.linkId() + ": " + e, e));
                }
            });
        } catch (RejectedExecutionException stopping) {
            f.completeExceptionally(new PeerChannelException("node " + nodeId + " is stopping"));
        }
        return f;
    }

    /** {@code POST /peer/v1/driver} from {@code callerNodeId}: hands the message to the link's driver here. */
    byte[] deliver(String callerNodeId, String linkId, byte[] message) throws PeerException {
        Registration r = byLink.get(linkId);
        if (r == null) {
            throw new PeerException("no driver of link " + linkId + " with a peer channel is attached at node "
                    + nodeId, true);
        }
        if (!r.end().peerNodeId().equals(callerNodeId)) {
            throw new PeerException("link " + linkId + " does not join " + nodeId + " and " + callerNodeId, true);
        }
        if (message.length > PeerChannel.MAX_MESSAGE_BYTES) {
            throw new PeerException("driver message too large", true);
        }
        byte[] reply;
        try {
            reply = r.handler().handle(message);
        } catch (PeerChannelException e) {
            throw new PeerException(e.getMessage(), true);
        } catch (RuntimeException e) {
            LOG.warn("node {} link {}: driver failed on a message from {}: {}", nodeId, linkId, callerNodeId,
                    e.toString());
            throw new PeerException("the driver of link " + linkId + " at node " + nodeId + " failed", false);
        }
        if (reply == null || reply.length > PeerChannel.MAX_MESSAGE_BYTES) {
            LOG.warn("node {} link {}: driver answered a message from {} with {}", nodeId, linkId, callerNodeId,
                    reply == null ? "null" : reply.length + " bytes (too large)");
            throw new PeerException("the driver of link " + linkId + " at node " + nodeId + " gave no valid answer",
                    false);
        }
        return reply;
    }
}
