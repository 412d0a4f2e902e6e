package org.qkdv2i.dpn.internal;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.qkdv2i.dpn.api.DpnException;
import org.qkdv2i.dpn.api.DpnSession;
import org.qkdv2i.kmm.api.Key;
import org.qkdv2i.zap.api.ChannelKeys;
import org.qkdv2i.zap.api.ChannelOptions;
import org.qkdv2i.zap.api.IdentityRecord;
import org.qkdv2i.zap.api.MessageRejectedException;
import org.qkdv2i.zap.api.ProtectedChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An established DPN session: one TCP connection, one MessageProtection AEAD channel per
 * key epoch (strict order), a reader thread that opens messages and hands them to the
 * endpoint's handlers. Every DATA frame's plaintext starts with an inner type byte, so
 * control messages (rekey, close) are protected exactly like application messages.
 *
 * <p>Rekey (in-band): the requester sends REKEY(nonce [, QKD key ID]) and sends nothing
 * else until the REKEY_ACK(nonce) arrives under the old keys; the answering side sends the
 * ACK under the old keys and switches at once. If both ask at the same time, the session
 * initiator's request wins and the other side's request is answered by it.
 */
final class Session implements DpnSession {

    private static final Logger LOG = LoggerFactory.getLogger(Session.class);

    static final byte APP = 0;
    static final byte CONFIRM = 1;
    static final byte REKEY = 2;
    static final byte REKEY_ACK = 3;
    static final byte CLOSE = 4;

    private final Endpoint endpoint;
    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final IdentityRecord local;
    private final IdentityRecord peer;
    private final boolean initiator;
    private final boolean localIsLow;
    private final String segment;
    private final long sessionId;
    private final ChannelOptions options;
    private final String peerSaeId;
    private final boolean postQuantumAuth;
    private final boolean fast;
    private volatile String quantumKeyId;
    private final AtomicLong rejectedInARow = new AtomicLong();
    private final AtomicLong rejectedTotal = new AtomicLong();

    /**
     * Guards every write, the channel switch and the pending rekey. A write may block on a full
     * TCP buffer while holding it, so nothing that must be prompt waits for it unbounded: the
     * reader reads {@link #channel} without it, closing closes the socket first (which frees a
     * blocked writer) and {@link #close()} only tries it.
     */
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when this side's rekey is answered or the session closes. */
    private final Condition rekeyAnswered = lock.newCondition();
    /** Guards {@link #keys} for exportKey and the switch (never held during I/O). */
    private final Object keysLock = new Object();
    private volatile KeySchedule.EpochKeys keys;
    /** Volatile so the reader never waits for the lock a blocked writer may hold. */
    private volatile ProtectedChannel channel;
    private volatile Rekey pending;
    private volatile boolean quantumKeyed;
    private volatile boolean open = true;
    private volatile DpnException.Reason closedBecause;
    private volatile Thread reader;

    /** A rekey this side asked for. */
    private static final class Rekey {
        final byte[] nonce;
        final Key qkdKey;
        final CompletableFuture<Integer> done = new CompletableFuture<>();

        Rekey(byte[] nonce, Key qkdKey) {
            this.nonce = nonce;
            this.qkdKey = qkdKey;
        }
    }

    Session(Endpoint endpoint, Socket socket, DataInputStream in, DataOutputStream out, IdentityRecord local,
            IdentityRecord peer, boolean initiator, String segment, long sessionId, ChannelOptions options,
            KeySchedule.EpochKeys keys, ProtectedChannel channel, boolean quantumKeyed, String peerSaeId,
            boolean postQuantumAuth, boolean fast, String quantumKeyId) {
        this.endpoint = endpoint;
        this.socket = socket;
        this.in = in;
        this.out = out;
        this.local = local;
        this.peer = peer;
        this.initiator = initiator;
        this.localIsLow = local.id().compareTo(peer.id()) < 0;
        this.segment = segment;
        this.sessionId = sessionId;
        this.options = options;
        this.keys = keys;
        this.channel = channel;
        this.quantumKeyed = quantumKeyed;
        this.peerSaeId = peerSaeId;
        this.postQuantumAuth = postQuantumAuth;
        this.fast = fast;
        this.quantumKeyId = quantumKeyId;
    }

