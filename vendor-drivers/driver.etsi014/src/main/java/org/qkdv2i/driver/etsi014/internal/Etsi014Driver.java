package org.qkdv2i.driver.etsi014.internal;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.regex.Pattern;

import org.qkdv2i.driver.etsi014.internal.KmeException.Kind;
import org.qkdv2i.driver.etsi014.internal.PeerMessages.Reply;
import org.qkdv2i.driver.etsi014.internal.PeerMessages.Request;
import org.qkdv2i.driver.etsi014.internal.PeerMessages.Type;
import org.qkdv2i.qkd.api.KeyBlock;
import org.qkdv2i.qkd.api.KeyBlockSink;
import org.qkdv2i.qkd.api.LinkEnd;
import org.qkdv2i.qkd.api.LinkState;
import org.qkdv2i.qkd.api.LinkStatus;
import org.qkdv2i.qkd.api.PeerChannel;
import org.qkdv2i.qkd.api.PeerChannelException;
import org.qkdv2i.qkd.api.QkdDriver;
import org.qkdv2i.qkd.api.QkdRole;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One end of a link whose keys come from a vendor KME over ETSI GS QKD 014.
 *
 * <p>The <b>master end</b> (role TRANSMITTER; for TRANSCEIVER the end with the smaller node ID)
 * runs one puller thread: it reads the vendor KME's {@code status}, takes keys with
 * {@code enc_keys} for the slave SAE, sends their IDs to the <b>slave end</b> over the KMMs'
 * {@link PeerChannel}, and hands the keys to its KMM only after the slave end answered that it
 * took every one of them from its own vendor KME with {@code dec_keys} and handed them to its
 * KMM. A failed or partial fetch at the slave end makes the master destroy its copies (the
 * vendor KMEs have already consumed them; the IDs are logged). Both ends emit one
 * {@link KeyBlock} per vendor key, with the vendor key ID as block ID.
 *
 * <p>Sink calls happen under {@link #lock}, so they never overlap and never follow
 * {@link #detach(KeyBlockSink)}.
 */
final class Etsi014Driver implements QkdDriver {

    /** Name prefix of the driver's threads, so tests can check none is left behind. */
    static final String THREAD_PREFIX = "qkd-etsi014-";
    static final String DRIVER_TYPE = "etsi014";

    private static final Logger LOG = LoggerFactory.getLogger(Etsi014Driver.class);
    private static final Pattern UUID_TEXT = Pattern
            .compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final long RATE_WINDOW_MILLIS = 30_000;

    /** What both ends are configured with (apart from who they are and where their KME is). */
    record Settings(String masterSaeId, String slaveSaeId, int keySizeBits, int keysPerRequest,
            long pollIntervalMillis, long requestTimeoutMillis, double maxKeysPerSecond) {

        Settings(String masterSaeId, String slaveSaeId, int keySizeBits, int keysPerRequest, long pollIntervalMillis,
                long requestTimeoutMillis) {
            this(masterSaeId, slaveSaeId, keySizeBits, keysPerRequest, pollIntervalMillis, requestTimeoutMillis, 0);
        }

        Settings {
            if (!(maxKeysPerSecond >= 0) || Double.isInfinite(maxKeysPerSecond)) {
                throw new IllegalArgumentException("maxKeysPerSecond must be 0 (no limit) or positive, got "
                        + maxKeysPerSecond);
            }
            if (masterSaeId == null || masterSaeId.isBlank() || slaveSaeId == null || slaveSaeId.isBlank()) {
                throw new IllegalArgumentException("masterSaeId and slaveSaeId must be set");
            }
            if (masterSaeId.equals(slaveSaeId)) {
                throw new IllegalArgumentException("masterSaeId and slaveSaeId must differ, got " + masterSaeId
                        + " twice");
            }
            if (keySizeBits <= 0 || keySizeBits % 8 != 0) {
                throw new IllegalArgumentException("keySizeBits must be a positive multiple of 8, got " + keySizeBits);
            }
            if (keysPerRequest < 1 || keysPerRequest > PeerMessages.MAX_IDS) {
                throw new IllegalArgumentException("keysPerRequest must be in [1, " + PeerMessages.MAX_IDS + "], got "
                        + keysPerRequest);
            }
            if (pollIntervalMillis < 10) {
                throw new IllegalArgumentException("pollIntervalMillis must be at least 10, got " + pollIntervalMillis);
            }
            if (requestTimeoutMillis < 100) {
                throw new IllegalArgumentException("requestTimeoutMillis must be at least 100, got "
                        + requestTimeoutMillis);
            }
        }

        /** Longest wait between attempts after repeated failures. */
        long maxBackoffMillis() {
            return Math.max(30_000, pollIntervalMillis);
        }

        /** Longest wait between hellos while the peer end is away (a hello consumes no vendor key). */
        long peerBackoffMillis() {
            return Math.max(5_000, pollIntervalMillis);
        }

        /** How long the master waits for the slave end's answer: it makes one KME call. */
        long peerTimeoutMillis() {
            return 2 * requestTimeoutMillis + 1000;
        }
    }

    /** A failure to reach or convince the peer end; the vendor keys of the batch are destroyed. */
    static final class PeerFailure extends Exception {
        private static final long serialVersionUID = 1L;
        final boolean configError;
        /** Vendor keys were taken and destroyed: back off as after a KME failure, not as after a hello. */
        final boolean keysLost;

        PeerFailure(String message) {
            this(message, false, false);
        }

        PeerFailure(String message, boolean configError) {
            this(message, configError, false);
        }

        PeerFailure(String message, boolean configError, boolean keysLost) {
            super(message);
            this.configError = configError;
            this.keysLost = keysLost;
        }
    }

    private final LinkEnd end;
    private final Settings settings;
    private final KmeClient kme;
    private final String kmeProblem;
    private final Clock clock;
    private final boolean master;
    private final RateMeter meter = new RateMeter(RATE_WINDOW_MILLIS);
    private final String who;

    /** Guards sink, channel and worker; held while calling the sink. */
    private final ReentrantLock lock = new ReentrantLock();
    /**
     * Held shared while a peer message uses the vendor KME client (on a KMM thread), exclusively by
     * {@link #close()} before it stops the client.
     */
    private final ReentrantReadWriteLock kmeInUse = new ReentrantReadWriteLock();
    private KeyBlockSink sink;
    private PeerChannel channel;
    private Worker worker;
    private volatile boolean closed;
    private volatile LinkStatus status;
    private volatile KmeStatus lastKmeStatus;
    private volatile long lastSuccessMillis;

    private final AtomicLong keysDelivered = new AtomicLong();
    private final AtomicLong keysDestroyed = new AtomicLong();
    private final AtomicLong batchesFailed = new AtomicLong();

    /**
     * @param kme        the vendor KME client; null when it could not be built
     * @param kmeProblem why there is no client (reported as the DOWN reason), or null
     */
    Etsi014Driver(LinkEnd end, Settings settings, KmeClient kme, String kmeProblem, Clock clock) {
        this.end = Objects.requireNonNull(end, "end");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.kme = kme;
        this.kmeProblem = kme == null ? (kmeProblem == null ? "no vendor KME client" : kmeProblem) : null;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.master = isMaster(end);
        this.who = "etsi014 link " + end.linkId() + " at node " + end.localNodeId();
        this.status = kme == null ? LinkStatus.of(LinkState.DOWN, this.kmeProblem, clock.instant())
                : LinkStatus.of(LinkState.STARTING, "not attached to a KMM yet", clock.instant());
    }

    /**
     * Which end calls {@code enc_keys}: the transmitter; of two transceivers the end with the
     * smaller node ID (both ends derive the same answer).
     */
    static boolean isMaster(LinkEnd end) {
        if (end.role() == QkdRole.TRANSCEIVER) {
            return end.localNodeId().compareTo(end.peerNodeId()) < 0;
        }
        return end.role() == QkdRole.TRANSMITTER;
    }

    /**
     * The block ID of a vendor key: the key ID itself when it is a UUID (ETSI GS QKD 014 §6.3
     * says it is), otherwise a name-based UUID of it, which both ends derive alike.
     */
    static UUID blockId(String vendorKeyId) {
        if (UUID_TEXT.matcher(vendorKeyId).matches()) {
            return UUID.fromString(vendorKeyId);
        }
        return UUID.nameUUIDFromBytes(("etsi014-key-ID:" + vendorKeyId).getBytes(StandardCharsets.UTF_8));
    }

    boolean isMaster() {
        return master;
    }

    long keysDelivered() {
        return keysDelivered.get();
    }

    long keysDestroyed() {
        return keysDestroyed.get();
    }

    long batchesFailed() {
        return batchesFailed.get();
    }

    @Override
    public LinkEnd linkEnd() {
        return end;
    }

    @Override
    public LinkStatus status() {
        LinkStatus s = status;
        long now = clock.millis();
        double rate = meter.bitsPerSecond(now);
        LinkState state = s.state();
        String reason = s.reason();
        // the slave end has no thread of its own: it notices a silent master when asked
        if (!master && state == LinkState.UP && now - lastSuccessMillis > staleMillis()) {
            state = LinkState.DEGRADED;
            reason = "no key IDs from the master end at node " + end.peerNodeId() + " for "
                    + (now - lastSuccessMillis) / 1000 + " s";
        }
        return new LinkStatus(state, Double.NaN, rate, 0, Double.NaN, reason, Instant.ofEpochMilli(now));
    }

    private long staleMillis() {
        return Math.max(10_000, 10 * settings.pollIntervalMillis()) + settings.peerTimeoutMillis();
    }

    @Override
    public void attach(KeyBlockSink newSink) {
        Objects.requireNonNull(newSink, "sink");
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException(who + " is stopped");
            }
            sink = newSink;
            meter.start(clock.millis());
            try {
                channel = newSink.peerChannel(this::handle);
            } catch (UnsupportedOperationException e) {
                channel = null;
            }
            if (channel == null) {
                setStatus(LinkState.DOWN, "the KMM offers no peer channel to node " + end.peerNodeId()
                        + " (needed to agree on vendor key IDs)", true);
            } else if (kme == null) {
                setStatus(LinkState.DOWN, kmeProblem, true);
            } else {
                setStatus(LinkState.STARTING, master ? "contacting the vendor KME and the slave end at node "
                        + end.peerNodeId() : "waiting for key IDs from the master end at node " + end.peerNodeId(),
                        true);
                if (master && worker == null) {
                    worker = new Worker();
                    worker.thread.start();
                }
            }
        } finally {
            lock.unlock();
        }
        LOG.info("{} attached as {} end (vendor master SAE {}, slave SAE {}, {} bits)", who,
                master ? "master" : "slave", settings.masterSaeId(), settings.slaveSaeId(), settings.keySizeBits());
    }

    @Override
    public void detach(KeyBlockSink oldSink) {
        Worker w;
        lock.lock();
        try {
            if (sink != oldSink || sink == null) {
                return;
            }
            w = unbindLocked();
        } finally {
            lock.unlock();
        }
        if (w != null) {
            w.stop();
        }
        LOG.info("{} detached", who);
    }

    /** With the lock held: forgets the sink and the peer channel; the puller to stop, outside the lock, or null. */
    private Worker unbindLocked() {
        sink = null;
        channel = null;
        Worker w = worker;
        worker = null;
        return w;
    }

    /** Stops for good: detaches, ends the puller thread, closes the KME client. */
    void close() {
        Worker w;
        lock.lock();
        try {
            closed = true;
            w = unbindLocked();
        } finally {
            lock.unlock();
        }
        if (w != null) {
            w.stop();
        }
        if (kme != null) {
            // a peer message may be using the client on a KMM thread: stop it only after that call, or a
            // connection opened meanwhile would outlive the driver
            boolean idle = false;
            try {
                idle = kmeInUse.writeLock().tryLock(settings.requestTimeoutMillis() + 1000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                kme.close();
            } finally {
                if (idle) {
                    kmeInUse.writeLock().unlock();
                }
            }
        }
        status = LinkStatus.of(LinkState.DOWN, "driver stopped", clock.instant());
    }

    // ---------------------------------------------------------------- status

    /** Sets and reports the state; one log line when the state or reason changes. */
    private void setStatus(LinkState state, String reason) {
        setStatus(state, reason, false);
    }

    private void setStatus(LinkState state, String reason, boolean push) {
        lock.lock();
        try {
            LinkStatus old = status;
            LinkStatus now = new LinkStatus(state, Double.NaN, meter.bitsPerSecond(clock.millis()), 0, Double.NaN,
                    reason, clock.instant());
            status = now;
            boolean changed = old.state() != state || !old.reason().equals(reason);
            // UP reasons carry running counts: log state changes, and reason changes only when not UP
            if (old.state() != state || (changed && state != LinkState.UP)) {
                if (state == LinkState.UP || state == LinkState.STARTING) {
                    LOG.info("{}: {} ({})", who, state, reason);
                } else {
                    LOG.warn("{}: {} ({})", who, state, reason);
                }
            }
            KeyBlockSink s = sink;
            if (s != null && (changed || push)) {
                try {
                    s.status(now);
                } catch (RuntimeException e) {
                    LOG.warn("{}: KMM refused a status update: {}", who, e.toString());
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** The state for "no key right now": STARTING before the first key, DEGRADED when keys stopped coming. */
    private LinkState quietState() {
        if (lastSuccessMillis == 0) {
            return LinkState.STARTING;
        }
        if (clock.millis() - lastSuccessMillis > Math.max(5_000, 5 * settings.pollIntervalMillis())) {
            return LinkState.DEGRADED;
        }
        LinkState s = status.state();
        return s == LinkState.DOWN ? LinkState.DEGRADED : s;
    }

    private void onKmeFailure(KmeException e, String side) {
        String reason = side + ": " + e.getMessage() + hint(e);
        if (e.kind().needsOperator) {
            setStatus(LinkState.DOWN, reason);
        } else if (e.kind() == Kind.UNREACHABLE || e.kind() == Kind.TIMEOUT) {
            setStatus(lastSuccessMillis == 0 ? LinkState.DOWN : LinkState.DEGRADED, reason);
        } else {
            setStatus(quietState(), reason);
        }
    }

    private String hint(KmeException e) {
        switch (e.kind()) {
        case UNAUTHORIZED:
            return master ? " - check that the vendor KME knows SAE " + settings.masterSaeId()
                    + " (the CN of keyStore) as master for slave SAE " + settings.slaveSaeId()
                    : " - check that the vendor KME knows SAE " + settings.slaveSaeId()
                            + " (the CN of keyStore) as slave of master SAE " + settings.masterSaeId();
        case TLS:
            return " - check keyStore, trustStore (the vendor's CA) and the host name in kmeUrl";
        case BAD_REQUEST:
            return " - check keySizeBits and keysPerRequest against the vendor KME's limits";
        default:
            return "";
        }
    }

    // ---------------------------------------------------------------- emitting

    /**
     * Hands the keys to the attached KMM as key blocks, or destroys them when none is attached.
     *
     * @return whether they were handed over
     */
    private boolean emit(List<VendorKey> keys, String batchId, Instant created) {
        lock.lock();
        try {
            KeyBlockSink s = sink;
            if (s == null) {
                return false;
            }
            long bits = 0;
            for (VendorKey k : keys) {
                // ETSI 014 gives no QBER or epsilon: NaN ("the device does not say")
                KeyBlock b = new KeyBlock(blockId(k.id()), k.bytes(), created, Double.NaN, Double.NaN);
                bits += k.bits();
                k.destroy(); // the block holds its own copy
                try {
                    s.keyBlock(b); // ownership passes to the sink
                } catch (RuntimeException e) {
                    b.destroy();
                    LOG.warn("{}: KMM refused key {} of batch {}: {}", who, k.id(), batchId, e.toString());
                }
            }
            keysDelivered.addAndGet(keys.size());
            lastSuccessMillis = clock.millis();
            meter.add(lastSuccessMillis, bits);
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void destroyBatch(List<VendorKey> keys, String batchId, String why) {
        List<String> ids = new ArrayList<>(keys.size());
        keys.forEach(k -> ids.add(k.id()));
        VendorKey.destroyAll(keys);
        keysDestroyed.addAndGet(keys.size());
        batchesFailed.incrementAndGet();
        // IDs only: the keys are gone from both vendor KMEs' point of view
        LOG.warn("{}: batch {} destroyed, {} vendor keys not delivered ({}): {}", who, batchId, ids.size(), why, ids);
    }

    // ---------------------------------------------------------------- master end

    /** The puller thread of the master end. */
    private final class Worker implements Runnable {
        final Thread thread;
        final CountDownLatch stop = new CountDownLatch(1);

        Worker() {
            thread = new Thread(this, THREAD_PREFIX + end.linkId() + "-" + end.localNodeId());
            thread.setDaemon(true);
        }

        boolean stopped() {
            return stop.getCount() == 0;
        }

        void stop() {
            stop.countDown();
            thread.interrupt();
            if (Thread.currentThread() == thread) {
                return; // a sink detaching from inside a callback: the thread ends after this cycle
            }
            try {
                thread.join(settings.peerTimeoutMillis() + 5_000);
                if (thread.isAlive()) {
                    LOG.warn("{}: puller thread {} did not stop in time", who, thread.getName());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void run() {
            long backoff = 0;
            boolean peerReady = false;
            while (!stopped()) {
                long wait;
                try {
                    if (!peerReady) {
                        hello();
                        peerReady = true;
                    }
                    wait = cycle();
                    backoff = 0;
                } catch (KmeException e) {
                    if (stopped()) {
                        break; // interrupted by detach: not a KME failure
                    }
                    onKmeFailure(e, "vendor KME " + (e.kind() == Kind.NO_KEY ? "has no key" : "call failed"));
                    wait = backoff = nextBackoff(backoff, settings.maxBackoffMillis());
                } catch (PeerFailure e) {
                    if (stopped()) {
                        break;
                    }
                    peerReady = false;
                    setStatus(e.configError ? LinkState.DOWN
                            : lastSuccessMillis == 0 ? LinkState.STARTING : LinkState.DEGRADED, e.getMessage());
                    // a hello costs no vendor key: look for the peer end again soon; a lost batch did cost keys
                    wait = backoff = nextBackoff(backoff,
                            e.keysLost ? settings.maxBackoffMillis() : settings.peerBackoffMillis());
                } catch (RuntimeException e) {
                    LOG.warn("{}: pull cycle failed: {}", who, e.toString());
                    wait = backoff = nextBackoff(backoff, settings.maxBackoffMillis());
                }
                try {
                    if (wait > 0 && stop.await(wait, TimeUnit.MILLISECONDS)) {
                        break;
                    }
                } catch (InterruptedException e) {
                    if (stopped()) {
                        break;
                    }
                }
            }
        }

        private long nextBackoff(long backoff, long max) {
            return Math.min(max, Math.max(settings.pollIntervalMillis(), backoff * 2));
        }
    }

    /** Checks that the slave end is attached and configured alike before any vendor key is taken. */
    private void hello() throws PeerFailure {
        Reply r = ask(new Request(Type.HELLO, end.linkId(), UUID.randomUUID().toString(), settings.masterSaeId(),
                settings.slaveSaeId(), settings.keySizeBits(), List.of()));
        if (!r.ok()) {
            throw new PeerFailure("slave end at node " + end.peerNodeId() + " is not ready: " + r.reason(),
                    r.configError());
        }
    }

    /**
     * One pull: status, enc_keys, fetch at the peer, emit.
     *
     * @return how long to wait before the next pull (0: the KME holds more key right now)
     */
    private long cycle() throws KmeException, PeerFailure {
        long startMillis = clock.millis();
        int size = settings.keySizeBits();
        KmeStatus st = kme.status(settings.slaveSaeId());
        lastKmeStatus = st;
        if ((st.maxKeySize() > 0 && size > st.maxKeySize()) || (st.minKeySize() > 0 && size < st.minKeySize())) {
            throw new KmeException(Kind.BAD_REQUEST, 0, "keySizeBits " + size + " is outside the vendor KME's range ["
                    + st.minKeySize() + ", " + st.maxKeySize() + "]");
        }
        int n = settings.keysPerRequest();
        if (st.maxKeyPerRequest() > 0) {
            n = Math.min(n, st.maxKeyPerRequest());
        }
        long available = st.keysAvailable(size);
        if (available >= 0) {
            n = (int) Math.min(n, available);
        }
        if (n <= 0) {
            setStatus(quietState(), "vendor KME holds no key for SAE " + settings.slaveSaeId() + " (stored_key_count "
                    + st.storedKeyCount() + ")");
            return settings.pollIntervalMillis();
        }
        List<VendorKey> keys = kme.encKeys(settings.slaveSaeId(), n, size);
        Instant created = Instant.ofEpochMilli(clock.millis()); // one creation time (ms) for the blocks at both ends
        String batchId = UUID.randomUUID().toString();
        try {
            String bad = checkBatch(keys, null, n, size);
            if (bad != null) {
                // the vendor KME consumed them for us: nobody else will get them
                destroyBatch(keys, batchId, "enc_keys answer unusable: " + bad);
                throw new KmeException(Kind.PROTOCOL, 200, "enc_keys answer unusable: " + bad);
            }
            List<String> ids = new ArrayList<>(keys.size());
            keys.forEach(k -> ids.add(k.id()));
            Reply r;
            try {
                r = ask(new Request(Type.FETCH, end.linkId(), batchId, settings.masterSaeId(), settings.slaveSaeId(),
                        size, ids, created.toEpochMilli()));
            } catch (PeerFailure e) {
                destroyBatch(keys, batchId, e.getMessage());
                throw new PeerFailure(e.getMessage(), e.configError, true);
            }
            if (!r.ok()) {
                destroyBatch(keys, batchId, "slave end at node " + end.peerNodeId() + ": " + r.reason());
                throw new PeerFailure("slave end at node " + end.peerNodeId() + " could not take batch " + batchId
                        + ": " + r.reason(), r.configError(), true);
            }
            if (!emit(keys, batchId, created)) {
                destroyBatch(keys, batchId, "detached from the KMM mid-batch");
                return 0;
            }
            LOG.debug("{}: batch {} delivered, {} keys: {}", who, batchId, ids.size(), ids);
            setStatus(LinkState.UP, String.format("%d keys pulled; vendor KME stored_key_count %d of %d",
                    keysDelivered.get(), Math.max(0, st.storedKeyCount() - keys.size()), st.maxKeyCount()));
            long wait = available < 0 || available - keys.size() <= 0 ? settings.pollIntervalMillis() : 0;
            if (settings.maxKeysPerSecond() > 0) {
                // pace the pull: an operator cap below the vendor's rate (e.g. to keep our pool from overflowing)
                long due = startMillis + (long) Math.ceil(keys.size() * 1000.0 / settings.maxKeysPerSecond());
                wait = Math.max(wait, due - clock.millis());
            }
            return wait;
        } finally {
            VendorKey.destroyAll(keys);
        }
    }

    /** Sends a request to the slave end and reads its reply. */
    private Reply ask(Request request) throws PeerFailure {
        PeerChannel ch;
        lock.lock();
        try {
            ch = channel;
        } finally {
            lock.unlock();
        }
        if (ch == null) {
            throw new PeerFailure("detached from the KMM (no peer channel)");
        }
        byte[] answer;
        try {
            answer = ch.request(PeerMessages.write(request)).toCompletableFuture().get(settings.peerTimeoutMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PeerFailure("interrupted while waiting for the slave end at node " + end.peerNodeId());
        } catch (TimeoutException e) {
            throw new PeerFailure("slave end at node " + end.peerNodeId() + " did not answer within "
                    + settings.peerTimeoutMillis() + " ms");
        } catch (ExecutionException e) {
            Throwable c = e.getCause() == null ? e : e.getCause();
            String m = c instanceof PeerChannelException ? c.getMessage() : c.toString();
            throw new PeerFailure("peer channel to node " + end.peerNodeId() + ": " + m);
        } catch (RuntimeException e) {
            throw new PeerFailure("peer channel to node " + end.peerNodeId() + ": " + e);
        }
        try {
            return PeerMessages.readReply(answer);
        } catch (IllegalArgumentException e) {
            throw new PeerFailure("slave end at node " + end.peerNodeId() + " answered an unreadable reply: "
                    + e.getMessage());
        }
    }

    /**
     * What is wrong with the keys a KME returned, or null: count, sizes, duplicate or missing IDs.
     *
     * @param requested the IDs asked for (dec_keys), or null (enc_keys)
     * @param number    how many were asked for
     */
    static String checkBatch(List<VendorKey> keys, List<String> requested, int number, int sizeBits) {
        if (keys.isEmpty()) {
            return "no key in the answer";
        }
        if (keys.size() > number) {
            return keys.size() + " keys returned, " + number + " asked for";
        }
        if (requested != null && keys.size() != requested.size()) {
            return keys.size() + " of " + requested.size() + " keys returned";
        }
        Set<UUID> ids = new HashSet<>();
        for (VendorKey k : keys) {
            if (k.bits() != sizeBits) {
                return "key " + k.id() + " has " + k.bits() + " bits, " + sizeBits + " asked for";
            }
            if (!ids.add(blockId(k.id()))) {
                return "key ID " + k.id() + " returned twice";
            }
        }
        if (requested != null) {
            for (String id : requested) {
                if (!ids.contains(blockId(id))) {
                    return "key " + id + " missing";
                }
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- slave end

    /** Answers the master end; called on a KMM thread, possibly concurrently. */
    byte[] handle(byte[] message) throws PeerChannelException {
        Request r;
        try {
            r = PeerMessages.readRequest(message);
        } catch (IllegalArgumentException e) {
            LOG.warn("{}: refused a message from node {}: {}", who, end.peerNodeId(), e.getMessage());
            throw new PeerChannelException(who + ": bad message: " + e.getMessage());
        }
        if (!end.linkId().equals(r.linkId())) {
            throw new PeerChannelException(who + ": message for link " + r.linkId());
        }
        if (master) {
            // both ends think they are the master: roles are misconfigured
            String why = "node " + end.localNodeId() + " is the master end too (role " + end.role()
                    + "): configure one end TRANSMITTER and the other RECEIVER";
            setStatus(LinkState.DOWN, why);
            return PeerMessages.write(Reply.configError(r.batchId(), why));
        }
        String mismatch = mismatch(r);
        if (mismatch != null) {
            setStatus(LinkState.DOWN, "configuration differs from the master end's: " + mismatch);
            return PeerMessages.write(Reply.configError(r.batchId(), "configuration differs at node "
                    + end.localNodeId() + ": " + mismatch));
        }
        if (kme == null) {
            return PeerMessages.write(Reply.failed(r.batchId(), "node " + end.localNodeId() + ": " + kmeProblem,
                    List.of()));
        }
        lock.lock();
        try {
            if (sink == null) {
                return PeerMessages.write(Reply.failed(r.batchId(), "node " + end.localNodeId()
                        + ": driver not attached to a KMM", List.of()));
            }
        } finally {
            lock.unlock();
        }
        if (r.type() == Type.HELLO) {
            if (status.state() == LinkState.DOWN) {
                setStatus(LinkState.STARTING, "master end at node " + end.peerNodeId() + " is there");
            }
            return PeerMessages.write(Reply.ok(r.batchId()));
        }
        kmeInUse.readLock().lock();
        try {
            if (closed) {
                return PeerMessages.write(Reply.failed(r.batchId(), "node " + end.localNodeId()
                        + ": driver stopped", List.of()));
            }
            return PeerMessages.write(fetch(r));
        } finally {
            kmeInUse.readLock().unlock();
        }
    }

    private String mismatch(Request r) {
        if (!settings.masterSaeId().equals(r.masterSaeId()) || !settings.slaveSaeId().equals(r.slaveSaeId())) {
            return "SAE IDs master " + r.masterSaeId() + "/slave " + r.slaveSaeId() + " there, master "
                    + settings.masterSaeId() + "/slave " + settings.slaveSaeId() + " here";
        }
        if (settings.keySizeBits() != r.sizeBits()) {
            return "keySizeBits " + r.sizeBits() + " there, " + settings.keySizeBits() + " here";
        }
        return null;
    }

    /** dec_keys for the IDs the master end got, then emit; all or nothing. */
    private Reply fetch(Request r) {
        List<VendorKey> keys = List.of();
        try {
            keys = kme.decKeys(settings.masterSaeId(), r.keyIds());
            String bad = checkBatch(keys, r.keyIds(), r.keyIds().size(), r.sizeBits());
            if (bad != null) {
                List<String> missing = missing(keys, r.keyIds());
                destroyBatch(keys, r.batchId(), "dec_keys answer unusable: " + bad);
                setStatus(quietState(), "dec_keys answer unusable: " + bad);
                return Reply.failed(r.batchId(), "dec_keys at node " + end.localNodeId() + ": " + bad, missing);
            }
            Instant created = r.createdMillis() > 0 ? Instant.ofEpochMilli(r.createdMillis()) : clock.instant();
            if (!emit(keys, r.batchId(), created)) {
                destroyBatch(keys, r.batchId(), "detached from the KMM mid-batch");
                return Reply.failed(r.batchId(), "node " + end.localNodeId() + ": driver detached", List.of());
            }
            LOG.debug("{}: batch {} delivered, {} keys: {}", who, r.batchId(), keys.size(), r.keyIds());
            setStatus(LinkState.UP, keysDelivered.get() + " keys fetched by ID");
            return Reply.ok(r.batchId());
        } catch (KmeException e) {
            batchesFailed.incrementAndGet();
            LOG.warn("{}: batch {} not fetched ({}): {}", who, r.batchId(), e.getMessage(), r.keyIds());
            if (e.kind() == Kind.BAD_REQUEST) {
                // e.g. "one or more keys specified are not found on KME": this batch, not the link
                setStatus(quietState() == LinkState.STARTING ? LinkState.STARTING : LinkState.DEGRADED,
                        "vendor KME dec_keys failed: " + e.getMessage());
            } else {
                onKmeFailure(e, "vendor KME dec_keys failed");
            }
            return Reply.failed(r.batchId(), "dec_keys at node " + end.localNodeId() + ": " + e.getMessage(),
                    r.keyIds());
        } finally {
            VendorKey.destroyAll(keys);
        }
    }

    private static List<String> missing(List<VendorKey> got, List<String> requested) {
        Map<UUID, String> have = new HashMap<>();
        got.forEach(k -> have.put(blockId(k.id()), k.id()));
        List<String> out = new ArrayList<>();
        for (String id : requested) {
            if (!have.containsKey(blockId(id))) {
                out.add(id);
            }
        }
        return out;
    }

    /** The vendor KME's latest status as the master end read it (null before the first read, or at a slave end). */
    KmeStatus lastKmeStatus() {
        return lastKmeStatus;
    }

    @Override
    public String toString() {
        return "Etsi014Driver[" + end.linkId() + "@" + end.localNodeId() + ", " + (master ? "master" : "slave") + "]";
    }
}
