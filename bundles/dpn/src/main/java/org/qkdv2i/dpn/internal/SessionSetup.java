package org.qkdv2i.dpn.internal;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;

import org.qkdv2i.dpn.api.DpnException;
import org.qkdv2i.kmm.api.Key;
import org.qkdv2i.zap.api.AuthenticatedPeer;
import org.qkdv2i.zap.api.AuthenticationException;
import org.qkdv2i.zap.api.ChannelOptions;
import org.qkdv2i.zap.api.DeviceId;
import org.qkdv2i.zap.api.IdentityRecord;
import org.qkdv2i.zap.api.MessageRejectedException;
import org.qkdv2i.zap.api.ProtectedChannel;
import org.qkdv2i.zap.api.UnitAuthentication;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DPN session set-up over one TCP connection:
 *
 * <pre>
 * I -> R  HELLO  "QDPN" | version | expected responder ID (16 B)
 * I <-> R AUTH   ZAP unit authentication messages until both have an AuthenticatedPeer
 *         (each side then checks revocation and its policy; a refusal is an ERROR frame)
 * I -> R  SETUP  flags | [master SAE ID | QKD key ID]     (bound into the key derivation)
 *         both: salt = SHA-256(label, ZAP transcript hash, HELLO, SETUP);
 *               keys = HKDF(ZAP secret [|| QKD key], salt, "qkdv2i/dpn/session/v1" | IDs | 0)
 * R -> I  DATA   CONFIRM(responder)  protected with the new keys: key confirmation
 * I -> R  DATA   CONFIRM(initiator)
 * </pre>
 * Every read has the set-up timeout; every frame has a size limit by type. A refusal or
 * bad input ends the set-up with one log line naming the peer and the cause.
 */
final class SessionSetup {

    private static final Logger LOG = LoggerFactory.getLogger(SessionSetup.class);

    private final Endpoint endpoint;

    SessionSetup(Endpoint endpoint) {
        this.endpoint = endpoint;
    }

    /** A refusal to report to the peer (ERROR frame) and to the caller / log. */
    private static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        final DpnException.Reason reason;
        final boolean fromPeer;

