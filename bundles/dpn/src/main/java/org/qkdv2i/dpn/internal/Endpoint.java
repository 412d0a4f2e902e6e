package org.qkdv2i.dpn.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.qkdv2i.dpn.api.DpnEndpoint;
import org.qkdv2i.dpn.api.DpnException;
import org.qkdv2i.dpn.api.DpnMessageHandler;
import org.qkdv2i.dpn.api.DpnSession;
import org.qkdv2i.kmm.api.Key;
import org.qkdv2i.kmm.api.KeyManager;
import org.qkdv2i.kmm.api.KeyManagerException;
import org.qkdv2i.kmm.api.KeyRequest;
import org.qkdv2i.zap.api.DeviceAuthenticationUnit;
import org.qkdv2i.zap.api.DeviceId;
import org.qkdv2i.zap.api.DeviceRole;
import org.qkdv2i.zap.api.IdentityDirectory;
import org.qkdv2i.zap.api.IdentityRecord;
import org.qkdv2i.zap.api.MessageProtection;
import org.qkdv2i.zap.api.MessageRejectedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One DAU's DPN endpoint, plain Java (the DS component wraps it): listens on TCP, runs the
 * session set-up ({@link SessionSetup}) for incoming and outgoing connections, keeps the
 * open sessions, schedules rekeys, applies revocations and delivers received messages.
 */
