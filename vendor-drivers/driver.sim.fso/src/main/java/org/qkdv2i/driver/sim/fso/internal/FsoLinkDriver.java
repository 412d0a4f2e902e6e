package org.qkdv2i.driver.sim.fso.internal;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;

import org.qkdv2i.driver.sim.fso.internal.channel.AliceProtocol;
import org.qkdv2i.driver.sim.fso.internal.channel.BobProtocol;
import org.qkdv2i.driver.sim.fso.internal.channel.FramedChannel;
import org.qkdv2i.driver.sim.fso.internal.channel.LibraryDistiller;
import org.qkdv2i.qkd.postprocessing.cascade.CascadePlanCache;
import org.qkdv2i.qkd.postprocessing.hash.ToeplitzPool;
import org.qkdv2i.driver.sim.fso.internal.channel.PadAuthenticator;
import org.qkdv2i.driver.sim.fso.internal.channel.PadStore;
import org.qkdv2i.driver.sim.fso.internal.channel.PadStoreException;
import org.qkdv2i.driver.sim.fso.internal.channel.PqIdentity;
import org.qkdv2i.driver.sim.fso.internal.channel.PqRebootstrap;
import org.qkdv2i.driver.sim.fso.internal.channel.RoundResult;
import org.qkdv2i.driver.sim.fso.internal.physics.ChannelModel;
import org.qkdv2i.driver.sim.fso.internal.sim.AliceSource;
import org.qkdv2i.driver.sim.fso.internal.sim.BobDetector;
import org.qkdv2i.driver.sim.fso.internal.sim.Eavesdropper;
import org.qkdv2i.qkd.api.KeyBlock;
import org.qkdv2i.qkd.api.KeyBlockSink;
import org.qkdv2i.qkd.api.LinkEnd;
import org.qkdv2i.qkd.api.LinkState;
import org.qkdv2i.qkd.api.LinkStatus;
import org.qkdv2i.qkd.api.QkdDriver;
import org.qkdv2i.qkd.api.QkdRole;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One end of a simulated FSO link: one thread that connects (Alice) or accepts (Bob) the
 * quantum and classical TCP channels and runs rounds until closed. Alice's end holds the
 * channel emulation (source, atmosphere, Eve); Bob's end holds the detector.
 */
final class FsoLinkDriver implements QkdDriver {

    /** Name prefix of the link threads, so tests can check none is left behind. */
    static final String THREAD_PREFIX = "qkd-simfso-";
    /** Composable security of a block: ε_cor + ε_PA of the distiller (finite-size terms not included). */
    static final double EPSILON = 1e-10 + 1e-15;
    /** With the finite-key bound: ε_sec (Lim et al. 2014) + ε_cor, and the distiller's ε_PA term on top. */
    static final double EPSILON_FINITE_KEY = AliceProtocol.EPS_SEC + 1e-10 + 1e-15;
    private static final Logger LOG = LoggerFactory.getLogger(FsoLinkDriver.class);
    private static final long RETRY_MILLIS = 1000;

