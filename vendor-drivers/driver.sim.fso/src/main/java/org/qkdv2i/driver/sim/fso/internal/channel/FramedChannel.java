package org.qkdv2i.driver.sim.fso.internal.channel;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.util.Objects;

/**
 * The classical channel between Alice and Bob: TCP, one frame per protocol message:
 * {@code type (1 byte) | length (4 bytes) | payload | tag}. The tag covers type, length and
 * payload ({@link MessageAuthenticator}); a frame whose tag fails, or whose type is not the one
 * the protocol expects next, ends the channel.
 */
public final class FramedChannel implements Closeable {

    /** Largest payload accepted: bounds what a broken or hostile peer can make us allocate. */
    public static final int MAX_PAYLOAD = 64 << 20;

    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final MessageAuthenticator auth;
    private final boolean alice;
    private MessageAuthenticator.Transcript transcript;

    /** @param alice whether this end is Alice (orders the transcript authentication) */
    public FramedChannel(Socket socket, MessageAuthenticator auth, boolean alice) throws IOException {
        this.alice = alice;
        this.socket = Objects.requireNonNull(socket, "socket");
        this.auth = Objects.requireNonNull(auth, "auth");
        socket.setTcpNoDelay(true);
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
        this.out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16));
        this.transcript = auth.transcript();
    }

    public void send(MessageType type, byte[] payload) throws IOException {
        byte[] header = { (byte) type.code, (byte) (payload.length >>> 24), (byte) (payload.length >>> 16),
                (byte) (payload.length >>> 8), (byte) payload.length };
        byte[] tag;
        if (type.untagged()) {
            if (type.deferred()) {
                record(alice, header, payload);
            }
            tag = new byte[0];
        } else {
            tag = auth.tag(concat(header, payload));
        }
        out.write(header);
        out.write(payload);
        out.write(tag);
        out.flush();
    }

    /** Reads the next frame; it must be of type {@code expected}. */
    public byte[] receive(MessageType expected) throws IOException {
        int code = in.readUnsignedByte();
        int length = in.readInt();
        if (length < 0 || length > MAX_PAYLOAD) {
            throw new IOException("classical frame of " + length + " bytes refused");
        }
        byte[] payload = new byte[length];
        in.readFully(payload);
        MessageType type = MessageType.of(code);
        byte[] header = { (byte) code, (byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8),
                (byte) length };
        if (type.untagged()) {
            if (type.deferred()) {
                record(!alice, header, payload);
            }
        } else {
            byte[] tag = new byte[auth.tagBytes()];
            in.readFully(tag);
            auth.verify(concat(header, payload), tag);
        }
        if (type == MessageType.ABORT && expected != MessageType.ABORT) {
            throw new PeerAbortException(new String(payload, java.nio.charset.StandardCharsets.UTF_8));
        }
        if (type != expected) {
            throw new IOException("expected " + expected + " from the peer, got " + type);
        }
        return payload;
    }

    private void record(boolean fromAlice, byte[] header, byte[] payload) {
        if (header[0] == MessageType.ROUND.code) {
            // a round starts a transcript of its own: an unfinished round's frames are dropped unauthenticated
            transcript = auth.transcript();
        }
        transcript.add(fromAlice, header, payload);
    }

    /**
     * Authenticates every deferred frame since the round began: Alice sends a Wegman–Carter tag
     * over the transcript, Bob checks it and answers with his own; either end stops at a mismatch.
     */
    public void authenticateTranscript() throws IOException {
        MessageAuthenticator.Transcript t = transcript;
        transcript = auth.transcript();
        if (alice) {
            send(MessageType.TRANSCRIPT, t.tag());
            t.verify(receive(MessageType.TRANSCRIPT));
        } else {
            t.verify(receive(MessageType.TRANSCRIPT));
            send(MessageType.TRANSCRIPT, t.tag());
        }
    }

    public MessageAuthenticator authenticator() {
        return auth;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** The peer ended the round protocol with a reason. */
    public static final class PeerAbortException extends IOException {
        private static final long serialVersionUID = 1L;

        public PeerAbortException(String reason) {
            super(reason);
        }
    }
}