    @Override
    public boolean fastTransition() {
        return fast;
    }

    @Override
    public java.util.Optional<String> quantumKeyId() {
        return java.util.Optional.ofNullable(quantumKeyId);
    }

    /** True if the set-up's unit authentication ran ML-DSA + ML-KEM (no enrolled relation yet). */
    boolean postQuantumAuthenticated() {
        return postQuantumAuth;
    }

    /** Channel for the given epoch keys, as the set-up and every rekey make it. */
    static ProtectedChannel channel(Endpoint endpoint, KeySchedule.EpochKeys k, long sessionId, boolean localIsLow,
            ChannelOptions options) {
        byte[] send = k.sendKey(localIsLow);
        byte[] receive = k.receiveKey(localIsLow);
        try {
            return endpoint.protection().aead(new ChannelKeys(sessionId, k.epoch, send, receive), options);
        } finally {
            Arrays.fill(send, (byte) 0);
            Arrays.fill(receive, (byte) 0);
        }
    }

    @Override
    public long sessionId() {
        return sessionId;
    }

    @Override
    public IdentityRecord peer() {
        return peer;
    }

    @Override
    public String segment() {
        return segment;
    }

    @Override
    public int epoch() {
        KeySchedule.EpochKeys k = keys;
        return k == null ? -1 : k.epoch;
    }

    @Override
    public boolean quantumKeyed() {
        return quantumKeyed;
    }

    String peerSaeId() {
        return peerSaeId;
    }

    boolean initiator() {
        return initiator;
    }

    long rejected() {
        return rejectedTotal.get();
    }

    /** "name (id) at host:port", for log lines. */
    String describePeer() {
        return peer.name() + " (" + peer.id() + ") at " + socket.getRemoteSocketAddress();
    }

    String describe() {
        return "dpn " + endpoint.name() + " session " + Long.toUnsignedString(sessionId, 16) + " with "
                + describePeer();
    }

    @Override
    public void send(byte[] payload) throws DpnException {
        if (payload.length > endpoint.settings().maxMessageBytes()) {
            throw new IllegalArgumentException("message of " + payload.length + " bytes exceeds maxMessageBytes "
                    + endpoint.settings().maxMessageBytes());
        }
        sendInner(APP, payload);
    }

