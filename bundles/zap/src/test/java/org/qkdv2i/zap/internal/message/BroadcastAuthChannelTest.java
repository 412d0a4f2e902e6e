package org.qkdv2i.zap.internal.message;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.qkdv2i.zap.internal.message.Rejections.assertRejected;
import static org.qkdv2i.zap.internal.message.Rejections.flip;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.bouncycastle.crypto.macs.KMAC;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.After;
import org.junit.Test;
import org.qkdv2i.zap.api.ChannelOptions;
import org.qkdv2i.zap.api.MessageRejectedException.Reason;
import org.qkdv2i.zap.api.ProtectedChannel;

public class BroadcastAuthChannelTest {

    private static final long T0 = 1_800_000_000_000L;

    private final MessageProtectionComponent protection = new MessageProtectionComponent();
    private final TestClock clock = new TestClock(T0);
    private final byte[] groupKey = new byte[32];
    private final List<ProtectedChannel> opened = new ArrayList<>();

    {
        for (int i = 0; i < 32; i++) {
            groupKey[i] = (byte) (0xA0 + i);
        }
    }

    private ProtectedChannel channel(byte[] key, ChannelOptions options) {
        ProtectedChannel c = protection.broadcastAuthentication(key, options);
        opened.add(c);
        return c;
    }

    private ProtectedChannel channel() {
        return channel(groupKey, ChannelOptions.datagram("corridor-3", clock));
    }

    @After
    public void closeAll() {
        opened.forEach(ProtectedChannel::close);
    }

    private static byte[] msg(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    public void payloadTravelsInClearWithAKmac256TagAnyoneInTheGroupVerifies() throws Exception {
        ProtectedChannel rsu = channel();
        byte[] payload = msg("SPaT: phase 2 green for 12 s");
        byte[] wire = rsu.protect(payload);
        assertEquals(BroadcastAuthChannel.HEADER + payload.length + BroadcastAuthChannel.TAG, wire.length);
        assertArrayEquals(payload, Arrays.copyOfRange(wire, BroadcastAuthChannel.HEADER, BroadcastAuthChannel.HEADER + payload.length));

        // the tag, recomputed from the documented construction
        KMAC kmac = new KMAC(256, msg("qkdv2i/broadcast/v1"));
        kmac.init(new KeyParameter(groupKey));
        kmac.update(wire, 0, BroadcastAuthChannel.HEADER);
        byte[] segment = msg("corridor-3");
        byte[] len = new byte[4];
        Bytes.putInt(len, 0, segment.length);
        kmac.update(len, 0, 4);
        kmac.update(segment, 0, segment.length);
        kmac.update(payload, 0, payload.length);
        byte[] tag = new byte[32];
        kmac.doFinal(tag, 0, 32);
        assertArrayEquals(tag, Arrays.copyOfRange(wire, wire.length - 32, wire.length));

        assertArrayEquals(payload, channel().open(wire));
        assertArrayEquals(payload, channel().open(wire)); // every receiver of the group
    }

    @Test
    public void severalSendersKeepSeparateReplayWindows() throws Exception {
        ProtectedChannel rsu1 = channel();
        ProtectedChannel rsu2 = channel();
        ProtectedChannel vehicle = channel();
        byte[] a1 = rsu1.protect(msg("a1"));
        byte[] b1 = rsu2.protect(msg("b1"));
        assertArrayEquals(msg("a1"), vehicle.open(a1));
        assertArrayEquals(msg("b1"), vehicle.open(b1)); // also seq 1, another sender
        assertRejected(Reason.REPLAYED, vehicle, a1);
        assertRejected(Reason.REPLAYED, vehicle, b1);
        assertRejected(Reason.REPLAYED, rsu1, rsu1.protect(msg("reflected")));
    }

    @Test
    public void everyAlteredByteIsTamperedAndAnotherGroupKeyToo() throws Exception {
        ProtectedChannel rsu = channel();
        ProtectedChannel vehicle = channel();
        byte[] wire = rsu.protect(msg("hazard"));
        for (int i = 1; i < wire.length; i++) {
            if (i >= 25 && i < 29) {
                continue; // segment tag
            }
            assertRejected(Reason.TAMPERED, vehicle, flip(wire, i));
        }
        byte[] otherKey = groupKey.clone();
        otherKey[0] ^= 1;
        assertRejected(Reason.TAMPERED, vehicle, channel(otherKey, ChannelOptions.datagram("corridor-3", clock)).protect(msg("x")));
        assertArrayEquals(msg("hazard"), vehicle.open(wire));
    }

    @Test
    public void reorderedExpiredCrossSegmentMalformedAndClosed() throws Exception {
        ProtectedChannel rsu = channel();
        ProtectedChannel vehicle = channel();
        byte[][] m = new byte[66][];
        for (int i = 0; i < m.length; i++) {
            m[i] = rsu.protect(msg("m" + i));
        }
        vehicle.open(m[65]);
        assertRejected(Reason.REORDERED, vehicle, m[0]);
        vehicle.open(m[1]);

        byte[] later = rsu.protect(msg("later"));
        clock.advance(2_001);
        assertRejected(Reason.EXPIRED, vehicle, later);

        ProtectedChannel otherSegment = channel(groupKey, ChannelOptions.datagram("corridor-4", clock));
        assertRejected(Reason.CROSS_SEGMENT, vehicle, otherSegment.protect(msg("x")));

        assertRejected(Reason.MALFORMED, vehicle, new byte[BroadcastAuthChannel.HEADER + BroadcastAuthChannel.TAG - 1]);
        assertRejected(Reason.MALFORMED, vehicle, flip(later, 0));

        clock.advance(-2_001);
        assertArrayEquals(msg("later"), vehicle.open(later)); // the EXPIRED refusal recorded nothing
        vehicle.close();
        assertRejected(Reason.CLOSED, vehicle, rsu.protect(msg("y")));
        rsu.close();
        try {
            rsu.protect(msg("z"));
            fail("protect on a closed channel");
        } catch (IllegalStateException expected) {
            assertTrue(expected.getMessage().contains("closed"));
        }
    }

    @Test
    public void rejectedMessagesLeaveTheChannelStateUnchanged() throws Exception {
        ProtectedChannel rsu = channel(groupKey, ChannelOptions.stream("corridor-3", clock));
        ProtectedChannel vehicle = channel(groupKey, ChannelOptions.stream("corridor-3", clock));
        byte[] m1 = rsu.protect(msg("1"));
        byte[] m2 = rsu.protect(msg("2"));
        byte[] forged = m2.clone();
        Bytes.putLong(forged, 9, 1_000_000); // high sequence number, tag no longer matches
        assertRejected(Reason.TAMPERED, vehicle, forged);
        assertArrayEquals(msg("1"), vehicle.open(m1));
        assertArrayEquals(msg("2"), vehicle.open(m2));
        assertRejected(Reason.REORDERED, vehicle, m1);
    }
}