    private final LinkSettings settings;
    private final java.util.function.Supplier<CascadePlanCache> plans;
    private final java.util.function.Supplier<ToeplitzPool> toeplitz;
    private final Clock clock;
    private final LinkEnd end;
    private volatile LinkSettings.Conditions conditions;
    private volatile AliceSource source;
    private volatile LinkStatus status;
    private volatile boolean closed;
    private final ReentrantLock sinkLock = new ReentrantLock();
    private KeyBlockSink sink;
    private final Object wakeup = new Object();
    private final List<Closeable> open = new CopyOnWriteArrayList<>();
    private Thread thread;
    private volatile PadAuthenticator auth;
    private volatile PqIdentity pqIdentity;
    private PqRebootstrap pq;
    /** Since when this end has had no working classical channel (clock millis; −1 while connected). */
    private volatile long downSince = -1;
    private volatile long pqRebootstraps;
    private String lastError;
    private volatile long blocks;
    private volatile long deliveredBits;
    private double simulatedSeconds;
    /** Simulated seconds per wall second; a runtime property (see {@link #updateSpeed}). */
    private volatile double speed;
    /**
     * Wall clock millis at which the simulated time this end has delivered so far was due under its
     * pacing; -1 while it runs no paced rounds. A city engine compares it with its own clock: how far
     * this link's physics is behind the simulated time it shows (rounds cost CPU; a loaded host falls behind).
     */
    private volatile long scheduleDue = -1;
    /** The {@code paceEpoch} token last configured; a change re-bases Alice's pacing (see {@link #updatePaceEpoch}). */
    private volatile long paceEpoch = Long.MIN_VALUE;
    private volatile boolean rebase;
    /** Simulated seconds Alice's pacing is held back (a city clock waiting for a slower link); runtime. */
    private volatile double paceHold;
    private volatile java.util.function.LongConsumer scheduleListener = due -> { };
    /** Driver thread only: the last value handed to the listener and when (throttle). */
    private long scheduleSent = -1;
    private long scheduleSentAt;
    /** At most this often (wall) is the listener told: it may update a service registration. */
    static final long SCHEDULE_EVERY_MILLIS = 250;

    FsoLinkDriver(LinkSettings settings, Clock clock) {
        this(settings, clock, () -> null, () -> null);
    }

    /**
     * @param plans    the framework's shared Cascade plan cache, or null while there is none
     * @param toeplitz the framework's shared Toeplitz hash pool, or null while there is none
     */
    FsoLinkDriver(LinkSettings settings, Clock clock, java.util.function.Supplier<CascadePlanCache> plans,
            java.util.function.Supplier<ToeplitzPool> toeplitz) {
        this.plans = Objects.requireNonNull(plans, "plans");
        this.toeplitz = Objects.requireNonNull(toeplitz, "toeplitz");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.end = settings.end();
        this.conditions = settings.conditions();
        this.speed = settings.speed();
        this.status = LinkStatus.of(LinkState.STARTING, "connecting", clock.instant());
    }

    @Override
    public LinkEnd linkEnd() {
        return end;
    }

    @Override
    public LinkStatus status() {
        return status;
    }

    long blocksDelivered() {
        return blocks;
    }

    /** See {@link #scheduleDue}: wall millis, or -1 while no paced rounds run. */
    long scheduleDue() {
        return scheduleDue;
    }

    /**
     * Told the {@link #scheduleDue} after a round (at most every {@value #SCHEDULE_EVERY_MILLIS} ms
     * of wall time) and -1 when the rounds stop; called on the link thread.
     */
    void onSchedule(java.util.function.LongConsumer listener) {
        scheduleListener = Objects.requireNonNull(listener, "listener");
    }

    /** Records where this end's simulated time stands against its pacing (driver thread). */
    private void schedule(long due) {
        scheduleDue = due;
        long now = clock.millis();
        if ((due < 0) != (scheduleSent < 0) || (due >= 0 && now - scheduleSentAt >= SCHEDULE_EVERY_MILLIS)) {
            scheduleSent = due;
            scheduleSentAt = now;
            try {
                scheduleListener.accept(due);
            } catch (RuntimeException e) {
                LOG.debug("FSO link {} at node {}: schedule listener: {}", end.linkId(), end.localNodeId(), e.toString());
            }
        }
    }

    /**
     * A new pacing epoch: Alice paces from now on (after the round in progress), without the backlog
     * she has against her pacing so far; the first value (at the start) only records the token.
     */
    void updatePaceEpoch(long epoch) {
        long was = paceEpoch;
        paceEpoch = epoch;
        if (was != Long.MIN_VALUE && was != epoch) {
            rebase = true;
            LOG.info("FSO link {} at node {}: pacing from now (epoch {})", end.linkId(), end.localNodeId(), epoch);
        }
    }

    /**
     * Holds Alice's rounds back by {@code holdS} simulated seconds behind her pacing (0: none): the
     * city demo holds its clock for the slowest link and the others wait for it. A wait ends at once.
     */
    void updatePaceHold(double holdS) {
        if (!(holdS >= 0) || Double.isInfinite(holdS)) {
            throw new IllegalArgumentException("paceHoldSeconds must be >= 0, got " + holdS);
        }
        if (holdS != paceHold) {
            paceHold = holdS;
            synchronized (wakeup) {
                wakeup.notifyAll();
            }
        }
    }