    /** Sends one inner message (application or control) under the current keys, after a rekey in flight. */
    void sendInner(byte type, byte[] payload) throws DpnException {
        checkUsable();
        long left = TimeUnit.MILLISECONDS.toNanos(endpoint.settings().sessionSetupTimeoutMillis());
        lock.lock();
        try {
            // while this side's rekey is in flight the peer may already be on the new keys
            while (pending != null && open) {
                if (left <= 0) {
                    throw new DpnException(DpnException.Reason.UNREACHABLE, describe() + ": rekey not answered in time");
                }
                try {
                    left = rekeyAnswered.awaitNanos(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new DpnException(DpnException.Reason.CLOSED, describe() + ": interrupted");
                }
            }
            checkUsable();
            writeControl(type, payload);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void rekey() throws DpnException {
        checkUsable();
        Rekey r = pending;
        // the KMM call may be slow (peer KMM over HTTPS): made before taking the lock
        Key qkd = r == null && quantumKeyed ? endpoint.quantumKeyForRekey(this, peerSaeId) : null;
        lock.lock();
        try {
            if (pending != null) {
                r = pending;
                destroy(qkd);
            } else {
                byte[] nonce = endpoint.random(32);
                r = new Rekey(nonce, qkd);
                ByteBuffer body = ByteBuffer.allocate(32 + 1 + 1 + 256 + 16).put(nonce);
                if (qkd == null) {
                    body.put((byte) 0);
                } else {
                    byte[] sae = endpoint.settings().qkdSaeId().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    body.put((byte) 1).put((byte) sae.length).put(sae).putLong(qkd.id().getMostSignificantBits())
                            .putLong(qkd.id().getLeastSignificantBits());
                }
                pending = r;
                writeControl(REKEY, Arrays.copyOf(body.array(), body.position()));
            }
        } finally {
            lock.unlock();
        }
        if (Thread.currentThread() == reader) {
            // asked from a message handler: the ACK is read by this very thread later
            return;
        }
        try {
            r.done.get(endpoint.settings().sessionSetupTimeoutMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("{}: rekey not answered within {} ms, closing", describe(),
                    endpoint.settings().sessionSetupTimeoutMillis());
            closeWith(DpnException.Reason.UNREACHABLE, false);
            throw new DpnException(DpnException.Reason.UNREACHABLE, describe() + ": rekey not answered");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DpnException(DpnException.Reason.CLOSED, describe() + ": interrupted");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof DpnException d ? d
                    : new DpnException(DpnException.Reason.CLOSED, describe() + ": " + e.getCause().getMessage());
        }
    }

    @Override
    public byte[] exportKey(String label, int length) {
        synchronized (keysLock) {
            if (keys == null) {
                throw new IllegalStateException(describe() + " is closed");
            }
            return KeySchedule.export(keys, label, length, local.id(), peer.id());
        }
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        if (!open) {
            return;
        }
        // not open from now on: the reader takes the peer's hang-up as expected, and says nothing
        open = false;
        boolean locked = false;
        try {
            // a writer stuck on a full buffer must not hold up closing: then no CLOSE message
            locked = lock.tryLock(1, TimeUnit.SECONDS);
            if (locked && channel != null) {
                writeControl(CLOSE, new byte[0]);
            }
        } catch (DpnException e) {
            // the connection is gone already; closing it is all that is left
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (locked) {
                lock.unlock();
            }
        }
        LOG.info("{}: closed", describe());
        closeWith(DpnException.Reason.CLOSED, false);
    }

    /** Closes because the peer was revoked: later sends fail with REVOKED. */
    void closeRevoked(String how) {
        if (open) {
            LOG.warn("{}: peer revoked ({}), session closed", describe(), how);
        }
        closeWith(DpnException.Reason.REVOKED, true);
    }

    void closeWith(DpnException.Reason reason, boolean overrideReason) {
        if (closedBecause == null || overrideReason) {
            closedBecause = reason;
        }
        open = false;
        try {
            // first, so a writer blocked in the socket gets an exception and lets go of the lock
            socket.close();
        } catch (IOException e) {
            // nothing to do: closing
        }
        Rekey r;
        lock.lock();
        try {
            r = pending;
            pending = null;
            if (channel != null) {
                channel.close();
                channel = null;
            }
            synchronized (keysLock) {
                if (keys != null) {
                    keys.close();
                    keys = null;
                }
            }
            rekeyAnswered.signalAll();
        } finally {
            lock.unlock();
        }
        if (r != null) {
            destroy(r.qkdKey);
            r.done.completeExceptionally(new DpnException(closedBecause, describe() + " closed"));
        }
        endpoint.removed(this);
    }

    private void checkUsable() throws DpnException {
        if (open && endpoint.isRevoked(peer.id())) {
            closeRevoked("refused before sending");
        }
        if (!open) {
            DpnException.Reason why = closedBecause == null ? DpnException.Reason.CLOSED : closedBecause;
            if (why == DpnException.Reason.REVOKED) {
                LOG.warn("{}: message to revoked peer refused: REVOKED", describe());
            }
            throw new DpnException(why, describe() + (why == DpnException.Reason.REVOKED ? ": peer revoked" : ": closed"));
        }
    }

    /** Protects and writes one inner message; caller holds {@link #lock}. */
    private void writeControl(byte type, byte[] body) throws DpnException {
        if (channel == null) {
            throw new DpnException(DpnException.Reason.CLOSED, describe() + ": closed");
        }
        byte[] plain = new byte[body.length + 1];
        plain[0] = type;
        System.arraycopy(body, 0, plain, 1, body.length);
        try {
            Frames.write(out, Frames.DATA, channel.protect(plain));
        } catch (IOException e) {
            DpnException.Reason why = closedBecause;
            if (!open && why != null) {
                // closed on purpose (revocation, stop) while this write was blocked
                throw new DpnException(why, describe() + ": closed (" + why + ")");
            }
            LOG.info("{}: connection lost while sending: {}", describe(), e.getMessage());
            closeWith(DpnException.Reason.UNREACHABLE, false);
            throw new DpnException(DpnException.Reason.UNREACHABLE, describe() + ": connection lost: " + e.getMessage());
        } finally {
            if (type != APP) {
                Arrays.fill(plain, (byte) 0);
            }
        }
    }

    /** The reader loop; runs on the session's own thread until the session closes. */
    void readLoop() {
        reader = Thread.currentThread();
        int limit = endpoint.dataFrameLimit();
        try {
            while (open) {
                Frames.Frame f = Frames.read(in, t -> t == Frames.DATA ? limit : 0);
                // only this thread switches channels; close() may null it
                ProtectedChannel ch = channel;
                if (ch == null) {
                    return;
                }
                byte[] plain;
                try {
                    plain = ch.open(f.body());
                } catch (MessageRejectedException e) {
                    rejected(e.reason(), e.getMessage());
                    continue;
                }
                rejectedInARow.set(0);
                if (endpoint.isRevoked(peer.id())) {
                    LOG.warn("{}: message from revoked peer refused: REVOKED", describe());
                    endpoint.countRejected(MessageRejectedException.Reason.REVOKED);
                    closeRevoked("message refused");
                    return;
                }
                if (plain.length == 0) {
                    throw new ProtocolException("empty inner message");
                }
                byte type = plain[0];
                byte[] body = Arrays.copyOfRange(plain, 1, plain.length);
                switch (type) {
                case APP -> endpoint.deliver(this, body);
                case REKEY -> onRekey(body);
                case REKEY_ACK -> onRekeyAck(body);
                case FastTransition.R0_PUT -> endpoint.fastTransition().onR0Put(this, body.clone());
                case FastTransition.R1_GET -> {
                    byte[] request = body.clone();
                    endpoint.execute(() -> endpoint.fastTransition().onR1Get(this, request));
                }
                case FastTransition.R1 -> endpoint.fastTransition().onR1(this, body.clone());
                case CLOSE -> {
                    LOG.info("{}: closed by the peer", describe());
                    closeWith(DpnException.Reason.CLOSED, false);
                    return;
                }
                default -> throw new ProtocolException("unexpected inner message type " + (type & 0xff));
                }
                if (type != APP) {
                    Arrays.fill(plain, (byte) 0);
                    Arrays.fill(body, (byte) 0);
                }
            }
        } catch (EOFException e) {
            if (open) {
                LOG.info("{}: peer closed the connection", describe());
            }
        } catch (SocketException e) {
            if (open) {
                LOG.info("{}: connection lost: {}", describe(), e.getMessage());
            }
        } catch (IOException e) {
            if (open) {
                LOG.warn("{}: read failed: {}", describe(), e.toString());
            }
        } catch (ProtocolException e) {
            LOG.warn("{}: bad input, closing: {}", describe(), e.getMessage());
        } catch (DpnException e) {
            LOG.warn("{}: {}", describe(), e.getMessage());
        } catch (RuntimeException e) {
            // a bug, not an expected condition: keep the trace
            LOG.error("{}: reader failed", describe(), e);
        } finally {
            if (open) {
                closeWith(DpnException.Reason.UNREACHABLE, false);
            }
        }
    }

    private void rejected(MessageRejectedException.Reason reason, String message) {
        rejectedTotal.incrementAndGet();
        endpoint.countRejected(reason);
        long n = rejectedInARow.incrementAndGet();
        LOG.warn("{}: message refused: {} ({})", describe(), reason, message);
        if (n >= endpoint.settings().maxRejectedInARow()) {
            LOG.warn("{}: {} messages refused in a row, closing", describe(), n);
            closeWith(DpnException.Reason.CLOSED, false);
        }
    }

    /** The peer asks for a rekey (under the current keys). */
    private void onRekey(byte[] body) throws ProtocolException, DpnException {
        ByteBuffer b = ByteBuffer.wrap(body);
        if (b.remaining() < 33) {
            throw new ProtocolException("short REKEY message");
        }
        byte[] peerNonce = new byte[32];
        b.get(peerNonce);
        Key qkd = null;
        if (b.get() == 1) {
            if (b.remaining() < 1) {
                throw new ProtocolException("short REKEY message");
            }
            int saeLen = b.get() & 0xff;
            if (b.remaining() != saeLen + 16) {
                throw new ProtocolException("malformed REKEY message");
            }
            byte[] sae = new byte[saeLen];
            b.get(sae);
            UUID keyId = new UUID(b.getLong(), b.getLong());
            qkd = endpoint.quantumKeyById(this, new String(sae, java.nio.charset.StandardCharsets.UTF_8), keyId);
        }
        if (pending != null && initiator) {
            // both asked: the session initiator's request wins, the peer answers it (decided
            // without the lock, so this reader keeps reading while a writer holds it)
            destroy(qkd);
            return;
        }
        Rekey superseded = null;
        lock.lock();
        try {
            if (pending != null && initiator) {
                // both asked: the session initiator's request wins, the peer answers it
                destroy(qkd);
                return;
            }
            superseded = pending;
            pending = null;
            byte[] nonce = endpoint.random(32);
            writeControl(REKEY_ACK, nonce);
            switchTo(qkd, peerNonce, nonce);
            rekeyAnswered.signalAll();
        } finally {
            lock.unlock();
        }
        destroy(qkd);
        if (superseded != null) {
            destroy(superseded.qkdKey);
            superseded.done.complete(epoch());
        }
        LOG.info("{}: rekeyed to epoch {} at the peer's request{}", describe(), epoch(), qkd != null ? " (fresh QKD key)" : "");
    }

    /** Our rekey was answered (under the old keys): switch both directions now. */
    private void onRekeyAck(byte[] body) throws ProtocolException {
        if (body.length != 32) {
            throw new ProtocolException("malformed REKEY_ACK message");
        }
        Rekey r;
        lock.lock();
        try {
            r = pending;
            if (channel == null) {
                return; // closed meanwhile
            }
            if (r == null) {
                throw new ProtocolException("REKEY_ACK without a rekey request");
            }
            switchTo(r.qkdKey, r.nonce, body);
            pending = null;
            rekeyAnswered.signalAll();
        } finally {
            lock.unlock();
        }
        destroy(r.qkdKey);
        Arrays.fill(r.nonce, (byte) 0);
        LOG.info("{}: rekeyed to epoch {}{}", describe(), epoch(), r.qkdKey != null ? " (fresh QKD key)" : "");
        r.done.complete(epoch());
    }

    /** Caller holds the lock: installs the next epoch, zeroises the old one. */
    private void switchTo(Key qkd, byte[] nonceRequester, byte[] nonceResponder) {
        byte[] q = qkd == null ? null : qkd.bytes();
        KeySchedule.EpochKeys next;
        try {
            next = KeySchedule.next(keys, q, nonceRequester, nonceResponder, local.id(), peer.id());
        } finally {
            if (q != null) {
                Arrays.fill(q, (byte) 0);
            }
        }
        if (qkd != null) {
            quantumKeyId = qkd.id().toString();
        }
        ProtectedChannel old = channel;
        channel = channel(endpoint, next, sessionId, localIsLow, options);
        old.close();
        synchronized (keysLock) {
            KeySchedule.EpochKeys oldKeys = keys;
            keys = next;
            oldKeys.close();
        }
    }

    private static void destroy(Key k) {
        if (k != null) {
            k.destroy();
        }
    }
}
