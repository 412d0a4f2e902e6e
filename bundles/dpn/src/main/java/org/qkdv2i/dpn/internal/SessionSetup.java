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
import java.security.MessageDigest;
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
import org.qkdv2i.zap.api.DeviceRole;
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
 * Fast transition (RSU to vehicle, {@link FastTransition}): instead of the AUTH frames
 * <pre>
 * I -> R  FT_REQ   R1KH-ID | R0KH-ID | PMKR0Name | ANonce
 * R -> I  FT_RESP  0 | SNonce | MIC_R        (or 1 | reason: the AUTH frames follow, full set-up)
 * I -> R  FT_CONF  MIC_I                     (MICs: KMAC256 under PMK-R1 over the transcript)
 * </pre>
 * then SETUP and key confirmation as above, with the FT secret in place of the ZAP secret. A
 * full RSU-to-vehicle set-up carries the FT element in SETUP (flag 2, the R0 key holder's ID)
 * from which both ends derive the vehicle's PMK-R0.
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

    /** What the authentication stage (ZAP unit authentication or fast transition) yields. */
    private record AuthResult(IdentityRecord peer, byte[] secret, byte[] transcriptHash, boolean postQuantum,
            boolean fast) implements AutoCloseable {
        static AuthResult of(AuthenticatedPeer ap) {
            try {
                return new AuthResult(ap.peer(), ap.secret().bytes(), ap.transcriptHash(), ap.postQuantum(), false);
            } finally {
                ap.secret().destroy();
            }
        }

        @Override
        public void close() {
            Arrays.fill(secret, (byte) 0);
        }
    }

    // ------------------------------------------------------------------ initiator

    /**
     * Opens a session; an RSU tries a fast transition first where its base station holds the
     * vehicle's PMK-R0. A fast transition whose MICs do not verify is refused (logged, counted)
     * and the set-up is run again with the full unit authentication.
     */
    Session initiate(InetSocketAddress address, DeviceId expected) throws DpnException {
        try {
            return initiate(address, expected, true);
        } catch (FastRefused f) {
            LOG.warn("dpn {}: fast transition to {} refused: {}; full unit authentication instead", endpoint.name(),
                    expected, f.getMessage());
            try {
                return initiate(address, expected, false);
            } catch (FastRefused again) {
                throw new IllegalStateException("no fast transition was tried", again);
            }
        }
    }

    /** A fast transition refused for its MICs: the caller retries with a full set-up. */
    private static final class FastRefused extends Exception {
        private static final long serialVersionUID = 1L;

        FastRefused(String message) {
            super(message, null, false, false);
        }
    }

    private Session initiate(InetSocketAddress address, DeviceId expected, boolean tryFast)
            throws DpnException, FastRefused {
        Settings st = endpoint.settings();
        int timeout = st.sessionSetupTimeoutMillis();
        String who = expected + " at " + address;
        IdentityRecord ftPeer = tryFast ? fastCandidate(expected) : null;
        FastTransition.Grant grant = ftPeer == null ? null : fastGrant(expected, who);
        long deadline = System.nanoTime() + timeout * 1_000_000L;
        Socket socket = new Socket();
        endpoint.settingUp(socket, true);
        Key qkd = null;
        boolean fastTried = false;
        try {
            socket.connect(address, timeout);
            socket.setSoTimeout(timeout);
            socket.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
            byte[] hello = ByteBuffer.allocate(21).put(Frames.MAGIC).put(Frames.VERSION)
                    .put(KeySchedule.idBytes(expected)).array();
            Frames.write(out, Frames.HELLO, hello);

            AuthResult auth = null;
            try {
                if (grant != null) {
                    fastTried = true;
                    auth = fastInitiate(in, out, hello, grant, ftPeer, who, deadline);
                }
                if (auth == null) {
                    fastTried = false;
                    try (UnitAuthentication ua = endpoint.dau().initiate(expected)) {
                        Frames.write(out, Frames.AUTH, ua.firstMessage()
                                .orElseThrow(() -> new IllegalStateException("ZAP initiator without a first message")));
                        auth = AuthResult.of(runAuth(ua, in, out, deadline, null));
                    }
                }
            } catch (Refused r) {
                if (!r.fromPeer) {
                    sendError(out, r.reason, r.getMessage());
                }
                throw r;
            }
            IdentityRecord local = endpoint.dau().identityRecord();
            IdentityRecord peer = auth.peer();
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
                // FT element: a full set-up of an RSU with a vehicle seeds the vehicle's PMK-R0 for this domain
                DeviceId r0kh = null;
                if (!auth.fast() && endpoint.fastTransition().enabled() && local.role() == DeviceRole.RSU
                        && peer.role() == DeviceRole.VEHICLE) {
                    Session bs = endpoint.fastTransition().r0KeyHolder();
                    r0kh = bs == null ? null : bs.peer().id();
                }
                byte[] setupBody = setupBody(qkd, st.qkdSaeId(), r0kh);
                Frames.write(out, Frames.SETUP, setupBody);

                byte[] transcript = KeySchedule.transcriptHash(auth.transcriptHash(), hello, setupBody);
                Session s = establish(socket, in, out, auth, qkd, transcript, true, peerSae, deadline);
                socket.setSoTimeout(0);
                if (r0kh != null) {
                    endpoint.fastTransition().afterFullSetUp(s, r0kh);
                }
                return s;
            } catch (Refused r) {
                if (!r.fromPeer) {
                    sendError(out, r.reason, r.getMessage());
                }
                throw r;
            } finally {
                auth.close();
            }
        } catch (Refused r) {
            Endpoint.closeQuietly(socket);
            String line = "session set-up to " + who + " refused" + (r.fromPeer ? " by the peer" : "") + ": "
                    + r.reason + ": " + r.getMessage();
            LOG.warn("dpn {}: {}", endpoint.name(), line);
            endpoint.refusedSetUp(r.reason);
            if (fastTried && r.reason == DpnException.Reason.AUTHENTICATION_FAILED) {
                throw new FastRefused((r.fromPeer ? "by the peer: " : "") + r.getMessage());
            }
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
            if (grant != null) {
                grant.close();
            }
        }
    }

    /** The vehicle's record if this is an RSU that may try a fast transition to it, else null. */
    private IdentityRecord fastCandidate(DeviceId expected) {
        if (!endpoint.fastTransition().enabled() || endpoint.localRole() != DeviceRole.RSU) {
            return null;
        }
        IdentityRecord r = endpoint.findRecord(expected).orElse(null);
        return r != null && r.role() == DeviceRole.VEHICLE && r.id().equals(expected) ? r : null;
    }

    /** The PMK-R1 from the base station, or null (logged): then the full unit authentication. */
    private FastTransition.Grant fastGrant(DeviceId vehicle, String who) {
        try {
            return endpoint.fastTransition().grant(vehicle, endpoint.settings().ftR1TimeoutMillis());
        } catch (FastTransition.Unavailable u) {
            LOG.info("dpn {}: no fast transition to {}: {}; full unit authentication", endpoint.name(), who,
                    u.getMessage());
            return null;
        }
    }

    /**
     * RSU side of the fast transition (IEEE 802.11-2020 §13.5 adapted): FT_REQ(R1KH-ID, R0KH-ID,
     * PMKR0Name, ANonce) -> FT_RESP(SNonce, MIC_R) -> FT_CONF(MIC_I), MICs = KMAC256 keyed by
     * PMK-R1 over the transcript (both IDs, both nonces). Null if the vehicle holds no matching
     * PMK-R0 (it said why): then the full unit authentication follows on the same connection.
     */
    private AuthResult fastInitiate(DataInputStream in, DataOutputStream out, byte[] hello, FastTransition.Grant grant,
            IdentityRecord peer, String who, long deadline) throws IOException, ProtocolException, Refused {
        byte[] aNonce = endpoint.random(FtKeys.NONCE);
        byte[] request = ByteBuffer.allocate(16 + 16 + FtKeys.NAME + FtKeys.NONCE)
                .put(KeySchedule.idBytes(endpoint.deviceId())).put(KeySchedule.idBytes(grant.r0kh()))
                .put(grant.pmkR0Name()).put(aNonce).array();
        Frames.write(out, Frames.FT_REQ, request);
        byte[] answer = readFrame(in, Frames.FT_RESP, Frames.FT_RESP_LIMIT, deadline).body();
        if (answer.length >= 1 && answer[0] == 1) {
            String why = new String(answer, 1, answer.length - 1, StandardCharsets.UTF_8).replaceAll("[\\p{Cntrl}]",
                    "?");
            LOG.info("dpn {}: no fast transition to {}: the vehicle says: {}; full unit authentication",
                    endpoint.name(), who, why);
            return null;
        }
        if (answer.length != 1 + FtKeys.NONCE + 32 || answer[0] != 0) {
            throw new ProtocolException("malformed FT_RESP");
        }
        byte[] head = Arrays.copyOf(answer, 1 + FtKeys.NONCE);
        byte[] mic = Arrays.copyOfRange(answer, 1 + FtKeys.NONCE, answer.length);
        byte[] th = FtKeys.transcript(hello, request, head);
        byte[] expect = FtKeys.kmac(grant.pmkR1(), FtKeys.MIC_RESPONDER, th);
        if (!MessageDigest.isEqual(expect, mic)) {
            throw new Refused(DpnException.Reason.AUTHENTICATION_FAILED,
                    "fast transition: the vehicle's MIC does not verify (it holds another PMK-R1)", false);
        }
        Frames.write(out, Frames.FT_CONF, FtKeys.kmac(grant.pmkR1(), FtKeys.MIC_INITIATOR, th));
        return new AuthResult(peer, FtKeys.kmac(grant.pmkR1(), FtKeys.SECRET, th), th, false, true);
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

            Frames.Frame first = readFrame(in, t -> t == Frames.AUTH ? Frames.AUTH_LIMIT
                    : t == Frames.FT_REQ ? Frames.FT_REQ_LIMIT : 0, deadline);
            AuthResult auth = null;
            if (first.type() == Frames.FT_REQ) {
                auth = fastRespond(in, out, hello, first.body(), deadline);
                if (auth == null) {
                    first = readFrame(in, Frames.AUTH, Frames.AUTH_LIMIT, deadline);
                }
            }
            if (auth == null) {
                try (UnitAuthentication ua = endpoint.dau().respond()) {
                    auth = AuthResult.of(runAuth(ua, in, out, deadline, first.body()));
                }
            }
            IdentityRecord local = endpoint.dau().identityRecord();
            IdentityRecord peer = auth.peer();
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
                int flags = b.get() & 0xff;
                if ((flags & ~(SETUP_QKD | SETUP_FT)) != 0) {
                    throw new ProtocolException("malformed SETUP");
                }
                int ftLen = (flags & SETUP_FT) != 0 ? 16 : 0;
                if ((flags & SETUP_QKD) != 0) {
                    if (b.remaining() < 1) {
                        throw new ProtocolException("short SETUP");
                    }
                    int saeLen = b.get() & 0xff;
                    if (b.remaining() != saeLen + 16 + ftLen) {
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
                } else if (b.remaining() != ftLen) {
                    throw new ProtocolException("malformed SETUP");
                } else if (quantum && st.quantumKeyRequired()) {
                    throw new Refused(DpnException.Reason.POLICY_DENIED,
                            "base station pair without a QKD key, and quantumKeyRequired", false);
                } else if (quantum) {
                    peerSae = configuredPeerSae;
                }
                DeviceId r0kh = null;
                if (ftLen > 0) {
                    byte[] id = new byte[16];
                    b.get(id);
                    // the FT element only seeds a vehicle's PMK-R0 after a full set-up by an RSU
                    if (!auth.fast() && peer.role() == DeviceRole.RSU && local.role() == DeviceRole.VEHICLE
                            && endpoint.fastTransition().enabled()) {
                        r0kh = new DeviceId(HexFormat.of().formatHex(id));
                    }
                }
                byte[] transcript = KeySchedule.transcriptHash(auth.transcriptHash(), hello, setupBody);
                Session s = establish(socket, in, out, auth, qkd, transcript, false, peerSae, deadline);
                // established: sessions may stay idle indefinitely
                socket.setSoTimeout(0);
                if (r0kh != null) {
                    endpoint.fastTransition().afterFullSetUp(s, r0kh);
                }
                return s;
            } finally {
                auth.close();
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

    /**
     * Vehicle side of the fast transition. Null after answering "no" (no matching PMK-R0, RSU
     * unknown): the RSU then runs the full unit authentication on this connection. A wrong MIC
     * is refused (a peer without the right PMK-R1, or an R1 derived for another RSU).
     */
    private AuthResult fastRespond(DataInputStream in, DataOutputStream out, byte[] hello, byte[] request,
            long deadline) throws IOException, ProtocolException, Refused {
        if (request.length != 16 + 16 + FtKeys.NAME + FtKeys.NONCE) {
            throw new ProtocolException("malformed FT_REQ");
        }
        ByteBuffer b = ByteBuffer.wrap(request);
        byte[] id = new byte[16];
        b.get(id);
        DeviceId r1kh = new DeviceId(HexFormat.of().formatHex(id));
        b.get(id);
        DeviceId r0kh = new DeviceId(HexFormat.of().formatHex(id));
        byte[] name = new byte[FtKeys.NAME];
        b.get(name);
        if (endpoint.isRevoked(r1kh)) {
            throw new Refused(DpnException.Reason.REVOKED, "device " + r1kh + " is revoked", false);
        }
        IdentityRecord rsu = endpoint.findRecord(r1kh).orElse(null);
        String why = null;
        byte[] r1 = null;
        if (rsu == null || !rsu.id().equals(r1kh)) {
            why = "RSU " + r1kh + " unknown to the identity directory";
        } else if (rsu.role() != DeviceRole.RSU) {
            why = "fast transition only from an RSU, not a " + rsu.role();
        } else {
            try {
                r1 = endpoint.fastTransition().vehicleR1(r0kh, name, r1kh);
            } catch (FastTransition.Unavailable u) {
                why = u.getMessage();
            }
        }
        if (why != null) {
            byte[] text = why.getBytes(StandardCharsets.UTF_8);
            Frames.write(out, Frames.FT_RESP, ByteBuffer.allocate(1 + Math.min(text.length, 512)).put((byte) 1)
                    .put(text, 0, Math.min(text.length, 512)).array());
            LOG.info("dpn {}: no fast transition from {}: {}; full unit authentication", endpoint.name(),
                    rsu == null ? r1kh : rsu.name() + " (" + r1kh + ")", why);
            return null;
        }
        try {
            byte[] head = ByteBuffer.allocate(1 + FtKeys.NONCE).put((byte) 0).put(endpoint.random(FtKeys.NONCE))
                    .array();
            byte[] th = FtKeys.transcript(hello, request, head);
            byte[] mic = FtKeys.kmac(r1, FtKeys.MIC_RESPONDER, th);
            Frames.write(out, Frames.FT_RESP, ByteBuffer.allocate(head.length + mic.length).put(head).put(mic).array());
            byte[] conf = readFrame(in, Frames.FT_CONF, Frames.FT_CONF_LIMIT, deadline).body();
            if (!MessageDigest.isEqual(FtKeys.kmac(r1, FtKeys.MIC_INITIATOR, th), conf)) {
                throw new Refused(DpnException.Reason.AUTHENTICATION_FAILED, "fast transition from " + rsu.name() + " ("
                        + r1kh + "): its MIC does not verify (wrong PMK-R1 or identity)", false);
            }
            return new AuthResult(rsu, FtKeys.kmac(r1, FtKeys.SECRET, th), th, false, true);
        } finally {
            Arrays.fill(r1, (byte) 0);
        }
    }

    // ------------------------------------------------------------------ both

    /** Drives a unit authentication to its result, carrying the messages in AUTH frames. */
    private AuthenticatedPeer runAuth(UnitAuthentication auth, DataInputStream in, DataOutputStream out, long deadline,
            byte[] firstReceived) throws IOException, ProtocolException, AuthenticationException, Refused {
        int rounds = 0;
        byte[] next = firstReceived;
        while (auth.result().isEmpty()) {
            if (++rounds > 16) {
                throw new ProtocolException("unit authentication did not finish in 16 messages");
            }
            byte[] msg = next != null ? next : readFrame(in, Frames.AUTH, Frames.AUTH_LIMIT, deadline).body();
            next = null;
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
        return readFrame(in, t -> t == type ? limit : 0, deadline);
    }

    /** Reads one of the frame types {@code limits} allows, or an ERROR frame (thrown as a refusal). */
    private static Frames.Frame readFrame(DataInputStream in, Frames.Limits limits, long deadline)
            throws IOException, ProtocolException, Refused {
        if (System.nanoTime() - deadline > 0) {
            throw new SocketTimeoutException("set-up deadline passed");
        }
        Frames.Frame f = Frames.read(in, t -> t == Frames.ERROR ? Frames.ERROR_LIMIT : limits.limit(t));
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
    private Session establish(Socket socket, DataInputStream in, DataOutputStream out, AuthResult auth, Key qkd,
            byte[] transcript, boolean initiator, String peerSae, long deadline)
            throws IOException, ProtocolException, Refused {
        IdentityRecord local = endpoint.dau().identityRecord();
        IdentityRecord peer = auth.peer();
        long sessionId = ByteBuffer.wrap(transcript).getLong();
        String segment = Policy.segment(local, peer);
        ChannelOptions options = ChannelOptions.stream(segment, endpoint.clock());
        byte[] secret = auth.secret().clone();
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
            endpoint.countSetUp(auth.fast());
            return new Session(endpoint, socket, in, out, local, peer, initiator, segment, sessionId, options, keys,
                    channel, qkd != null, peerSae, auth.postQuantum(), auth.fast(),
                    qkd == null ? null : qkd.id().toString());
        } finally {
            if (!ok) {
                channel.close();
                keys.close();
            }
        }
    }

    /** SETUP flags: a QKD key ID follows; the FT element (R0 key holder's ID, 16 B) ends the frame. */
    static final int SETUP_QKD = 1;
    static final int SETUP_FT = 2;

    private static byte[] setupBody(Key qkd, String mySae, DeviceId r0kh) {
        int ft = r0kh == null ? 0 : 16;
        ByteBuffer b;
        if (qkd == null) {
            b = ByteBuffer.allocate(1 + ft).put((byte) (ft == 0 ? 0 : SETUP_FT));
        } else {
            byte[] sae = mySae.getBytes(StandardCharsets.UTF_8);
            if (sae.length > 255) {
                throw new IllegalArgumentException("qkdSaeId longer than 255 bytes");
            }
            b = ByteBuffer.allocate(2 + sae.length + 16 + ft).put((byte) (SETUP_QKD | (ft == 0 ? 0 : SETUP_FT)))
                    .put((byte) sae.length).put(sae).putLong(qkd.id().getMostSignificantBits())
                    .putLong(qkd.id().getLeastSignificantBits());
        }
        if (r0kh != null) {
            b.put(KeySchedule.idBytes(r0kh));
        }
        return b.array();
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