    /** Wall millis at which {@code simElapsed} simulated seconds since {@code wallStart} are due; -1 unpaced. */
    private static long due(long wallStart, double simElapsed, double paced) {
        return paced > 0 ? wallStart + (long) (simElapsed / paced * 1000) : -1;
    }

    long bitsDelivered() {
        return deliveredBits;
    }

    /** The pad store while the link runs (null before it opened or when it could not): for tests. */
    PadStore padStore() {
        PadAuthenticator a = auth;
        return a == null ? null : a.store();
    }

    /**
     * This end's ML-DSA-65 public key as the peer's {@code pqPeerPublicKey} wants it (base64
     * SubjectPublicKeyInfo), loaded or generated at {@link #start()}; null without {@code pqFallback}
     * (or while its file cannot be read: the status says why).
     */
    String pqPublicKey() {
        PqIdentity id = pqIdentity;
        return id == null ? null : id.publicKeyBase64();
    }

    /** Post-quantum re-bootstraps this driver instance ran: for tests. */
    long pqRebootstraps() {
        return pqRebootstraps;
    }

    /** Whether the link has been down longer than {@code pqAfterDownSeconds} (0: never asks). */
    private boolean downTooLong() {
        long since = downSince, limit = settings.pq().afterDownSeconds();
        return limit > 0 && since >= 0 && clock.millis() - since >= limit * 1000;
    }

