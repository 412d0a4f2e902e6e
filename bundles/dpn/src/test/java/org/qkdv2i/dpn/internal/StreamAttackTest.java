package org.qkdv2i.dpn.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.After;
import org.junit.Test;
import org.qkdv2i.dpn.api.DpnSession;
import org.qkdv2i.dpn.internal.TestNet.Node;
import org.qkdv2i.zap.api.DauKind;
import org.qkdv2i.zap.api.DeviceRole;
import org.qkdv2i.zap.api.MessageRejectedException.Reason;

/**
 * A man in the middle on the DPN's TCP stream: tampered, replayed, reordered, expired and
 * spliced (from another zone's session) messages are refused with their reason counted (and logged), nothing of
 * them reaches the handler, and the genuine messages around them still do.
 */
public class StreamAttackTest {

    private final TestNet net = new TestNet();
    private FrameProxy proxy;
    private FrameProxy proxy2;

    @After
    public void tearDown() {
        if (proxy != null) {
            proxy.close();
        }
        if (proxy2 != null) {
            proxy2.close();
        }
        net.close();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(TestNet.Received r) {
        return new String(r.payload(), StandardCharsets.UTF_8);
    }

    private static byte[] last(FrameProxy p) {
        for (int i = p.forwarded.size() - 1; i >= 0; i--) {
            if (p.forwarded.get(i).type() == Frames.DATA) {
                return p.forwarded.get(i).body();
            }
        }
        throw new AssertionError("no DATA frame forwarded");
    }

    @Test
    public void refusedMessagesAreCountedAndTheSessionCarriesOn() throws Exception {
        Node bs = net.fake("bs-E", DeviceRole.BASE_STATION, DauKind.DAU_N, "zone-1");
        Node rsu = net.fake("rsu-7", DeviceRole.RSU, DauKind.DAU_N, "zone-1");
        proxy = new FrameProxy(rsu.endpoint.listenAddress());
        DpnSession s = bs.endpoint.connect(proxy.address(), rsu.dau.id());

        s.send(utf8("m0"));
        assertEquals("m0", text(rsu.next()));
        byte[] m0 = last(proxy);

        // tampered: one bit of the ciphertext flipped
        proxy.onData = body -> {
            byte[] b = body.clone();
            b[b.length - 1] ^= 1; // in the GCM tag
            return b;
        };
        s.send(utf8("m1"));
        TestNet.await("TAMPERED counted", () -> rsu.endpoint.rejected(Reason.TAMPERED) == 1);
        proxy.onData = body -> body;

        // replayed: m0 again
        proxy.inject(Frames.DATA, m0);
        TestNet.await("REPLAYED counted", () -> rsu.endpoint.rejected(Reason.REPLAYED) == 1);

        // reordered: m2 held back until m3 passed
        AtomicReference<byte[]> held = new AtomicReference<>();
        proxy.onData = body -> {
            held.set(body);
            return null;
        };
        s.send(utf8("m2"));
        TestNet.await("m2 held", () -> held.get() != null);
        proxy.onData = body -> body;
        s.send(utf8("m3"));
        assertEquals("m3", text(rsu.next()));
        proxy.inject(Frames.DATA, held.get());
        TestNet.await("REORDERED counted", () -> rsu.endpoint.rejected(Reason.REORDERED) == 1);

        // expired: m4 held while 31 s pass (stream channels accept 30 s)
        held.set(null);
        proxy.onData = body -> {
            held.set(body);
            return null;
        };
        s.send(utf8("m4"));
        TestNet.await("m4 held", () -> held.get() != null);
        proxy.onData = body -> body;
        net.clock.advance(Duration.ofSeconds(31));
        proxy.inject(Frames.DATA, held.get());
        TestNet.await("EXPIRED counted", () -> rsu.endpoint.rejected(Reason.EXPIRED) == 1);

        // a message of a session in another zone spliced into this stream: refused before its
        // segment is even looked at, since it is under another channel's keys (TAMPERED); the
        // segment binding itself shows on the air in Figure4FlowTest (CROSS_SEGMENT)
        Node bs2 = net.fake("bs-X", DeviceRole.BASE_STATION, DauKind.DAU_N, "zone-2");
        Node rsu2 = net.fake("rsu-X", DeviceRole.RSU, DauKind.DAU_N, "zone-2");
        proxy2 = new FrameProxy(rsu2.endpoint.listenAddress());
        DpnSession other = bs2.endpoint.connect(proxy2.address(), rsu2.dau.id());
        other.send(utf8("elsewhere"));
        assertEquals("elsewhere", text(rsu2.next()));
        proxy.inject(Frames.DATA, last(proxy2));
        TestNet.await("spliced message refused", () -> rsu.endpoint.rejected(Reason.TAMPERED) == 2);

        // nothing refused reached the handler; the session still works
        s.send(utf8("m5"));
        assertEquals("m5", text(rsu.next()));
        assertTrue(rsu.inbox.isEmpty());
        assertTrue(s.isOpen());
    }

    @Test
    public void aStreamOfForgeriesClosesTheSession() throws Exception {
        Node bs = net.fake("bs-E", DeviceRole.BASE_STATION, DauKind.DAU_N, "z");
        Node rsu = net.fake("rsu-7", DeviceRole.RSU, DauKind.DAU_N, "z");
        proxy = new FrameProxy(rsu.endpoint.listenAddress());
        DpnSession s = bs.endpoint.connect(proxy.address(), rsu.dau.id());
        s.send(utf8("m0"));
        DpnSession atRsu = rsu.next().session();
        byte[] m0 = last(proxy);
        for (int i = 0; i < rsu.endpoint.settings().maxRejectedInARow(); i++) {
            proxy.inject(Frames.DATA, m0);
        }
        TestNet.await("closed after maxRejectedInARow refusals", () -> !atRsu.isOpen());
        TestNet.await("closed at the base station too", () -> !s.isOpen());
    }

    @Test
    public void anOversizedDataFrameClosesTheSession() throws Exception {
        Node bs = net.fake("bs-E", DeviceRole.BASE_STATION, DauKind.DAU_N, "z");
        Node rsu = net.fake("rsu-7", DeviceRole.RSU, "z", Settings.of("rsu-7").withLimits(1000, 5000));
        proxy = new FrameProxy(rsu.endpoint.listenAddress());
        DpnSession s = bs.endpoint.connect(proxy.address(), rsu.dau.id());
        s.send(utf8("m0"));
        DpnSession atRsu = rsu.next().session();
        proxy.inject(Frames.DATA, new byte[rsu.endpoint.dataFrameLimit() + 1]);
        TestNet.await("closed", () -> !atRsu.isOpen());
    }
}
