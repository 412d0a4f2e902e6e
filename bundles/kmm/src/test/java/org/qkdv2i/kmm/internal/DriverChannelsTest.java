package org.qkdv2i.kmm.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Test;
import org.qkdv2i.kmm.internal.core.PeerTransport;
import org.qkdv2i.qkd.api.LinkEnd;
import org.qkdv2i.qkd.api.PeerChannel;
import org.qkdv2i.qkd.api.PeerChannelException;
import org.qkdv2i.qkd.api.QkdRole;

/**
 * The driver-to-driver channel of two nodes, wired in-process (the HTTPS leg is covered by
 * PeerHttpsTest): what a driver sends reaches the handler of the same link at the peer.
 */
public class DriverChannelsTest {

    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private DriverChannels a;
    private DriverChannels b;

    /** Node {@code from} reaches the channels of the other node directly. */
    private PeerTransport to(String from) {
        return new PeerTransport() {
            @Override
            public ReserveResult reserve(String peer, ReserveRequest request, long timeoutMillis) {
                throw new UnsupportedOperationException();
            }

            @Override
            public InventoryResult inventory(String peer, InventoryRequest request, long timeoutMillis) {
                throw new UnsupportedOperationException();
            }

            @Override
            public byte[] driverMessage(String peer, String linkId, byte[] message, long timeoutMillis)
                    throws PeerException {
                return (peer.equals("B") ? b : a).deliver(from, linkId, message);
            }
        };
    }

    private static final LinkEnd END_A = new LinkEnd("L", "A", "B", QkdRole.TRANSMITTER);
    private static final LinkEnd END_B = new LinkEnd("L", "B", "A", QkdRole.RECEIVER);
    private final Object driverA = new Object();
    private final Object driverB = new Object();

    @After
    public void stop() {
        executor.shutdownNow();
    }

    private void twoNodes() {
        a = new DriverChannels("A", () -> to("A"), () -> 1000, executor);
        b = new DriverChannels("B", () -> to("B"), () -> 1000, executor);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static Throwable failure(PeerChannel channel, byte[] message) throws Exception {
        try {
            channel.request(message).toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        }
        fail("the request succeeded");
        return null;
    }

    @Test
    public void aMessageReachesTheSameLinksDriverAtThePeerAndTheReplyComesBack() throws Exception {
        twoNodes();
        PeerChannel fromA = a.open(driverA, END_A, m -> utf8("A got " + text(m)));
        b.open(driverB, END_B, m -> utf8("B got " + text(m)));
        assertEquals("B got ids 7,8", text(fromA.request(utf8("ids 7,8")).toCompletableFuture().get(5, TimeUnit.SECONDS)));
    }

    @Test
    public void aRefusalReachesTheSenderWithItsReason() throws Exception {
        twoNodes();
        PeerChannel fromA = a.open(driverA, END_A, m -> m);
        b.open(driverB, END_B, m -> {
            throw new PeerChannelException("vendor KME B has no key 7");
        });
        Throwable t = failure(fromA, utf8("ids 7"));
        assertTrue(t.toString(), t instanceof PeerChannelException);
        assertTrue(t.getMessage(), t.getMessage().contains("vendor KME B has no key 7"));
    }

    @Test
    public void aDetachedDriversChannelIsClosedAtBothEnds() throws Exception {
        twoNodes();
        PeerChannel fromA = a.open(driverA, END_A, m -> m);
        PeerChannel fromB = b.open(driverB, END_B, m -> m);
        b.close(driverB);
        Throwable t = failure(fromA, utf8("hello"));
        assertTrue(t.getMessage(), t.getMessage().contains("no driver of link L"));
        t = failure(fromB, utf8("hello"));
        assertTrue(t.getMessage(), t.getMessage().contains("detached"));
        // a driver attached again gets a working channel
        b.open(new Object(), END_B, m -> utf8("again"));
        assertEquals("again", text(fromA.request(utf8("x")).toCompletableFuture().join()));
    }

    @Test
    public void onlyTheLinksPeerNodeMayTalkToItsDriver() throws Exception {
        twoNodes();
        b.open(driverB, END_B, m -> m);
        try {
            b.deliver("C", "L", utf8("hi"));
            fail("node C reached the driver of link L (A-B)");
        } catch (PeerTransport.PeerException e) {
            assertTrue(e.refused());
            assertTrue(e.getMessage(), e.getMessage().contains("does not join B and C"));
        }
    }

    @Test
    public void anOversizedMessageIsRefusedBeforeItLeaves() throws Exception {
        twoNodes();
        PeerChannel fromA = a.open(driverA, END_A, m -> m);
        Throwable t = failure(fromA, new byte[PeerChannel.MAX_MESSAGE_BYTES + 1]);
        assertTrue(t.getMessage(), t.getMessage().contains("bytes"));
    }

    @Test
    public void withoutAPeerTransportTheRequestFailsClearly() throws Exception {
        a = new DriverChannels("A", () -> null, () -> 1000, executor);
        PeerChannel fromA = a.open(driverA, END_A, m -> m);
        Throwable t = failure(fromA, utf8("x"));
        assertTrue(t.getMessage(), t.getMessage().contains("no peer channel"));
        try {
            fromA.request(utf8("y")).toCompletableFuture().join();
            fail();
        } catch (CompletionException e) {
            assertTrue(e.getCause() instanceof PeerChannelException);
        }
    }
}