final class Endpoint implements DpnEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(Endpoint.class);
    /** Set-ups in progress at most (incoming), so a flood of idle connections cannot tie up threads. */
    private static final int MAX_PENDING_SETUPS = 32;
    /** Room for the inner type byte and the AEAD header, segment hash and tag. */
    private static final int DATA_OVERHEAD = 256;

    /** The dynamic services an endpoint uses; any of them may be absent or leave. */
    interface Services {
        KeyManager keyManager();

        List<DpnMessageHandler> handlers();
    }

    private final Settings settings;
    private final DeviceAuthenticationUnit dau;
    private final MessageProtection protection;
    private final SessionPolicy policy;
    private final Services services;
    private final Clock clock;
    private final SecureRandom random;
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    private final Map<Session, ScheduledFuture<?>> rekeyTasks = new ConcurrentHashMap<>();
    private final Set<DeviceId> revoked = ConcurrentHashMap.newKeySet();
    private final Map<DeviceId, Object> connectLocks = new ConcurrentHashMap<>();
    private final Map<MessageRejectedException.Reason, LongAdder> rejections = new EnumMap<>(
            MessageRejectedException.Reason.class);
    private final Map<DpnException.Reason, LongAdder> refusedSetUps = new EnumMap<>(DpnException.Reason.class);
    private final Semaphore pendingSetups = new Semaphore(MAX_PENDING_SETUPS);
    /** Connections still in set-up (both directions): closed by {@link #stop()}, so it need not wait for them. */
    private final Set<Socket> settingUp = ConcurrentHashMap.newKeySet();
    private final IdentityDirectory.Listener listener = this::directoryChanged;
    private final SessionSetup setup;
    private final FastTransition fastTransition;
    private final LongAdder fullSetUps = new LongAdder();
    private final LongAdder fastSetUps = new LongAdder();
    private volatile IdentityDirectory directory;
    private volatile boolean running;
    private ServerSocket server;
    private Thread acceptor;
    private ExecutorService workers;
    private ScheduledExecutorService scheduler;

    Endpoint(Settings settings, DeviceAuthenticationUnit dau, MessageProtection protection, SessionPolicy policy,
            Services services, Clock clock, SecureRandom random) {
        this.settings = settings;
        this.dau = dau;
        this.protection = protection;
        this.policy = policy;
        this.services = services;
        this.clock = clock;
        this.random = random;
        for (MessageRejectedException.Reason r : MessageRejectedException.Reason.values()) {
            rejections.put(r, new LongAdder());
        }
        for (DpnException.Reason r : DpnException.Reason.values()) {
            refusedSetUps.put(r, new LongAdder()); // filled once: the map is only read afterwards
        }
        this.fastTransition = new FastTransition(this);
        this.setup = new SessionSetup(this);
    }

    /** Binds the listening socket and starts accepting. */
    synchronized void start() throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getByName(settings.host()), settings.port()), 64);
        server = s;
        running = true;
        workers = Executors.newCachedThreadPool(threads("dpn-" + settings.dauName() + "-session"));
        scheduler = Executors.newSingleThreadScheduledExecutor(threads("dpn-" + settings.dauName() + "-rekey"));
        acceptor = threads("dpn-" + settings.dauName() + "-accept").newThread(this::acceptLoop);
        acceptor.start();
        // expired fast-transition keys are zeroised within a minute even if never looked up again
        scheduler.scheduleAtFixedRate(fastTransition::sweep, 60, 60, TimeUnit.SECONDS);
        LOG.info("dpn {}: endpoint of {} ({}) listening on {}", settings.dauName(), dau.id(),
                dau.identityRecord().role(), listenAddress());
    }

    /** Closes every session and the listening socket; waits (bounded) for the threads. */
    void stop() {
        ServerSocket s;
        synchronized (this) {
            running = false;
            s = server;
        }
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        for (Socket socket : new ArrayList<>(settingUp)) {
            closeQuietly(socket);
        }
        for (Session session : new ArrayList<>(sessions)) {
            session.close();
        }
        setDirectory(null);
        fastTransition.close();
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        if (workers != null) {
            workers.shutdownNow();
            try {
                workers.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (acceptor != null) {
            try {
                acceptor.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        LOG.info("dpn {}: endpoint stopped", settings.dauName());
    }

    @Override
    public DeviceId deviceId() {
        return dau.id();
    }

    @Override
    public InetSocketAddress listenAddress() {
        ServerSocket s = server;
        return s == null ? null : new InetSocketAddress(s.getInetAddress(), s.getLocalPort());
    }

    @Override
    public DpnSession connect(InetSocketAddress address, DeviceId expectedPeer) throws DpnException {
        if (!running) {
            throw new DpnException(DpnException.Reason.CLOSED, "dpn " + name() + ": endpoint stopped");
        }
        if (expectedPeer.equals(dau.id())) {
            throw new IllegalArgumentException("dpn " + name() + ": cannot open a session to itself");
        }
        synchronized (connectLocks.computeIfAbsent(expectedPeer, k -> new Object())) {
            for (Session s : sessions) {
                if (s.isOpen() && s.peer().id().equals(expectedPeer)) {
                    return s;
                }
            }
            if (isRevoked(expectedPeer)) {
                LOG.warn("dpn {}: session to {} refused: REVOKED", name(), expectedPeer);
                refusedSetUp(DpnException.Reason.REVOKED);
                throw new DpnException(DpnException.Reason.REVOKED, "device " + expectedPeer + " is revoked");
            }
            checkRoom();
            Session s = setup.initiate(address, expectedPeer);
            start(s);
            return s;
        }
    }

    @Override
    public boolean transferFastTransition(DeviceId vehicle, DpnSession toBaseStation) throws DpnException {
        if (!(toBaseStation instanceof Session s) || !sessions.contains(s)) {
            throw new IllegalArgumentException("dpn " + name() + ": not a session of this endpoint");
        }
        return fastTransition.transfer(vehicle, s);
    }

    @Override
    public Collection<DpnSession> sessions() {
        List<DpnSession> out = new ArrayList<>();
        for (Session s : sessions) {
            if (s.isOpen()) {
                out.add(s);
            }
        }
        return out;
    }

    // ---- for sessions and the set-up ----

    String name() {
        return settings.dauName();
    }

    FastTransition fastTransition() {
        return fastTransition;
    }

    /** The open sessions (internal type). */
    Collection<Session> openSessions() {
        return sessions;
    }

    DeviceRole localRole() {
        return dau.identityRecord().role();
    }

    /** A device's record from the identity directory, if one is bound and knows it. */
    java.util.Optional<IdentityRecord> findRecord(DeviceId id) {
        IdentityDirectory d = directory;
        if (d == null) {
            return java.util.Optional.empty();
        }
        try {
            return d.find(id);
        } catch (RuntimeException e) {
            LOG.debug("dpn {}: identity directory failed: {}", name(), e.toString());
            return java.util.Optional.empty();
        }
    }

    /** Runs work that may wait (e.g. an answer on a session) off the session's reader thread. */
    void execute(Runnable r) {
        try {
            workers.execute(r);
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }

    void countSetUp(boolean fast) {
        (fast ? fastSetUps : fullSetUps).increment();
    }

    /** Sessions set up by a full unit authentication / by a fast transition (tests, benchmark). */
    long fullSetUps() {
        return fullSetUps.sum();
    }

    long fastSetUps() {
        return fastSetUps.sum();
    }

    Settings settings() {
        return settings;
    }

    DeviceAuthenticationUnit dau() {
        return dau;
    }

    MessageProtection protection() {
        return protection;
    }

    Policy policy() {
        return policy.current();
    }

    Clock clock() {
        return clock;
    }

    byte[] random(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    int dataFrameLimit() {
        return settings.maxMessageBytes() + DATA_OVERHEAD;
    }

    boolean isRevoked(DeviceId id) {
        if (revoked.contains(id)) {
            return true;
        }
        IdentityDirectory d = directory;
        if (d == null) {
            return false;
        }
        try {
            if (d.isRevoked(id)) {
                revoked.add(id);
                return true;
            }
        } catch (RuntimeException e) {
            // the directory is leaving; what we learnt so far still holds
            LOG.debug("dpn {}: identity directory failed: {}", name(), e.toString());
        }
        return false;
    }

    void countRejected(MessageRejectedException.Reason reason) {
        rejections.get(reason).increment();
    }

    /**
     * Counts a refused session set-up (either side refused) for {@link #refusedSetUps()}; only
     * authentication, revocation and policy refusals count.
     */
    void refusedSetUp(DpnException.Reason reason) {
        if (reason == DpnException.Reason.AUTHENTICATION_FAILED || reason == DpnException.Reason.REVOKED
                || reason == DpnException.Reason.POLICY_DENIED) {
            refusedSetUps.get(reason).increment();
        }
    }

    @Override
    public Map<DpnException.Reason, Long> refusedSetUps() {
        Map<DpnException.Reason, Long> out = new EnumMap<>(DpnException.Reason.class);
        refusedSetUps.forEach((r, n) -> {
            long v = n.sum();
            if (v > 0) {
                out.put(r, v);
            }
        });
        return out;
    }

    /** Messages refused so far, by reason (tests, diagnostics). */
    long rejected(MessageRejectedException.Reason reason) {
        return rejections.get(reason).sum();
    }

    void deliver(Session session, byte[] payload) {
        List<DpnMessageHandler> handlers = services.handlers();
        if (handlers.isEmpty()) {
            LOG.debug("{}: no DpnMessageHandler with dau.name={}, message dropped", session.describe(), name());
            return;
        }
        for (DpnMessageHandler h : handlers) {
            try {
                h.received(session, payload);
            } catch (RuntimeException e) {
                LOG.warn("{}: handler {} failed: {}", session.describe(), h.getClass().getName(), e.toString());
            }
        }
    }

    void removed(Session session) {
        sessions.remove(session);
        ScheduledFuture<?> t = rekeyTasks.remove(session);
        if (t != null) {
            t.cancel(false);
        }
    }

    /** Adds an established session, starts its reader and (if we opened it) its rekey schedule. */
    void start(Session s) throws DpnException {
        if (!running) {
            s.closeWith(DpnException.Reason.CLOSED, false);
            throw new DpnException(DpnException.Reason.CLOSED, "dpn " + name() + ": endpoint stopped");
        }
        sessions.add(s);
        LOG.info("{}: open, segment {}, {}, unit authentication {}{}", s.describe(), s.segment(),
                s.initiator() ? "initiated" : "accepted", s.postQuantumAuthenticated() ? "ML-DSA + ML-KEM" : "KMAC",
                s.quantumKeyed() ? ", QKD-keyed" : "");
        if (s.initiator()) {
            try {
                workers.execute(s::readLoop);
            } catch (RejectedExecutionException e) {
                s.closeWith(DpnException.Reason.CLOSED, false);
                throw new DpnException(DpnException.Reason.CLOSED, "dpn " + name() + ": endpoint stopping");
            }
        }
        long period = settings.rekeySeconds();
        if (s.initiator() && period > 0) {
            rekeyTasks.put(s, scheduler.scheduleAtFixedRate(() -> scheduledRekey(s), period, period, TimeUnit.SECONDS));
        }
    }

    void checkRoom() throws DpnException {
        if (sessions.size() >= settings.maxSessions()) {
            throw new DpnException(DpnException.Reason.UNREACHABLE,
                    "dpn " + name() + ": " + settings.maxSessions() + " sessions open (maxSessions)");
        }
    }

    private void scheduledRekey(Session s) {
        if (!s.isOpen()) {
            return;
        }
        try {
            s.rekey();
        } catch (DpnException e) {
            LOG.warn("{}: scheduled rekey failed: {}", s.describe(), e.getMessage());
        }
    }

    // ---- QKD mixing (ETSI GS QKD 014 enc_keys / dec_keys semantics through kmm.api) ----

    /** Whether a session between these two records should carry a QKD key. */
    boolean quantumPair(IdentityRecord a, IdentityRecord b) {
        return a.role() == DeviceRole.BASE_STATION && b.role() == DeviceRole.BASE_STATION;
    }

    /**
     * A fresh key for the session, this side as master SAE ({@code enc_keys}); null when
     * there is none and none is required.
     */
    Key newQuantumKey(String what, String peerSae) throws DpnException {
        KeyManager km = services.keyManager();
        String mySae = settings.qkdSaeId();
        String missing = km == null ? "no KeyManager" : mySae.isEmpty() ? "no qkdSaeId configured"
                : peerSae == null ? "no qkdPeerSaeId for the peer" : null;
        if (missing == null) {
            try {
                List<Key> keys = km.newKeys(new KeyRequest(mySae, peerSae, 1, 256));
                if (keys.size() == 1) {
                    return keys.get(0);
                }
                keys.forEach(Key::destroy);
                missing = "KMM returned " + keys.size() + " keys";
            } catch (KeyManagerException e) {
                missing = "KMM refused (" + e.reason() + "): " + e.getMessage();
            } catch (RuntimeException e) {
                // the KeyManager left while in use
                missing = "KMM failed: " + e;
            }
        }
        if (settings.quantumKeyRequired()) {
            LOG.warn("dpn {}: {}: no QKD key ({}) and quantumKeyRequired", name(), what, missing);
            throw new DpnException(DpnException.Reason.UNREACHABLE, what + ": no QKD key (" + missing + ")");
        }
        LOG.info("dpn {}: {}: keyed without QKD ({})", name(), what, missing);
        return null;
    }

    /** The key the peer (master SAE {@code masterSae}) took for us ({@code dec_keys}). */
    Key quantumKeyById(String what, String expectedPeerSae, String masterSae, UUID keyId) throws DpnException {
        if (expectedPeerSae != null && !expectedPeerSae.equals(masterSae)) {
            throw new DpnException(DpnException.Reason.AUTHENTICATION_FAILED,
                    what + ": QKD key offered by SAE " + masterSae + ", expected " + expectedPeerSae);
        }
        KeyManager km = services.keyManager();
        String mySae = settings.qkdSaeId();
        String problem;
        if (km == null || mySae.isEmpty()) {
            problem = km == null ? "no KeyManager" : "no qkdSaeId configured";
        } else {
            try {
                List<Key> keys = km.keysById(mySae, masterSae, List.of(keyId));
                if (keys.size() == 1) {
                    return keys.get(0);
                }
                keys.forEach(Key::destroy);
                problem = "KMM returned " + keys.size() + " keys";
            } catch (KeyManagerException e) {
                problem = "KMM refused key " + keyId + " (" + e.reason() + "): " + e.getMessage();
            } catch (RuntimeException e) {
                problem = "KMM failed: " + e;
            }
        }
        throw new DpnException(DpnException.Reason.UNREACHABLE, what + ": QKD key " + keyId + " unavailable: " + problem);
    }

    Key quantumKeyForRekey(Session s, String peerSae) throws DpnException {
        return newQuantumKey(s.describe() + " rekey", peerSae);
    }

    Key quantumKeyById(Session s, String masterSae, UUID keyId) throws DpnException {
        return quantumKeyById(s.describe() + " rekey", s.peerSaeId(), masterSae, keyId);
    }

    // ---- revocation ----

    /** Follows the (optional, dynamic) identity directory: listener moved, sessions re-checked. */
    void setDirectory(IdentityDirectory d) {
        IdentityDirectory old = directory;
        if (old == d) {
            return;
        }
        if (old != null) {
            try {
                old.removeListener(listener);
            } catch (RuntimeException e) {
                // it is leaving anyway
            }
        }
        directory = d;
        if (d != null) {
            d.addListener(listener);
            for (Session s : new ArrayList<>(sessions)) {
                if (isRevoked(s.peer().id())) {
                    s.closeRevoked("found revoked in the identity directory");
                }
            }
        }
    }

    void directoryChanged(DeviceId id, boolean isRevoked) {
        if (!isRevoked) {
            return;
        }
        revoked.add(id);
        fastTransition.revoked(id);
        for (Session s : new ArrayList<>(sessions)) {
            if (s.peer().id().equals(id)) {
                s.closeRevoked("revocation in the identity directory");
            }
        }
    }

    // ---- accepting ----

    private void acceptLoop() {
        ServerSocket s = server;
        while (running) {
            Socket socket;
            try {
                socket = s.accept();
            } catch (IOException e) {
                if (running) {
                    LOG.warn("dpn {}: accept failed: {}", name(), e.getMessage());
                }
                continue;
            }
            if (!pendingSetups.tryAcquire()) {
                LOG.warn("dpn {}: connection from {} refused: {} set-ups already in progress", name(),
                        socket.getRemoteSocketAddress(), MAX_PENDING_SETUPS);
                closeQuietly(socket);
                continue;
            }
            try {
                workers.execute(() -> serve(socket));
            } catch (RejectedExecutionException e) {
                pendingSetups.release();
                closeQuietly(socket);
            }
        }
    }

    private void serve(Socket socket) {
        Session s;
        settingUp(socket, true);
        try {
            s = setup.respond(socket);
        } finally {
            settingUp(socket, false);
            pendingSetups.release();
        }
        if (s == null) {
            return;
        }
        try {
            start(s);
        } catch (DpnException e) {
            return;
        }
        s.readLoop();
    }

    boolean isRunning() {
        return running;
    }

    /** Connections in set-up now (tests, diagnostics). */
    int settingUpCount() {
        return settingUp.size();
    }

    void settingUp(Socket socket, boolean inProgress) {
        if (inProgress) {
            settingUp.add(socket);
            if (!running) {
                closeQuietly(socket);
            }
        } else {
            settingUp.remove(socket);
        }
    }

    static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