    @Override
    public void attach(KeyBlockSink newSink) {
        Objects.requireNonNull(newSink, "sink");
        sinkLock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("FSO link " + end.linkId() + " at " + end.localNodeId() + " is stopped");
            }
            sink = newSink;
            safeStatus(newSink, status);
        } finally {
            sinkLock.unlock();
        }
        LOG.info("FSO link {} at node {} attached", end.linkId(), end.localNodeId());
    }

    @Override
    public void detach(KeyBlockSink oldSink) {
        sinkLock.lock();
        try {
            if (sink != oldSink) {
                return;
            }
            sink = null;
        } finally {
            sinkLock.unlock();
        }
        LOG.info("FSO link {} at node {} detached", end.linkId(), end.localNodeId());
    }

    /**
     * The pacing changed (the city demo's live speed): Alice paces her rounds at the new rate from
     * the round she is in, without reconnecting; a wait under the old rate ends at once.
     */
    void updateSpeed(double newSpeed) {
        double was = speed;
        speed = newSpeed;
        synchronized (wakeup) {
            wakeup.notifyAll();
        }
        if (was != newSpeed) {
            LOG.info("FSO link {} at node {}: speed now {} simulated s per wall s", end.linkId(), end.localNodeId(),
                    newSpeed);
        }
    }

    /** Weather, daylight or Eve changed: applied from the next batch, without reconnecting. */
    void updateConditions(LinkSettings.Conditions c) {
        conditions = Objects.requireNonNull(c);
        AliceSource s = source;
        if (s != null) {
            s.setModel(new ChannelModel(settings.params(), c.weather(), c.daylight()));
            s.setEve(c.eve());
        }
        LOG.info("FSO link {} at node {}: conditions now {}, {}, eve {}", end.linkId(), end.localNodeId(), c.weather(),
                c.daylight() ? "day" : "night", c.eve().active() ? c.eve() : "none");
    }

    void start() {
        if (settings.pq().fallback() && !settings.stateDir().isEmpty() && settings.authKey().length > 0) {
            try {
                pqIdentity = openIdentity(); // now, so that the component can publish the public key
            } catch (PadStoreException e) {
                // the link thread tries again and reports it
            }
        }
        thread = new Thread(this::run, THREAD_PREFIX + end.linkId() + "-" + end.localNodeId());
        thread.setDaemon(true);
        thread.start();
    }

    private PqIdentity openIdentity() throws PadStoreException {
        return PqIdentity.open(java.nio.file.Path.of(settings.stateDir()), end.linkId(), end.localNodeId(),
                end.role() == QkdRole.TRANSMITTER, settings.authKey());
    }

    /** Stops for good: closes sockets, ends the thread, wipes the authentication pads. */
    void close() {
        closed = true;
        PqIdentity id = pqIdentity;
        if (id != null) {
            id.close();
        }
        for (Closeable c : open) {
            closeQuietly(c);
        }
        synchronized (wakeup) {
            wakeup.notifyAll();
        }
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(10_000);
                if (t.isAlive()) {
                    LOG.warn("FSO link thread {} did not stop within 10 s", t.getName());
                }
                // the rounds' helpers (Alice's "<link thread>-source", Bob's "-detector") end once
                // their sockets are closed (above); wait for them so a stopped link leaves no thread
                String source = t.getName() + "-source", detector = t.getName() + "-detector";
                long deadline = System.nanoTime() + 2_000_000_000L;
                for (Thread h : Thread.getAllStackTraces().keySet()) {
                    if ((h.getName().equals(source) || h.getName().equals(detector)) && h != Thread.currentThread()) {
                        h.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        sinkLock.lock();
        try {
            sink = null;
        } finally {
            sinkLock.unlock();
        }
        status = LinkStatus.of(LinkState.DOWN, "stopped", clock.instant());
    }

    private void run() {
        long seed = settings.seed() != 0 ? settings.seed() : new SecureRandom().nextLong();
        SplittableRandom root = new SplittableRandom(seed);
        if (settings.authKey().length == 0) {
            publish(LinkStatus.of(LinkState.DOWN, "no authKeyHex configured: the classical channel cannot be "
                    + "authenticated, so no key is produced", clock.instant()));
            LOG.warn("FSO link {} at node {}: no authKeyHex configured, link stays down", end.linkId(), end.localNodeId());
            return;
        }
        boolean alice = end.role() == QkdRole.TRANSMITTER;
        if (settings.stateDir().isEmpty()) {
            publish(LinkStatus.of(LinkState.DOWN, "no stateDir for the authentication pad store (and no bundle data "
                    + "area): without it a restart would reuse one-time pads", clock.instant()));
            LOG.error("FSO link {} at node {}: no stateDir configured, link stays down", end.linkId(), end.localNodeId());
            return;
        }
        downSince = clock.millis();
        while (settings.pq().fallback() && pq == null && !closed) {
            try {
                PqIdentity id = pqIdentity != null ? pqIdentity : openIdentity();
                pqIdentity = id;
                pq = new PqRebootstrap(id, settings.pq().peerPublicKey(), end.localNodeId(), end.peerNodeId(),
                        settings.pq().pads(), new SecureRandom(), this::downTooLong);
                LOG.info("FSO link {} at node {}: post-quantum identity {} (ML-DSA-65), public key for the peer's "
                        + "pqPeerPublicKey: {}", end.linkId(), end.localNodeId(), id.fingerprint(), id.publicKeyBase64());
                if (settings.pq().peerPublicKey() == null) {
                    LOG.warn("FSO link {} at node {}: pqFallback without pqPeerPublicKey: a re-bootstrap will be refused",
                            end.linkId(), end.localNodeId());
                }
            } catch (PadStoreException e) {
                publish(LinkStatus.of(LinkState.DOWN, e.getMessage(), clock.instant()));
                LOG.error("FSO link {} at node {}: {}", end.linkId(), end.localNodeId(), e.getMessage());
                if (e.terminal()) {
                    return;
                }
                waitMillis(RETRY_MILLIS);
            }
        }
        while (auth == null && !closed) {
            try {
                auth = new PadAuthenticator(PadStore.open(java.nio.file.Path.of(settings.stateDir()), end.linkId(),
                        end.localNodeId(), alice, settings.authKey()), alice);
            } catch (PadStoreException e) {
                publish(LinkStatus.of(LinkState.DOWN, e.getMessage(), clock.instant()));
                LOG.error("FSO link {} at node {}: {}", end.linkId(), end.localNodeId(), e.getMessage());
                if (e.terminal()) {
                    return; // a tampered store is never replaced by a fresh bootstrap
                }
                waitMillis(RETRY_MILLIS);
            }
        }
        if (auth == null) {
            return;
        }
        try {
            while (!closed) {
                try {
                    if (alice) {
                        runAlice(root);
                    } else {
                        runBob(root);
                    }
                } catch (IOException | RuntimeException e) {
                    if (closed) {
                        break;
                    }
                    String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                    boolean padsGone = e instanceof PadStoreException p && p.terminal();
                    // exhausted or disagreeing pads: DOWN with the reason; the next handshake spends no pad
                    // before finding the same, so retrying is harmless and lets the peer learn it too
                    String reason = padsGone ? why : "channel to " + end.peerNodeId() + " lost: " + why;
                    publish(new LinkStatus(LinkState.DOWN, Double.NaN, 0, 0, status.channelLossDb(), reason,
                            clock.instant()));
                    if (!reason.equals(lastError) || !padsGone) {
                        if (padsGone && pq != null && why.startsWith(PadStore.EXHAUSTED + " (no pad left")) { // take(), mid-round
                            LOG.warn("FSO link {} at node {}: authentication key exhausted in mid-round; re-bootstrapping "
                                    + "post-quantum at the reconnection", end.linkId(), end.localNodeId());
                        } else if (padsGone) {
                            LOG.error("FSO link {} at node {}: {}", end.linkId(), end.localNodeId(), why);
                        } else {
                            LOG.warn("FSO link {} at node {}: channel to {} lost: {}", end.linkId(),
                                    end.localNodeId(), end.peerNodeId(), why);
                        }
                    }
                    lastError = reason;
                    if (downSince < 0) {
                        downSince = clock.millis();
                    }
                    closeAll();
                    waitMillis(RETRY_MILLIS);
                }
            }
        } finally {
            closeAll();
            auth.close();
            PqIdentity id = pqIdentity;
            if (id != null) {
                id.close();
            }
        }
    }

    /** Connection start at either end: pad handshake, with the post-quantum re-bootstrap when it is due. */
    private void handshake(FramedChannel ch) throws IOException {
        if (auth.handshake(ch, end.linkId(), pq)) {
            pqRebootstraps++;
            LOG.info("FSO link {} at node {}: " + PqRebootstrap.LOG_LINE + " (generation {}, peer key {})",
                    end.linkId(), end.localNodeId(), auth.store().generation(),
                    PqIdentity.fingerprint(settings.pq().peerPublicKey()));
        }
        downSince = -1;
    }

    private void runAlice(SplittableRandom root) throws IOException {
        LinkSettings.Conditions c = conditions;
        if (source == null) {
            source = new AliceSource(new ChannelModel(settings.params(), c.weather(), c.daylight()), c.eve(),
                    root.split(), 0);
        }
        Socket q = connect(settings.quantumHost(), settings.quantumPort());
        Socket cs = connect(settings.classicalHost(), settings.classicalPort());
        q.setTcpNoDelay(true);
        FramedChannel ch = new FramedChannel(cs, auth, true);
        handshake(ch);
        lastError = null;
        AliceProtocol proto = new AliceProtocol(ch, new DataOutputStream(new BufferedOutputStream(q.getOutputStream(),
                1 << 16)), source, new Eavesdropper(root.split()), root.split(), settings.abortQber(),
                new LibraryDistiller(new SecureRandom(), plans, toeplitz),
                settings.finiteKey() ? AliceProtocol.Layout.FINITE_KEY : AliceProtocol.Layout.SAMPLED_SIGNAL);
        LOG.info("FSO link {} at node {}: connected to {} (Alice)", end.linkId(), end.localNodeId(), end.peerNodeId());
        long wallStart = clock.millis();
        double simStart = simulatedSeconds;
        double paced = speed;
        try {
            for (long round = 0; !closed; round++) {
                RoundResult r = proto.round(round, settings.roundPulses());
                handle(r, source.model().channelLossDb(), settings.finiteKey());
                if (rebase) { // a new epoch (the story starts): the backlog so far is dropped
                    rebase = false;
                    paced = speed;
                    wallStart = clock.millis();
                    simStart = simulatedSeconds;
                    schedule(due(wallStart, 0, paced));
                    continue;
                }
                if (speed != paced) { // changed live: pace from here at the new rate, keeping the lag
                    long now = clock.millis();
                    long due = due(wallStart, simulatedSeconds - simStart, paced);
                    double lagS = paced > 0 && due >= 0 ? Math.max(0, (now - due) / 1000.0 * paced) : 0;
                    paced = speed;
                    // behind by lagS simulated seconds before, as far behind after (at the new rate)
                    wallStart = paced > 0 ? now - (long) (lagS / paced * 1000) : now;
                    simStart = simulatedSeconds;
                    schedule(due(wallStart, 0, paced));
                    continue;
                }
                schedule(due(wallStart, simulatedSeconds - simStart, paced));
                pace(wallStart, simulatedSeconds - simStart, paced);
            }
        } finally {
            schedule(-1);
            proto.close(); // the next round's qubits, emitted ahead, are wiped when they are not used
        }
    }

    private void runBob(SplittableRandom root) throws IOException {
        ServerSocket qs = listen(settings.quantumHost(), settings.quantumPort());
        ServerSocket cs = listen(settings.classicalHost(), settings.classicalPort());
        Socket q = accept(qs);
        Socket c = accept(cs);
        closeQuietly(qs); // one Alice at a time; listen again after a loss
        closeQuietly(cs);
        FramedChannel ch = new FramedChannel(c, auth, false);
        handshake(ch);
        lastError = null;
        BobProtocol proto = new BobProtocol(ch, new DataInputStream(new BufferedInputStream(q.getInputStream(), 1 << 16)),
                new BobDetector(settings.params(), root.split()), root.split(), settings.sampleFraction(),
                new LibraryDistiller(new SecureRandom(), plans, toeplitz));
        LOG.info("FSO link {} at node {}: {} connected (Bob)", end.linkId(), end.localNodeId(), end.peerNodeId());
        // Bob publishes no schedule: Alice paces the rounds and the protocol is interactive (sifting,
        // Cascade and privacy amplification wait for Bob), so her schedule is the link's
        try {
            while (!closed) {
                RoundResult r = proto.round(settings.params().sourceRateHz());
                handle(r, proto.lastChannelLossDb(), proto.lastLayout() == AliceProtocol.Layout.FINITE_KEY);
            }
        } finally {
            proto.close(); // stops the detector thread (the quantum socket is closed by closeAll)
        }
    }

    /** Turns a round into a status and, with luck, a key block. */
    private void handle(RoundResult r, double lossDb, boolean finiteKey) throws IOException {
        simulatedSeconds += r.simulatedSeconds();
        double t = r.simulatedSeconds();
        double raw = r.detections() / t;
        double siftedRate = r.sifted() / t;
        byte[] key = r.key();
        long bits = 0;
        try {
            if (r.outcome() == RoundResult.Outcome.KEY && key != null) {
                // the pads spent since the last refill (used, or skipped at a resynchronisation) come back out of
                // this block first, the same bytes at both ends; only the rest is delivered and counted in the rate
                int refill = auth.store().refill(key, r.blockId());
                if (key.length > refill) {
                    byte[] rest = Arrays.copyOfRange(key, refill, key.length);
                    KeyBlock block = new KeyBlock(r.blockId(), rest, clock.instant(), r.qber(),
                            finiteKey ? EPSILON_FINITE_KEY : EPSILON);
                    Arrays.fill(rest, (byte) 0);
                    bits = block.bits();
                    deliver(block);
                }
            }
        } finally {
            if (key != null) {
                Arrays.fill(key, (byte) 0);
            }
        }
        LinkState state;
        switch (r.outcome()) {
            case KEY:
                state = r.qber() > 0.7 * settings.abortQber() || bits == 0 ? LinkState.DEGRADED : LinkState.UP;
                break;
            case ABORTED_EAVESDROPPING:
                state = LinkState.ABORTED_EAVESDROPPING;
                break;
            case NO_SIGNAL:
                state = LinkState.DOWN;
                break;
            default:
                state = LinkState.DEGRADED;
        }
        String reason = String.format(Locale.ROOT, "%s; raw %.0f bit/s, sifted %.0f bit/s", r.reason(), raw, siftedRate);
        LinkStatus previous = status;
        publish(new LinkStatus(state, r.qber(), bits / t, raw, lossDb, reason, clock.instant()));
        if (state == LinkState.ABORTED_EAVESDROPPING) {
            LOG.warn("FSO link {} at node {}: round aborted, nothing enters the pool: {}", end.linkId(),
                    end.localNodeId(), r.reason());
        } else if (previous.state() != state) {
            LOG.info("FSO link {} at node {}: {} ({})", end.linkId(), end.localNodeId(), state, r.reason());
        }
    }

    private void deliver(KeyBlock block) {
        sinkLock.lock();
        try {
            KeyBlockSink s = sink;
            if (s == null || closed) {
                block.destroy(); // generated with nobody to take it
                return;
            }
            try {
                s.keyBlock(block);
                blocks++;
                deliveredBits += block.bits();
            } catch (RuntimeException e) {
                block.destroy();
                LOG.warn("FSO link {} at node {}: sink refused block {}: {}", end.linkId(), end.localNodeId(),
                        block.id(), e.toString());
            }
        } finally {
            sinkLock.unlock();
        }
    }

    private void publish(LinkStatus st) {
        status = st;
        sinkLock.lock();
        try {
            if (sink != null) {
                safeStatus(sink, st);
            }
        } finally {
            sinkLock.unlock();
        }
    }

    private void safeStatus(KeyBlockSink s, LinkStatus st) {
        try {
            s.status(st);
        } catch (RuntimeException e) {
            LOG.warn("FSO link {} at node {}: sink refused status: {}", end.linkId(), end.localNodeId(), e.toString());
        }
    }

    /** Holds Alice back so that simulated time runs {@code speed} times wall time (0: no pacing). */
    private void pace(long wallStart, double simElapsed, double paced) {
        if (paced <= 0) {
            return;
        }
        // the hold (a city clock held back for a slower link) delays the next round further; a new
        // hold ends the wait and is paced again. The published schedule stays the unheld one: the
        // lag behind the requested speed, which is what the city measures
        while (!closed && speed == paced) {
            double hold = paceHold;
            long due = wallStart + (long) ((simElapsed + hold) / paced * 1000);
            long left = due - clock.millis();
            if (left <= 0) {
                return;
            }
            waitMillis(left, paced, hold);
            if (paceHold == hold) {
                return;
            }
        }
    }

    private void waitMillis(long millis) {
        waitMillis(millis, Double.NaN, Double.NaN);
    }

    /**
     * Waits unless closed; with {@code paced} a number, also ends when the speed changes from it,
     * with {@code hold} a number when the pacing hold changes from it.
     */
    private void waitMillis(long millis, double paced, double hold) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        synchronized (wakeup) {
            long left;
            while (!closed && (Double.isNaN(paced) || speed == paced) && (Double.isNaN(hold) || paceHold == hold)
                    && (left = deadline - System.nanoTime()) > 0) {
                try {
                    wakeup.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private Socket connect(String host, int port) throws IOException {
        Socket s = new Socket();
        open.add(s);
        if (closed) {
            throw new IOException("stopped");
        }
        s.connect(new InetSocketAddress(InetAddress.getByName(host), port), 5000);
        return s;
    }

    private ServerSocket listen(String host, int port) throws IOException {
        ServerSocket s = new ServerSocket();
        open.add(s);
        if (closed) {
            throw new IOException("stopped");
        }
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getByName(host), port), 1);
        return s;
    }

    private Socket accept(ServerSocket ss) throws IOException {
        Socket s = ss.accept();
        open.add(s);
        if (closed) {
            s.close();
            throw new IOException("stopped");
        }
        return s;
    }

    private void closeAll() {
        for (Closeable c : open) {
            closeQuietly(c);
        }
        open.clear();
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
