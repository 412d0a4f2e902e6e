package org.qkdv2i.kmm.internal.core;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.qkdv2i.kmm.internal.core.PeerTransport.BlockCheck;
import org.qkdv2i.kmm.internal.core.PeerTransport.KeyCheckRequest;
import org.qkdv2i.kmm.internal.core.PeerTransport.KeyCheckResult;
import org.qkdv2i.kmm.internal.core.PeerTransport.PeerException;
import org.qkdv2i.qkd.api.KeyBlock;
import org.qkdv2i.qkd.api.LinkEnd;
import org.qkdv2i.qkd.postprocessing.auth.Ghash;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Key authentication (issue 9): a driver key block becomes servable only once the two KMMs of
 * its link have confirmed over their authenticated peer channel that they hold identical
 * material. The key-check value of a block is a one-time Wegman–Carter tag: GHASH_H(block ID ‖
 * material) XOR a one-time pad, with H and the pad the last 32 bytes of the block itself (spent:
 * 256 bits per block, never stored as keys). GHASH is ε-almost-XOR-universal over GF(2^128) with
 * ε = L/2^128 for L 128-bit blocks (Wegman and Carter, JCSS 22 (1981); McGrew and Viega, GCM,
 * NIST SP 800-38D §6.4), so two different blocks give the same value with at most that
 * probability, and the value tells an eavesdropper nothing about the material (the pad is used
 * once).
 *
 * <p>The end whose node ID sorts first (the initiator) sends the values of its held blocks in
 * batches ({@code POST /peer/v1/keycheck}), asynchronously on its own thread; the other end
 * compares them with its own: match → both store the block, mismatch → both destroy it and raise
 * the alarm {@code KEY_AUTHENTICATION_FAILED}, block not yet received there → "unknown" (its
 * value is kept and compared when the block arrives; the initiator asks again shortly). Blocks
 * nobody confirms within {@link #holdMillis} are destroyed. Held material stays in memory only
 * (never sealed to disk before it is authenticated) and is zeroised on every path.
 */
public final class KeyAuthenticator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KeyAuthenticator.class);

    /** GHASH key (16 bytes) and tag pad (16 bytes), from the end of each block. */
    public static final int KEY_BYTES = 32;
    static final int TAG_BYTES = 16;
    /** Bits of key one block's authentication spends. */
    public static final long BITS_SPENT_PER_BLOCK = 8L * KEY_BYTES;
    static final String MATCH = "match";
    static final String MISMATCH = "mismatch";
    static final String UNKNOWN = "unknown";
    /** Most blocks in one key check. */
    static final int BATCH = 512;
    /**
     * Most block material in one key check: the peer stores the blocks that match before it answers
     * (sealing 200 blocks of 64 KiB took longer than the 5 s peer timeout on a loaded machine).
     */
    static final long BATCH_BYTES = 512 * 1024;
    /** Most blocks held unauthenticated at this node; beyond, the oldest is destroyed. */
    static final int MAX_HELD = 8192;
    /** Remembered verdicts and early values of the peer (responder side). */
    private static final int MEMORY = 65_536;
    /**
     * When to ask again after "unknown" (the peer's driver has not delivered the block yet): both
     * ends' drivers usually deliver a block within milliseconds of each other, so soon at first,
     * then every 20 ms.
     */
    private static final long[] RETRY_NANOS = {TimeUnit.MILLISECONDS.toNanos(2), TimeUnit.MILLISECONDS.toNanos(5),
        TimeUnit.MILLISECONDS.toNanos(10), TimeUnit.MILLISECONDS.toNanos(20)};
    /**
     * The first check of a block waits this long: the peer's driver has usually delivered it by then,
     * and blocks arriving meanwhile share the request (each request costs TLS and JSON work at both
     * nodes; measured ~1 ms CPU per block with 1 KB blocks without this wait).
     */
    private static final long FIRST_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final long BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final byte[] DOMAIN = "qkdv2i/key-check/v1".getBytes(StandardCharsets.US_ASCII);

    /** Counters of one link (guarded by the authenticator's monitor). */
    static final class Stats {
        long authenticated;
        long failed;
        long expired;
        long bitsSpent;
    }

    /** What the counters of a link say, for status and benchmarks. */
    public record LinkStats(String linkId, long authenticated, long failed, long expired, long bitsSpent, int held) {
    }

    private static final class Held {
        final LinkEnd end;
        final UUID id;
        final byte[] material;
        final Instant created;
        final double qber;
        final double epsilon;
        final byte[] tag;
        final long sinceNanos;
        final boolean initiator;
        long nextTryNanos;
        int tries;
        boolean inFlight;

        Held(LinkEnd end, KeyBlock block, byte[] material, byte[] tag, boolean initiator, long now) {
            this.end = end;
            this.id = block.id();
            this.material = material;
            this.created = block.created();
            this.qber = block.qber();
            this.epsilon = block.epsilon();
            this.tag = tag;
            this.sinceNanos = now;
            this.initiator = initiator;
            this.nextTryNanos = now + FIRST_CHECK_NANOS;
        }

        void wipe() {
            Arrays.fill(material, (byte) 0);
            Arrays.fill(tag, (byte) 0);
        }
    }

    private final KmmCore core;
    private final String nodeId;
    /** Blocks waiting for their verdict, oldest first, by link + block ID. */
    private final LinkedHashMap<String, Held> held = new LinkedHashMap<>();
    /** Responder: the initiator's value of a block not received here yet. */
    private final Map<String, byte[]> early = bounded();
    /** Responder: this node's value of blocks decided here (null value: mismatch), for repeated checks. */
    private final Map<String, byte[]> decided = bounded();
    private final Map<String, Stats> stats = new TreeMap<>();
    /** Responder: blocks decided by a key check, to be stored or destroyed by the thread ({held, verdict}). */
    private final List<Object[]> decidedHere = new ArrayList<>();
    private final Thread worker;
    volatile long holdMillis = 30_000;
    private boolean closed;
    /** Links whose last key check failed to reach the peer (one log line per outage). */
    private final Map<String, Boolean> unreachable = new TreeMap<>();

    KeyAuthenticator(KmmCore core, String nodeId) {
        this.core = core;
        this.nodeId = nodeId;
        this.worker = new Thread(this::run, "kmm-keyauth-" + nodeId);
        worker.setDaemon(true);
        worker.start();
    }

    private static <K, V> Map<K, V> bounded() {
        return new LinkedHashMap<>() {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > MEMORY;
            }
        };
    }

    private static String key(String linkId, UUID blockId) {
        return linkId + '|' + blockId;
    }

    /**
     * The key-check value of {@code material} (the block without its last {@link #KEY_BYTES}),
     * keyed by {@code oneTimeKey[off..off+32)}: GHASH_H(domain ‖ link ‖ block ID ‖ material) ⊕ pad.
     */
    public static byte[] tag(String linkId, UUID blockId, byte[] material, byte[] oneTimeKey, int off) {
        byte[] h = Arrays.copyOfRange(oneTimeKey, off, off + 16);
        Ghash g = new Ghash(h);
        Arrays.fill(h, (byte) 0);
        try {
            byte[] link = linkId.getBytes(StandardCharsets.UTF_8);
            ByteBuffer head = ByteBuffer.allocate(DOMAIN.length + 4 + link.length + 16);
            head.put(DOMAIN).putInt(link.length).put(link).putLong(blockId.getMostSignificantBits())
                    .putLong(blockId.getLeastSignificantBits());
            g.update(head.array(), 0, head.capacity());
            g.update(material, 0, material.length);
            g.updateLengths(8L * head.capacity(), 8L * material.length);
            byte[] t = g.digest();
            for (int i = 0; i < TAG_BYTES; i++) {
                t[i] ^= oneTimeKey[off + 16 + i];
            }
            return t;
        } finally {
            g.wipe();
        }
    }

    /** Whether this end of the link sends the key checks. */
    static boolean initiator(LinkEnd end) {
        return end.localNodeId().compareTo(end.peerNodeId()) < 0;
    }

    /** A driver's block: computes its value, then holds it until the peer's verdict. Takes the block over. */
    void submit(LinkEnd end, KeyBlock block) {
        byte[] bytes = block.key();
        block.destroy();
        int n = bytes.length - KEY_BYTES;
        if (n <= 0) {
            Arrays.fill(bytes, (byte) 0);
            LOG.warn("node {} link {}: key block {} of {} bytes is too short to authenticate; destroyed", nodeId,
                    end.linkId(), block.id(), bytes.length);
            return;
        }
        byte[] material = Arrays.copyOf(bytes, n);
        byte[] tag = tag(end.linkId(), block.id(), material, bytes, n);
        Arrays.fill(bytes, (byte) 0);
        boolean initiator = initiator(end);
        String k = key(end.linkId(), block.id());
        String verdict = null;
        Held h = new Held(end, block, material, tag, initiator, System.nanoTime());
        List<Held> evicted = new ArrayList<>();
        synchronized (this) {
            if (closed || held.containsKey(k)) {
                h.wipe(); // a repeated block (the driver sent it twice): the first copy is being checked
                return;
            }
            if (decided.containsKey(k)) {
                byte[] d = decided.get(k);
                verdict = d != null && org.bouncycastle.util.Arrays.constantTimeAreEqual(d, tag) ? MATCH : MISMATCH;
                if (MISMATCH.equals(verdict)) {
                    h.wipe();
                    return; // already failed (alarm raised); a repeat is destroyed silently
                }
            } else {
                stats(end.linkId()).bitsSpent += BITS_SPENT_PER_BLOCK;
                byte[] value = initiator ? null : early.remove(k);
                if (value != null) {
                    verdict = org.bouncycastle.util.Arrays.constantTimeAreEqual(value, tag) ? MATCH : MISMATCH;
                    decided.put(k, MATCH.equals(verdict) ? tag.clone() : null);
                } else {
                    held.put(k, h);
                    while (held.size() > MAX_HELD) {
                        Iterator<Held> it = held.values().iterator();
                        Held old = it.next();
                        it.remove();
                        stats(old.end.linkId()).expired++;
                        old.wipe();
                        evicted.add(old);
                    }
                    if (initiator) {
                        notifyAll();
                    }
                }
            }
        }
        for (Held old : evicted) {
            LOG.warn("node {} link {}: more than {} key blocks wait for authentication; block {} destroyed", nodeId,
                    old.end.linkId(), MAX_HELD, old.id);
        }
        if (verdict != null) {
            settle(h, verdict);
        }
    }

    /** Stores (match) or destroys and raises the alarm (mismatch); wipes the held copy either way. */
    private void settle(Held h, String verdict) {
        try {
            if (MATCH.equals(verdict)) {
                synchronized (this) {
                    stats(h.end.linkId()).authenticated++;
                }
                core.ingest(h.end, new KeyBlock(h.id, h.material, h.created, h.qber, h.epsilon));
            } else {
                synchronized (this) {
                    stats(h.end.linkId()).failed++;
                }
                core.keyAuthenticationFailed(h.end, h.id);
            }
        } finally {
            h.wipe();
        }
    }

    /** {@code POST /peer/v1/keycheck} from {@code caller}: compares its values with this node's. */
    KeyCheckResult check(String caller, KeyCheckRequest r, String linkPeer) throws PeerException {
        if (r.blocks().size() > BATCH) {
            throw new PeerException("at most " + BATCH + " blocks per key check, got " + r.blocks().size(), true);
        }
        List<String> verdicts = new ArrayList<>(r.blocks().size());
        List<Held> settled = new ArrayList<>();
        List<String> outcome = new ArrayList<>();
        synchronized (this) {
            String peer = linkPeer;
            for (Held h : held.values()) {
                if (peer != null) {
                    break;
                }
                if (h.end.linkId().equals(r.linkId())) {
                    peer = h.end.peerNodeId();
                }
            }
            if (peer != null && !peer.equals(caller)) {
                throw new PeerException("link " + r.linkId() + " joins " + nodeId + " and " + peer + ", not "
                        + caller, true);
            }
            for (BlockCheck b : r.blocks()) {
                if (b.tag().length != TAG_BYTES) {
                    throw new PeerException("a key-check value has " + TAG_BYTES + " bytes", true);
                }
            }
            for (BlockCheck b : r.blocks()) {
                String k = key(r.linkId(), b.blockId());
                if (decided.containsKey(k)) {
                    byte[] d = decided.get(k);
                    verdicts.add(d != null && org.bouncycastle.util.Arrays.constantTimeAreEqual(d, b.tag()) ? MATCH
                            : MISMATCH);
                    continue;
                }
                Held h = held.get(k);
                if (h == null || h.initiator) {
                    if (peer != null) {
                        early.put(k, b.tag().clone()); // compared when the driver delivers the block here
                    }
                    verdicts.add(UNKNOWN);
                    continue;
                }
                held.remove(k);
                boolean match = org.bouncycastle.util.Arrays.constantTimeAreEqual(h.tag, b.tag());
                decided.put(k, match ? h.tag.clone() : null);
                verdicts.add(match ? MATCH : MISMATCH);
                settled.add(h);
                outcome.add(match ? MATCH : MISMATCH);
            }
        }
        if (!settled.isEmpty()) {
            synchronized (this) {
                // stored (or destroyed) on this node's key authentication thread: the answer does not
                // wait for sealing, which for large batches of large blocks outlasted the peer timeout
                for (int i = 0; i < settled.size(); i++) {
                    decidedHere.add(new Object[] {settled.get(i), outcome.get(i)});
                }
                notifyAll();
            }
        }
        return new KeyCheckResult(verdicts);
    }

    private Stats stats(String linkId) {
        return stats.computeIfAbsent(linkId, k -> new Stats());
    }

    synchronized List<LinkStats> stats() {
        List<LinkStats> out = new ArrayList<>();
        for (Map.Entry<String, Stats> e : stats.entrySet()) {
            int waiting = (int) held.values().stream().filter(h -> h.end.linkId().equals(e.getKey())).count();
            Stats s = e.getValue();
            out.add(new LinkStats(e.getKey(), s.authenticated, s.failed, s.expired, s.bitsSpent, waiting));
        }
        return out;
    }

    synchronized int held() {
        return held.size();
    }

    // ------------------------------------------------------------------ the initiator's thread

    private void run() {
        while (true) {
            Map<String, List<Held>> due = new LinkedHashMap<>();
            Map<String, long[]> batchBytes = new HashMap<>();
            List<Held> expired = new ArrayList<>();
            List<Object[]> toSettle;
            synchronized (this) {
                if (closed) {
                    decidedHere.forEach(d -> ((Held) d[0]).wipe());
                    decidedHere.clear();
                    return;
                }
                toSettle = new ArrayList<>(decidedHere);
                decidedHere.clear();
            }
            for (Object[] d : toSettle) {
                try {
                    settle((Held) d[0], (String) d[1]);
                } catch (RuntimeException e) {
                    LOG.warn("node {} link {}: storing authenticated block {} failed: {}", nodeId,
                            ((Held) d[0]).end.linkId(), ((Held) d[0]).id, e.toString());
                }
            }
            synchronized (this) {
                if (closed) {
                    return;
                }
                long now = System.nanoTime();
                long holdNanos = TimeUnit.MILLISECONDS.toNanos(holdMillis);
                long wake = now + TimeUnit.SECONDS.toNanos(1);
                for (Iterator<Held> it = held.values().iterator(); it.hasNext();) {
                    Held h = it.next();
                    if (h.inFlight) {
                        continue;
                    }
                    if (now - h.sinceNanos > holdNanos) {
                        it.remove();
                        stats(h.end.linkId()).expired++;
                        expired.add(h);
                    } else if (h.initiator && h.nextTryNanos - now <= 0) {
                        List<Held> batch = due.computeIfAbsent(h.end.linkId(), k -> new ArrayList<>());
                        long[] size = batchBytes.computeIfAbsent(h.end.linkId(), k -> new long[1]);
                        if (batch.size() < BATCH && (batch.isEmpty() || size[0] + h.material.length <= BATCH_BYTES)) {
                            batch.add(h);
                            size[0] += h.material.length;
                            h.inFlight = true;
                        }
                    } else {
                        long next = h.initiator ? h.nextTryNanos : h.sinceNanos + holdNanos;
                        if (next - wake < 0) {
                            wake = next;
                        }
                    }
                }
                if (due.isEmpty() && expired.isEmpty() && decidedHere.isEmpty()) {
                    try {
                        long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(wake - now));
                        wait(millis);
                    } catch (InterruptedException e) {
                        return;
                    }
                    continue;
                }
            }
            report(expired);
            for (List<Held> batch : due.values()) {
                try {
                    send(batch);
                } catch (RuntimeException e) { // e.g. the store closing under a late verdict: keep the thread
                    LOG.warn("node {} link {}: key check failed: {}", nodeId, batch.get(0).end.linkId(), e.toString());
                    synchronized (this) {
                        batch.forEach(h -> h.inFlight = false);
                    }
                }
            }
        }
    }

    private void report(List<Held> expired) {
        Map<String, Integer> perLink = new TreeMap<>();
        for (Held h : expired) {
            h.wipe();
            perLink.merge(h.end.linkId(), 1, Integer::sum);
        }
        perLink.forEach((link, n) -> LOG.warn("node {} link {}: {} key blocks not authenticated by the peer KMM "
                + "within {} ms (it lacks them, or is unreachable); destroyed", nodeId, link, n, holdMillis));
    }

    private void send(List<Held> batch) {
        LinkEnd end = batch.get(0).end;
        List<BlockCheck> checks = new ArrayList<>(batch.size());
        synchronized (this) { // an evicted block is wiped under the monitor
            for (Held h : batch) {
                checks.add(new BlockCheck(h.id, h.tag.clone()));
            }
        }
        List<String> verdicts = null;
        String problem = null;
        PeerTransport t = core.transport();
        try {
            if (t == null) {
                throw new PeerException("no peer channel (TLS identity not available yet)", false);
            }
            verdicts = t.keyCheck(end.peerNodeId(), new KeyCheckRequest(end.linkId(), checks),
                    core.settings().peerTimeoutMillis()).verdicts();
            if (verdicts == null || verdicts.size() != batch.size()) {
                throw new PeerException("answer without one verdict per block", false);
            }
        } catch (PeerException | RuntimeException e) {
            problem = e.getMessage();
            verdicts = null;
        }
        List<Held> settled = new ArrayList<>();
        List<String> outcome = new ArrayList<>();
        boolean logUnreachable;
        synchronized (this) {
            long now = System.nanoTime();
            logUnreachable = problem != null && unreachable.put(end.linkId(), Boolean.TRUE) == null;
            if (problem == null && unreachable.remove(end.linkId()) != null) {
                LOG.info("node {} link {}: key checks reach peer {} again", nodeId, end.linkId(), end.peerNodeId());
            }
            for (int i = 0; i < batch.size(); i++) {
                Held h = batch.get(i);
                h.inFlight = false;
                String v = verdicts == null ? UNKNOWN : verdicts.get(i);
                if (MATCH.equals(v) || MISMATCH.equals(v)) {
                    if (held.remove(key(end.linkId(), h.id)) == h) {
                        settled.add(h);
                        outcome.add(v);
                    }
                } else {
                    h.nextTryNanos = now + (verdicts == null ? BACKOFF_NANOS
                            : RETRY_NANOS[Math.min(h.tries++, RETRY_NANOS.length - 1)]);
                }
            }
            if (closed) {
                settled.forEach(Held::wipe);
                return;
            }
        }
        for (BlockCheck c : checks) {
            Arrays.fill(c.tag(), (byte) 0);
        }
        if (logUnreachable) {
            LOG.warn("node {} link {}: key checks do not reach peer {} ({}); its key blocks wait, at most {} ms",
                    nodeId, end.linkId(), end.peerNodeId(), problem, holdMillis);
        }
        for (int i = 0; i < settled.size(); i++) {
            settle(settled.get(i), outcome.get(i));
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        worker.interrupt();
        try {
            worker.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            held.values().forEach(Held::wipe);
            held.clear();
            decidedHere.forEach(d -> ((Held) d[0]).wipe());
            decidedHere.clear();
        }
    }
}
