package org.qkdv2i.zap.internal.message;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.qkdv2i.zap.internal.message.Rejections.assertRejected;
import static org.qkdv2i.zap.internal.message.Rejections.flip;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameters;
import org.qkdv2i.zap.api.ChannelKeys;
import org.qkdv2i.zap.api.ChannelOptions;
import org.qkdv2i.zap.api.MessageRejectedException.Reason;
import org.qkdv2i.zap.api.ProtectedChannel;
import org.qkdv2i.zap.internal.message.MessageProtectionComponent.AesGcmBackend;

/** Every behaviour on both AES-GCM backends (Bouncy Castle, the JDK's SunJCE). */
@RunWith(Parameterized.class)
public class AeadChannelTest {

    private static final long T0 = 1_800_000_000_000L;

    @Parameters(name = "{0}")
    public static List<Object[]> backends() {
        return List.of(new Object[] {AesGcmBackend.BOUNCY_CASTLE}, new Object[] {AesGcmBackend.JDK});
    }

    private final MessageProtectionComponent protection;

    public AeadChannelTest(AesGcmBackend backend) {
        this.protection = new MessageProtectionComponent(backend);
        assertEquals(backend, protection.aesGcm());
    }
    private final TestClock clock = new TestClock(T0);
    private final byte[] k1 = key(1);
    private final byte[] k2 = key(2);
    private final java.util.List<ProtectedChannel> opened = new java.util.ArrayList<>();

    private static byte[] key(int seed) {
        byte[] k = new byte[32];
        for (int i = 0; i < 32; i++) {
            k[i] = (byte) (seed * 31 + i);
        }
        return k;
    }

    private ProtectedChannel channel(long id, int epoch, byte[] send, byte[] receive, ChannelOptions options) {
        ProtectedChannel c = protection.aead(new ChannelKeys(id, epoch, send, receive), options);
        opened.add(c);
        return c;
    }

    /** a: sends under k1, b: receives under k1 (and the reverse under k2). */
    private ProtectedChannel a(ChannelOptions o) {
        return channel(7, 1, k1, k2, o);
    }

    private ProtectedChannel b(ChannelOptions o) {
        return channel(7, 1, k2, k1, o);
    }

    private ChannelOptions stream() {
        return ChannelOptions.stream("zone-a", clock);
    }

    private ChannelOptions datagram() {
        return ChannelOptions.datagram("zone-a", clock);
    }

    @After
    public void closeAll() {
        opened.forEach(ProtectedChannel::close);
    }