        Refused(DpnException.Reason reason, String message, boolean fromPeer) {
            super(message);
            this.reason = reason;
            this.fromPeer = fromPeer;
        }
    }

    // ------------------------------------------------------------------ initiator

    Session initiate(InetSocketAddress address, DeviceId expected) throws DpnException {
        Settings st = endpoint.settings();
        int timeout = st.sessionSetupTimeoutMillis();
        long deadline = System.nanoTime() + timeout * 1_000_000L;
        String who = expected + " at " + address;
        Socket socket = new Socket();
        endpoint.settingUp(socket, true);
        Key qkd = null;
        try {
            socket.connect(address, timeout);
            socket.setSoTimeout(timeout);
            socket.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
            byte[] hello = ByteBuffer.allocate(21).put(Frames.MAGIC).put(Frames.VERSION)
                    .put(KeySchedule.idBytes(expected)).array();
            Frames.write(out, Frames.HELLO, hello);

            AuthenticatedPeer ap;
            try (UnitAuthentication auth = endpoint.dau().initiate(expected)) {
                Frames.write(out, Frames.AUTH, auth.firstMessage()
                        .orElseThrow(() -> new IllegalStateException("ZAP initiator without a first message")));
                ap = runAuth(auth, in, out, deadline);
            }
            IdentityRecord local = endpoint.dau().identityRecord();
            IdentityRecord peer = ap.peer();
            who = peer.name() + " (" + peer.id() + ") at " + address;
            try {
                if (!peer.id().equals(expected)) {
                    throw new Refused(DpnException.Reason.AUTHENTICATION_FAILED,
                            "authenticated as " + peer.id() + ", expected " + expected, false);
                }
                checkPeer(local, peer, true);
                String peerSae = null;
                if (endpoint.quantumPair(local, peer)) {
                    peerSae = st.peerSaeId(peer.id().value(), peer.name());
                    try {
                        qkd = endpoint.newQuantumKey("session set-up with " + who, peerSae);
                    } catch (DpnException e) {
                        throw new Refused(e.reason(), e.getMessage(), false);
                    }
                }
                byte[] setupBody = setupBody(qkd, st.qkdSaeId());
                Frames.write(out, Frames.SETUP, setupBody);

                byte[] transcript = KeySchedule.transcriptHash(ap.transcriptHash(), hello, setupBody);
                Session s = establish(socket, in, out, ap, qkd, transcript, true, peerSae, deadline);
                socket.setSoTimeout(0);
                return s;
            } catch (Refused r) {
                if (!r.fromPeer) {
                    sendError(out, r.reason, r.getMessage());
                }
                throw r;
            } finally {
                ap.secret().destroy();
            }
        } catch (Refused r) {
            Endpoint.closeQuietly(socket);
            String line = "session set-up to " + who + " refused" + (r.fromPeer ? " by the peer" : "") + ": "
                    + r.reason + ": " + r.getMessage();
            LOG.warn("dpn {}: {}", endpoint.name(), line);
            endpoint.refusedSetUp(r.reason);
            throw new DpnException(r.reason, line);
        } catch (AuthenticationException e) {
            Endpoint.closeQuietly(socket);
            DpnException.Reason reason = e.reason() == AuthenticationException.Reason.REVOKED
                    ? DpnException.Reason.REVOKED : DpnException.Reason.AUTHENTICATION_FAILED;
            String line = "session set-up to " + who + " failed: unit authentication " + e.reason() + ": "
                    + e.getMessage();
            LOG.warn("dpn {}: {}", endpoint.name(), line);
            endpoint.refusedSetUp(reason);
            throw new DpnException(reason, line);
        } catch (ProtocolException e) {
            Endpoint.closeQuietly(socket);
            String line = "session set-up to " + who + " failed: bad input: " + e.getMessage();
            LOG.warn("dpn {}: {}", endpoint.name(), line);
            endpoint.refusedSetUp(DpnException.Reason.AUTHENTICATION_FAILED);
            throw new DpnException(DpnException.Reason.AUTHENTICATION_FAILED, line);
        } catch (IOException e) {
            Endpoint.closeQuietly(socket);
            String line = "session set-up to " + who + " failed: " + ioCause(e);
            LOG.warn("dpn {}: {}", endpoint.name(), line);
            throw new DpnException(DpnException.Reason.UNREACHABLE, line);
        } catch (IllegalStateException e) {
            // the DAU has no identity (PUF secret not reconstructed) or is stopping
            Endpoint.closeQuietly(socket);
            String line = "session set-up to " + who + " failed: DAU unavailable: " + e.getMessage();
            LOG.warn("dpn {}: {}", endpoint.name(), line);
            endpoint.refusedSetUp(DpnException.Reason.AUTHENTICATION_FAILED);
            throw new DpnException(DpnException.Reason.AUTHENTICATION_FAILED, line);
        } catch (RuntimeException e) {
            Endpoint.closeQuietly(socket);
            throw e;
        } finally {
            endpoint.settingUp(socket, false);
            if (qkd != null) {
                qkd.destroy();
            }
        }
    }

    // ------------------------------------------------------------------ responder

    /** Serves one incoming connection's set-up; null (logged) if it did not become a session. */
    Session respond(Socket socket) {
        Settings st = endpoint.settings();
        long deadline = System.nanoTime() + st.sessionSetupTimeoutMillis() * 1_000_000L;
        String who = String.valueOf(socket.getRemoteSocketAddress());
        DataOutputStream out = null;
        Key qkd = null;
        try {
            socket.setSoTimeout(st.sessionSetupTimeoutMillis());
            socket.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
            byte[] hello = Frames.read(in, t -> t == Frames.HELLO ? Frames.HELLO_LIMIT : 0).body();
            if (hello.length != 21) {
                throw new ProtocolException("not a DPN greeting");
            }
            ByteBuffer h = ByteBuffer.wrap(hello);
            byte[] magic = new byte[4];
            h.get(magic);
            if (!Arrays.equals(magic, Frames.MAGIC)) {
                throw new ProtocolException("not a DPN greeting");
            }
            if (h.get() != Frames.VERSION) {
                throw new Refused(DpnException.Reason.UNREACHABLE, "unsupported DPN protocol version "
                        + (hello[4] & 0xff) + " (this endpoint speaks " + Frames.VERSION + ")", false);
            }
            byte[] wanted = new byte[16];
            h.get(wanted);
            DeviceId expected = new DeviceId(HexFormat.of().formatHex(wanted));
            if (!expected.equals(endpoint.deviceId())) {
                throw new Refused(DpnException.Reason.AUTHENTICATION_FAILED,
                        "peer expects device " + expected + ", this is " + endpoint.deviceId(), false);
            }

            AuthenticatedPeer ap;
            try (UnitAuthentication auth = endpoint.dau().respond()) {
                ap = runAuth(auth, in, out, deadline);
            }
            IdentityRecord local = endpoint.dau().identityRecord();
            IdentityRecord peer = ap.peer();
            who = peer.name() + " (" + peer.id() + ") at " + socket.getRemoteSocketAddress();
            try {
                checkPeer(local, peer, false);
                endpoint.checkRoom();
                byte[] setupBody = readFrame(in, Frames.SETUP, Frames.SETUP_LIMIT, deadline).body();
                String peerSae = null;
                ByteBuffer b = ByteBuffer.wrap(setupBody);
                if (setupBody.length < 1) {
                    throw new ProtocolException("empty SETUP");
                }
                boolean quantum = endpoint.quantumPair(local, peer);
                String configuredPeerSae = quantum ? st.peerSaeId(peer.id().value(), peer.name()) : null;
                if (b.get() == 1) {
                    if (b.remaining() < 1) {
                        throw new ProtocolException("short SETUP");
                    }
                    int saeLen = b.get() & 0xff;
                    if (b.remaining() != saeLen + 16) {
                        throw new ProtocolException("malformed SETUP");
                    }
                    byte[] sae = new byte[saeLen];
                    b.get(sae);
                    UUID keyId = new UUID(b.getLong(), b.getLong());
                    peerSae = new String(sae, StandardCharsets.UTF_8);
                    if (!quantum) {
                        throw new Refused(DpnException.Reason.POLICY_DENIED,
                                "QKD key offered for a pair that is not two base stations", false);
                    }
                    try {
                        qkd = endpoint.quantumKeyById("set-up", configuredPeerSae, peerSae, keyId);
                    } catch (DpnException e) {
                        throw new Refused(e.reason(), e.getMessage(), false);
                    }
                } else if (b.hasRemaining()) {
                    throw new ProtocolException("malformed SETUP");
                } else if (quantum && st.quantumKeyRequired()) {
                    throw new Refused(DpnException.Reason.POLICY_DENIED,
                            "base station pair without a QKD key, and quantumKeyRequired", false);
                } else if (quantum) {
                    peerSae = configuredPeerSae;
                }
                byte[] transcript = KeySchedule.transcriptHash(ap.transcriptHash(), hello, setupBody);
                Session s = establish(socket, in, out, ap, qkd, transcript, false, peerSae, deadline);
                // established: sessions may stay idle indefinitely
                socket.setSoTimeout(0);
                return s;
            } finally {
                ap.secret().destroy();
            }
        } catch (Refused r) {
            if (!r.fromPeer && out != null) {
                sendError(out, r.reason, r.getMessage());
            }
            LOG.warn("dpn {}: session set-up from {} refused{}: {}: {}", endpoint.name(), who,
                    r.fromPeer ? " by the peer" : "", r.reason, r.getMessage());
            endpoint.refusedSetUp(r.reason);
        } catch (DpnException e) {
            if (out != null) {
                sendError(out, e.reason(), e.getMessage());
            }
            LOG.warn("dpn {}: session set-up from {} refused: {}: {}", endpoint.name(), who, e.reason(),
                    e.getMessage());
            endpoint.refusedSetUp(e.reason());
        } catch (AuthenticationException e) {
            if (out != null) {
                sendError(out, e.reason() == AuthenticationException.Reason.REVOKED ? DpnException.Reason.REVOKED
                        : DpnException.Reason.AUTHENTICATION_FAILED, "unit authentication " + e.reason());
            }
            LOG.warn("dpn {}: session set-up from {} refused: unit authentication {}: {}", endpoint.name(), who,
                    e.reason(), e.getMessage());
            endpoint.refusedSetUp(e.reason() == AuthenticationException.Reason.REVOKED ? DpnException.Reason.REVOKED
                    : DpnException.Reason.AUTHENTICATION_FAILED);
        } catch (ProtocolException e) {
            LOG.warn("dpn {}: session set-up from {} closed: bad input: {}", endpoint.name(), who, e.getMessage());
        } catch (IllegalArgumentException e) {
            // e.g. an ID that is not one, from a malformed message
            LOG.warn("dpn {}: session set-up from {} closed: bad input: {}", endpoint.name(), who, e.getMessage());
        } catch (IOException e) {
            if (endpoint.isRunning()) {
                LOG.warn("dpn {}: session set-up from {} failed: {}", endpoint.name(), who, ioCause(e));
            } else {
                LOG.info("dpn {}: session set-up from {} abandoned: endpoint stopping", endpoint.name(), who);
            }
        } catch (IllegalStateException e) {
            if (out != null) {
                sendError(out, DpnException.Reason.AUTHENTICATION_FAILED, "DAU unavailable: " + e.getMessage());
            }
            LOG.warn("dpn {}: session set-up from {} refused: DAU unavailable: {}", endpoint.name(), who,
                    e.getMessage());
            endpoint.refusedSetUp(DpnException.Reason.AUTHENTICATION_FAILED);
        } catch (RuntimeException e) {
            // a bug, not an expected condition: keep the trace, close the connection
            LOG.error("dpn {}: session set-up from {} failed", endpoint.name(), who, e);
        } finally {
            if (qkd != null) {
                qkd.destroy();
            }
        }
        Endpoint.closeQuietly(socket);
        return null;
    }

    // ------------------------------------------------------------------ both

    /** Drives a unit authentication to its result, carrying the messages in AUTH frames. */
    private AuthenticatedPeer runAuth(UnitAuthentication auth, DataInputStream in, DataOutputStream out, long deadline)
            throws IOException, ProtocolException, AuthenticationException, Refused {
        int rounds = 0;
        while (auth.result().isEmpty()) {
            if (++rounds > 16) {
                throw new ProtocolException("unit authentication did not finish in 16 messages");
            }
            byte[] msg = readFrame(in, Frames.AUTH, Frames.AUTH_LIMIT, deadline).body();
            Optional<byte[]> reply;
            try {
                reply = auth.receive(msg);
            } catch (AuthenticationException e) {
                throw e;
            } catch (RuntimeException e) {
                // a DAU implementation that throws on garbage instead of a PROTOCOL failure
                throw new ProtocolException("unit authentication message not understood: " + e);
            }
            if (reply.isPresent()) {
                Frames.write(out, Frames.AUTH, reply.get());
            }
        }
        return auth.result().get();
    }

    /** Reads the expected frame type, or an ERROR frame from the peer (thrown as a refusal). */
    private static Frames.Frame readFrame(DataInputStream in, byte type, int limit, long deadline)
            throws IOException, ProtocolException, Refused {
        if (System.nanoTime() - deadline > 0) {
            throw new SocketTimeoutException("set-up deadline passed");
        }
        Frames.Frame f = Frames.read(in, t -> t == type ? limit : t == Frames.ERROR ? Frames.ERROR_LIMIT : 0);
        if (f.type() == Frames.ERROR) {
            throw peerError(f.body());
        }
        return f;
    }

    /** Revocation and the policy, at either end. */
    private void checkPeer(IdentityRecord local, IdentityRecord peer, boolean localIsInitiator) throws Refused {
        if (endpoint.isRevoked(peer.id())) {
            throw new Refused(DpnException.Reason.REVOKED, "device " + peer.id() + " is revoked", false);
        }
        IdentityRecord initiator = localIsInitiator ? local : peer;
        IdentityRecord responder = localIsInitiator ? peer : local;
        Policy.Decision d = endpoint.policy().check(initiator, responder, localIsInitiator);
        if (!d.allowed()) {
            throw new Refused(DpnException.Reason.POLICY_DENIED, initiator.name() + " (" + initiator.id() + ", "
                    + initiator.role() + ", zone " + initiator.zone() + ") > " + responder.name() + " ("
                    + responder.id() + ", " + responder.role() + ", zone " + responder.zone() + "): " + d.rule(), false);
        }
    }

    /** Keys, channel and key confirmation; the session it returns is not started yet. */
    private Session establish(Socket socket, DataInputStream in, DataOutputStream out, AuthenticatedPeer ap, Key qkd,
            byte[] transcript, boolean initiator, String peerSae, long deadline)
            throws IOException, ProtocolException, Refused {
        IdentityRecord local = endpoint.dau().identityRecord();
        IdentityRecord peer = ap.peer();
        long sessionId = ByteBuffer.wrap(transcript).getLong();
        String segment = Policy.segment(local, peer);
        ChannelOptions options = ChannelOptions.stream(segment, endpoint.clock());
        byte[] secret = ap.secret().bytes();
        byte[] q = qkd == null ? null : qkd.bytes();
        KeySchedule.EpochKeys keys;
        try {
            keys = KeySchedule.initial(secret, q, transcript, local.id(), peer.id());
        } finally {
            Arrays.fill(secret, (byte) 0);
            if (q != null) {
                Arrays.fill(q, (byte) 0);
            }
        }
        boolean localIsLow = local.id().compareTo(peer.id()) < 0;
        ProtectedChannel channel = Session.channel(endpoint, keys, sessionId, localIsLow, options);
        boolean ok = false;
        try {
            byte[] mine = {Session.CONFIRM, (byte) (initiator ? 0 : 1)};
            byte[] theirs = {Session.CONFIRM, (byte) (initiator ? 1 : 0)};
            if (!initiator) {
                Frames.write(out, Frames.DATA, channel.protect(mine));
            }
            byte[] wire = readFrame(in, Frames.DATA, endpoint.dataFrameLimit(), deadline).body();
            byte[] got;
            try {
                got = channel.open(wire);
            } catch (MessageRejectedException e) {
                endpoint.countRejected(e.reason());
                throw new Refused(DpnException.Reason.AUTHENTICATION_FAILED,
                        "key confirmation refused: " + e.reason() + " (the two ends derived different keys)", false);
            }
            if (!Arrays.equals(got, theirs)) {
                throw new ProtocolException("bad key confirmation message");
            }
            if (initiator) {
                Frames.write(out, Frames.DATA, channel.protect(mine));
            }
            ok = true;
            return new Session(endpoint, socket, in, out, local, peer, initiator, segment, sessionId, options, keys,
                    channel, qkd != null, peerSae, ap.postQuantum());
        } finally {
            if (!ok) {
                channel.close();
                keys.close();
            }
        }
    }

    private static byte[] setupBody(Key qkd, String mySae) {
        if (qkd == null) {
            return new byte[] {0};
        }
        byte[] sae = mySae.getBytes(StandardCharsets.UTF_8);
        if (sae.length > 255) {
            throw new IllegalArgumentException("qkdSaeId longer than 255 bytes");
        }
        return ByteBuffer.allocate(2 + sae.length + 16).put((byte) 1).put((byte) sae.length).put(sae)
                .putLong(qkd.id().getMostSignificantBits()).putLong(qkd.id().getLeastSignificantBits()).array();
    }

    private static void sendError(DataOutputStream out, DpnException.Reason reason, String message) {
        byte[] m = message.getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[1 + Math.min(m.length, 512)];
        body[0] = (byte) reason.ordinal();
        System.arraycopy(m, 0, body, 1, body.length - 1);
        try {
            Frames.write(out, Frames.ERROR, body);
        } catch (IOException e) {
            // the peer is gone; the refusal is logged on this side anyway
        }
    }

    private static Refused peerError(byte[] body) {
        DpnException.Reason[] all = DpnException.Reason.values();
        DpnException.Reason reason = body.length > 0 && (body[0] & 0xff) < all.length ? all[body[0] & 0xff]
                : DpnException.Reason.UNREACHABLE;
        String text = body.length > 1 ? new String(body, 1, body.length - 1, StandardCharsets.UTF_8) : "no reason given";
        return new Refused(reason, text.replaceAll("[\\p{Cntrl}]", "?"), true);
    }

    private static String ioCause(IOException e) {
        if (e instanceof EOFException) {
            return "connection closed by the peer";
        }
        if (e instanceof SocketTimeoutException) {
            return "timed out";
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
