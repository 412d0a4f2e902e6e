package org.qkdv2i.dpn.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import org.junit.After;
import org.junit.Test;
import org.qkdv2i.dpn.internal.TestNet.Node;
import org.qkdv2i.zap.api.DauKind;
import org.qkdv2i.zap.api.DeviceRole;

/** Raw sockets sending what a DPN endpoint must refuse: it closes, logs one line, and keeps serving. */
public class BadInputTest {

    private final TestNet net = new TestNet();

    @After
    public void tearDown() {
        net.close();
    }

    /** Reads until the server closes; fails if it does not within 10 s. Returns the bytes read. */
    private static byte[] readUntilClosed(Socket s) throws IOException {
        s.setSoTimeout(10_000);
        InputStream in = s.getInputStream();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        int n;
        while ((n = in.read(buf)) >= 0) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    private void stillServes(Node bs, Node rsu) throws Exception {
        assertTrue(bs.endpoint.connect(rsu.endpoint.listenAddress(), rsu.dau.id()).isOpen());
    }

    @Test
    public void notADpnPeerIsClosed() throws Exception {
        Node bs = net.fake("bs-E", DeviceRole.BASE_STATION, DauKind.DAU_N, "z");
        Node rsu = net.fake("rsu-7", DeviceRole.RSU, DauKind.DAU_N, "z");
        try (Socket s = new Socket(rsu.endpoint.listenAddress().getAddress(), rsu.endpoint.listenAddress().getPort())) {
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals(0, readUntilClosed(s).length);
        }
        stillServes(bs, rsu);
    }

    @Test
    public void anOversizedFrameIsClosedBeforeItIsRead() throws Exception {
        Node bs = net.fake("bs-E", DeviceRole.BASE_STATION, DauKind.DAU_N, "z");
        Node rsu = net.fake("rsu-7", DeviceRole.RSU, DauKind.DAU_N, "z");
        try (Socket s = new Socket(rsu.endpoint.listenAddress().getAddress(), rsu.endpoint.listenAddress().getPort())) {
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeInt(Integer.MAX_VALUE);
            out.writeByte(Frames.HELLO);
            out.flush();
            assertEquals(0, readUntilClosed(s).length);
        }
        stillServes(bs, rsu);
    }

    @Test
    public void aSilentPeerIsClosedAfterTheSetUpTimeout() throws Exception {
        Node bs = net.fake("bs-E", DeviceRole.BASE_STATION, DauKind.DAU_N, "z");
        Node rsu = net.fake("rsu-7", DeviceRole.RSU, "z", Settings.of("rsu-7").withLimits(65536, 300));
        try (Socket s = new Socket(rsu.endpoint.listenAddress().getAddress(), rsu.endpoint.listenAddress().getPort())) {
            long t0 = System.nanoTime();
            assertEquals(0, readUntilClosed(s).length);
            assertTrue("closed by the server's timeout", System.nanoTime() - t0 < 9_000_000_000L);
        }
        stillServes(bs, rsu);
    }

    @Test
    public void stopDoesNotWaitForASilentPeersSetUp() throws Exception {
        Node rsu = net.fake("rsu-7", DeviceRole.RSU, "z", Settings.of("rsu-7").withLimits(65536, 30_000));
        try (Socket s = new Socket(rsu.endpoint.listenAddress().getAddress(), rsu.endpoint.listenAddress().getPort())) {
            s.getOutputStream().write(new byte[] {0, 0}); // half a frame header, then silence
            s.getOutputStream().flush();
            TestNet.await("set-up in progress", () -> rsu.endpoint.settingUpCount() == 1);
            long t0 = System.nanoTime();
            rsu.endpoint.stop();
            assertTrue("stop took " + (System.nanoTime() - t0) / 1_000_000 + " ms",
                    System.nanoTime() - t0 < 3_000_000_000L);
            assertEquals(0, readUntilClosed(s).length);
        }
    }

    @Test
    public void garbageUnitAuthenticationGetsAnErrorFrameAndIsClosed() throws Exception {
        Node bs = net.fake("bs-E", DeviceRole.BASE_STATION, DauKind.DAU_N, "z");
        Node rsu = net.fake("rsu-7", DeviceRole.RSU, DauKind.DAU_N, "z");
        try (Socket s = new Socket(rsu.endpoint.listenAddress().getAddress(), rsu.endpoint.listenAddress().getPort())) {
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            Frames.write(out, Frames.HELLO, ByteBuffer.allocate(21).put(Frames.MAGIC).put(Frames.VERSION)
                    .put(HexFormat.of().parseHex(rsu.dau.id().value())).array());
            Frames.write(out, Frames.AUTH, new byte[] {9, 9, 9});
            DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(readUntilClosed(s)));
            Frames.Frame f = Frames.read(in, t -> t == Frames.ERROR ? Frames.ERROR_LIMIT : 0);
            assertEquals(Frames.ERROR, f.type());
            String text = new String(f.body(), 1, f.body().length - 1, StandardCharsets.UTF_8);
            assertTrue(text, text.contains("PROTOCOL"));
            assertTrue("no stack trace goes to the peer", !text.contains("at org."));
        }
        stillServes(bs, rsu);
    }

    @Test
    public void aWrongProtocolVersionIsRefused() throws Exception {
        Node bs = net.fake("bs-E", DeviceRole.BASE_STATION, DauKind.DAU_N, "z");
        Node rsu = net.fake("rsu-7", DeviceRole.RSU, DauKind.DAU_N, "z");
        try (Socket s = new Socket(rsu.endpoint.listenAddress().getAddress(), rsu.endpoint.listenAddress().getPort())) {
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            Frames.write(out, Frames.HELLO, ByteBuffer.allocate(21).put(Frames.MAGIC).put((byte) 7)
                    .put(HexFormat.of().parseHex(rsu.dau.id().value())).array());
            DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(readUntilClosed(s)));
            Frames.Frame f = Frames.read(in, t -> t == Frames.ERROR ? Frames.ERROR_LIMIT : 0);
            String text = new String(f.body(), 1, f.body().length - 1, StandardCharsets.UTF_8);
            assertTrue(text, text.contains("version 7"));
        }
        stillServes(bs, rsu);
    }
}