    private static byte[] msg(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    public void bothDirectionsRoundTripAndTheWireHidesThePayload() throws Exception {
        ProtectedChannel a = a(stream());
        ProtectedChannel b = b(stream());
        byte[] payload = msg("signal phase and timing for junction 12");
        byte[] wire = a.protect(payload);
        assertEquals(AeadChannel.HEADER + payload.length + AeadChannel.TAG, wire.length);
        assertFalse(new String(wire, StandardCharsets.ISO_8859_1).contains("junction"));
        assertArrayEquals(payload, b.open(wire));
        assertArrayEquals(msg("ack"), a.open(b.protect(msg("ack"))));
        assertArrayEquals(new byte[0], b.open(a.protect(new byte[0])));
    }

    @Test
    public void aDirectionCannotOpenItsOwnMessages() {
        ProtectedChannel a = a(stream());
        // separate per-direction keys: a reflected message does not verify
        assertRejected(Reason.TAMPERED, a, a.protect(msg("x")));
    }

    @Test
    public void keysAreCopiedSoTheCallerMayZeroiseItsArrays() throws Exception {
        byte[] s = key(1);
        byte[] r = key(2);
        ProtectedChannel a = channel(7, 1, s, r, stream());
        Arrays.fill(s, (byte) 0);
        Arrays.fill(r, (byte) 0);
        assertArrayEquals(msg("m"), b(stream()).open(a.protect(msg("m"))));
    }

    @Test
    public void everyAlteredByteIsTampered() throws Exception {
        ProtectedChannel a = a(stream());
        ProtectedChannel b = b(stream());
        byte[] wire = a.protect(msg("speed limit 30"));
        // seq (13..20), generation time (21..28), ciphertext and tag; each in the AAD or under the tag
        for (int i = 13; i < wire.length; i++) {
            if (i >= 29 && i < 33) {
                continue; // segment tag: CROSS_SEGMENT, tested below
            }
            assertRejected(Reason.TAMPERED, b, flip(wire, i));
        }
        assertRejected(Reason.TAMPERED, b, Arrays.copyOf(wire, wire.length - 1));
        assertArrayEquals(msg("speed limit 30"), b.open(wire));
    }

    @Test
    public void anotherKeyOrChannelIsTampered() {
        ProtectedChannel b = b(stream());
        ProtectedChannel stranger = channel(7, 1, key(9), k2, stream());
        assertRejected(Reason.TAMPERED, b, stranger.protect(msg("x")));
        ProtectedChannel otherChannel = channel(8, 1, k1, k2, stream());
        assertRejected(Reason.TAMPERED, b, otherChannel.protect(msg("x")));
    }

    @Test
    public void replayedIsRefusedOnStreamAndDatagramChannels() throws Exception {
        for (ChannelOptions o : List.of(stream(), datagram())) {
            ProtectedChannel a = a(o);
            ProtectedChannel b = b(o);
            byte[] wire = a.protect(msg("once"));
            b.open(wire);
            assertRejected(Reason.REPLAYED, b, wire);
        }
    }

    @Test
    public void strictChannelRefusesAnOlderMessageAsReordered() throws Exception {
        ProtectedChannel a = a(stream());
        ProtectedChannel b = b(stream());
        byte[] m1 = a.protect(msg("1"));
        byte[] m2 = a.protect(msg("2"));
        byte[] m3 = a.protect(msg("3"));
        assertArrayEquals(msg("2"), b.open(m2));
        assertRejected(Reason.REORDERED, b, m1);
        assertArrayEquals(msg("3"), b.open(m3));
    }

    @Test
    public void datagramChannelAcceptsReorderingWithinTheWindowOnly() throws Exception {
        ProtectedChannel a = a(datagram());
        ProtectedChannel b = b(datagram());
        byte[][] m = new byte[70][];
        for (int i = 0; i < m.length; i++) {
            m[i] = a.protect(msg("m" + (i + 1)));
        }
        assertArrayEquals(msg("m70"), b.open(m[69]));
        assertRejected(Reason.REORDERED, b, m[4]); // seq 5: 65 behind 70, window 64
        assertArrayEquals(msg("m6"), b.open(m[5])); // seq 6: exactly 64 behind
        assertArrayEquals(msg("m40"), b.open(m[39]));
        assertRejected(Reason.REPLAYED, b, m[39]);
    }

    @Test
    public void expiredAndFutureMessagesAreRefused() throws Exception {
        ProtectedChannel a = a(datagram());
        ProtectedChannel b = b(datagram());
        byte[] wire = a.protect(msg("old"));
        clock.advance(2_001); // datagram maxAge 2 s
        assertRejected(Reason.EXPIRED, b, wire);
        byte[] fresh = a.protect(msg("fresh"));
        assertArrayEquals(msg("fresh"), b.open(fresh));

        TestClock ahead = new TestClock(clock.millis() + ChannelBase.FUTURE_SKEW_MILLIS + 500);
        ProtectedChannel fast = channel(7, 1, k1, k2, ChannelOptions.datagram("zone-a", ahead));
        byte[] future = fast.protect(msg("from the future"));
        assertRejected(Reason.EXPIRED, b, future);
        ahead.set(clock.millis() + ChannelBase.FUTURE_SKEW_MILLIS - 100); // within the skew: fine
        ProtectedChannel slightlyFast = channel(7, 1, k1, k2, ChannelOptions.datagram("zone-a", ahead));
        // its seq 1 is still free: the expired seq 1 above was not recorded
        assertArrayEquals(msg("slightly ahead"), b.open(slightlyFast.protect(msg("slightly ahead"))));
    }

    @Test
    public void otherSegmentIsCrossSegment() {
        ProtectedChannel a = channel(7, 1, k1, k2, ChannelOptions.stream("zone-b", clock));
        ProtectedChannel b = b(stream());
        assertRejected(Reason.CROSS_SEGMENT, b, a.protect(msg("x")));
    }

    @Test
    public void segmentTagCollisionStillFailsTheTagBecauseTheSegmentIsInTheAad() throws Exception {
        ProtectedChannel a = channel(7, 1, k1, k2, ChannelOptions.stream("zone-b", clock));
        ProtectedChannel b = b(stream());
        byte[] wire = a.protect(msg("x"));
        // an attacker rewrites the clear segment tag to the receiver's: the AAD still differs
        Bytes.putInt(wire, 29, Bytes.segmentHash("zone-a"));
        assertRejected(Reason.TAMPERED, b, wire);
    }

    @Test
    public void otherEpochIsWrongEpoch() {
        ProtectedChannel next = channel(7, 2, k1, k2, stream());
        ProtectedChannel b = b(stream());
        assertRejected(Reason.WRONG_EPOCH, b, next.protect(msg("x")));
    }

    @Test
    public void malformedInputIsRefused() {
        ProtectedChannel a = a(stream());
        ProtectedChannel b = b(stream());
        assertRejected(Reason.MALFORMED, b, null);
        assertRejected(Reason.MALFORMED, b, new byte[0]);
        assertRejected(Reason.MALFORMED, b, new byte[AeadChannel.HEADER + AeadChannel.TAG - 1]);
        byte[] wire = a.protect(msg("x"));
        byte[] v2 = wire.clone();
        v2[0] = 2;
        assertRejected(Reason.MALFORMED, b, v2);
        byte[] seq0 = wire.clone();
        Bytes.putLong(seq0, 13, 0);
        assertRejected(Reason.MALFORMED, b, seq0);
    }

    @Test
    public void closedChannelRefusesEverything() {
        ProtectedChannel a = a(stream());
        ProtectedChannel b = b(stream());
        byte[] wire = a.protect(msg("x"));
        b.close();
        assertRejected(Reason.CLOSED, b, wire);
        a.close();
        a.close(); // idempotent
        try {
            a.protect(msg("y"));
            fail("protect on a closed channel");
        } catch (IllegalStateException expected) {
            assertTrue(expected.getMessage().contains("closed"));
        }
    }

    /**
     * ProtectedChannel#open: a rejected message changes nothing. Each kind of rejection is tried
     * with a very high sequence number first; had it moved the strict window, the genuine
     * message 1 that follows would be refused as REORDERED.
     */
    @Test
    public void rejectedMessagesLeaveTheChannelStateUnchanged() throws Exception {
        ProtectedChannel a = a(stream());
        ProtectedChannel b = b(stream());
        byte[] genuine1 = a.protect(msg("1"));
        byte[] genuine2 = a.protect(msg("2"));

        // forged: a high sequence number under a wrong tag
        byte[] forged = genuine2.clone();
        Bytes.putLong(forged, 13, 1_000_000);
        assertRejected(Reason.TAMPERED, b, forged);
        // another epoch / segment / malformed with a high sequence number
        byte[] epoch = channel(7, 2, k1, k2, stream()).protect(msg("e"));
        Bytes.putLong(epoch, 13, 1_000_000);
        assertRejected(Reason.WRONG_EPOCH, b, epoch);
        ProtectedChannel otherSegment = channel(7, 1, k1, k2, ChannelOptions.stream("zone-b", clock));
        for (int i = 0; i < 5; i++) {
            otherSegment.protect(msg("s"));
        }
        assertRejected(Reason.CROSS_SEGMENT, b, otherSegment.protect(msg("s")));
        // an authentic but expired message with sequence number 3
        ProtectedChannel sameKeys = channel(7, 1, k1, k2, stream());
        sameKeys.protect(msg("s1"));
        sameKeys.protect(msg("s2"));
        clock.advance(-31_000);
        byte[] expired3 = sameKeys.protect(msg("s3"));
        clock.advance(31_000);
        assertRejected(Reason.EXPIRED, b, expired3);

        assertArrayEquals(msg("1"), b.open(genuine1));
        assertArrayEquals(msg("2"), b.open(genuine2));
        assertRejected(Reason.REPLAYED, b, genuine2);
        assertRejected(Reason.REORDERED, b, genuine1);
        assertArrayEquals(msg("3"), b.open(a.protect(msg("3"))));
    }

    @Test
    public void concurrentSendersNeverReuseASequenceNumber() throws Exception {
        ProtectedChannel a = a(ChannelOptions.datagram("zone-a", clock));
        ProtectedChannel b = b(new ChannelOptions("zone-a", 1024, Duration.ofSeconds(2), clock));
        ConcurrentLinkedQueue<byte[]> wires = new ConcurrentLinkedQueue<>();
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 200; i++) {
                    wires.add(a.protect(msg("m")));
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        Set<Long> seqs = new HashSet<>();
        for (byte[] w : wires) {
            assertTrue(seqs.add(Bytes.getLong(w, 13)));
            b.open(w); // any arrival order within 1024
        }
        assertEquals(800, seqs.size());
    }
}
