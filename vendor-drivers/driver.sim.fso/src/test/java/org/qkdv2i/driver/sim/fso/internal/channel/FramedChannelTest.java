package org.qkdv2i.driver.sim.fso.internal.channel;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.qkdv2i.driver.sim.fso.internal.sim.QubitBatchCodecAccess;

/** The classical channel refuses forged, replayed and reordered frames, one by one or through the transcript. */
public class FramedChannelTest {

    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();
    private ServerSocket server;
    private Socket aliceSocket, bobSocket;

    @Before
    public void connect() throws Exception {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        aliceSocket = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
        bobSocket = server.accept();
    }

    @After
    public void close() throws Exception {
        aliceSocket.close();
        bobSocket.close();
        server.close();
    }

    private PadAuthenticator wc(boolean alice) throws IOException {
        return PadFixtures.end(tmp, PadFixtures.psk(64, 7), alice);
    }

    /** A frame as FramedChannel writes it, tagged by {@code auth}. */
    private static byte[] frame(MessageType t, byte[] payload, MessageAuthenticator auth) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.writeByte(t.code);
        d.writeInt(payload.length);
        d.write(payload);
        byte[] headerAndPayload = b.toByteArray();
        if (!t.untagged()) {
            d.write(auth.tag(headerAndPayload));
        }
        return b.toByteArray();
    }

    @Test
    public void authenticFramesPassForgedAndReplayedOnesDoNot() throws Exception {
        PadAuthenticator aliceAuth = wc(true);
        FramedChannel bob = new FramedChannel(bobSocket, wc(false), false);
        OutputStream raw = aliceSocket.getOutputStream();
        byte[] good = frame(MessageType.VERIFY, new byte[] { 1, 2, 3 }, aliceAuth);
        raw.write(good);
        raw.flush();
        assertArrayEquals(new byte[] { 1, 2, 3 }, bob.receive(MessageType.VERIFY));
        // replay of the same bytes: the pad index bound into the tag has moved on
        raw.write(good);
        raw.flush();
        try {
            bob.receive(MessageType.VERIFY);
            fail("replayed frame accepted");
        } catch (IOException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("Wegman-Carter"));
        }
    }

    @Test
    public void aFlippedPayloadBitIsRefused() throws Exception {
        PadAuthenticator aliceAuth = wc(true);
        FramedChannel bob = new FramedChannel(bobSocket, wc(false), false);
        byte[] f = frame(MessageType.AMPLIFY, new byte[] { 0, 1, 2, 3, 4 }, aliceAuth);
        f[6] ^= 1; // inside the payload
        aliceSocket.getOutputStream().write(f);
        try {
            bob.receive(MessageType.AMPLIFY);
            fail("forged frame accepted");
        } catch (IOException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("authentication"));
        }
    }

    @Test
    public void tamperedReconciliationIsCaughtByTheTranscriptTag() throws Exception {
        tamperedFrameIsCaughtByTheTranscriptTag(MessageType.RECONCILE);
    }

    /** The round's messages before the decision carry no tag of their own: the transcript covers them. */
    @Test
    public void aTamperedDecisionIsCaughtByTheTranscriptTag() throws Exception {
        tamperedFrameIsCaughtByTheTranscriptTag(MessageType.DECISION);
    }

    private void tamperedFrameIsCaughtByTheTranscriptTag(MessageType frame) throws Exception {
        // Alice's real channel writes into a relay that flips one bit of the first frame's payload
        try (ServerSocket relay = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket toRelay = new Socket(InetAddress.getLoopbackAddress(), relay.getLocalPort());
                Socket relayIn = relay.accept()) {
            FramedChannel alice = new FramedChannel(toRelay, wc(true), true);
            FramedChannel bob = new FramedChannel(bobSocket, wc(false), false);
            Thread pump = new Thread(() -> {
                try {
                    DataInputStream in = new DataInputStream(relayIn.getInputStream());
                    OutputStream out = aliceSocket.getOutputStream();
                    int type = in.readUnsignedByte();
                    int len = in.readInt();
                    byte[] p = new byte[len];
                    in.readFully(p);
                    p[0] ^= 1;
                    DataOutputStream d = new DataOutputStream(out);
                    d.writeByte(type);
                    d.writeInt(len);
                    d.write(p);
                    d.flush();
                    in.transferTo(out);
                } catch (IOException ignored) {
                    // test ends
                }
            });
            pump.setDaemon(true);
            pump.start();
            alice.send(frame, new byte[] { 8, 9 });
            assertArrayEquals(new byte[] { 9, 9 }, bob.receive(frame)); // untagged: arrives altered
            Thread aliceSide = new Thread(() -> {
                try {
                    alice.authenticateTranscript();
                } catch (IOException ignored) {
                    // Bob hangs up
                }
            });
            aliceSide.setDaemon(true);
            aliceSide.start();
            try {
                bob.authenticateTranscript();
                fail("altered reconciliation transcript accepted");
            } catch (IOException e) {
                assertTrue(e.getMessage(), e.getMessage().contains("authentication"));
            }
            bobSocket.close();
            toRelay.close(); // ends Alice's wait for Bob's transcript tag
            aliceSide.join(10_000);
            assertTrue(!aliceSide.isAlive());
        }
    }

    @Test
    public void oversizedAndUnknownFramesAreRefusedWithAReason() throws Exception {
        FramedChannel bob = new FramedChannel(bobSocket, wc(false), false);
        DataOutputStream d = new DataOutputStream(aliceSocket.getOutputStream());
        d.writeByte(MessageType.CLICKS.code);
        d.writeInt(FramedChannel.MAX_PAYLOAD + 1);
        d.flush();
        try {
            bob.receive(MessageType.CLICKS);
            fail();
        } catch (IOException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("refused"));
        }
    }

    @Test
    public void qubitBatchesSurviveTheWireAndMalformedOnesAreRefused() throws Exception {
        byte[] wire = QubitBatchCodecAccess.sampleWire();
        InputStream in = new java.io.ByteArrayInputStream(wire);
        assertEquals(3, QubitBatchCodecAccess.decodedSize(new DataInputStream(in)));
        wire[20] = (byte) 0x7F; // arrival count now larger than the pulse count
        try {
            QubitBatchCodecAccess.decodedSize(new DataInputStream(new java.io.ByteArrayInputStream(wire)));
            fail();
        } catch (IOException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("malformed"));
        }
    }
}
