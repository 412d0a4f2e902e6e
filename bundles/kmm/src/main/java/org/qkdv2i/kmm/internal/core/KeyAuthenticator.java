package org.qkdv2i.kmm.internal.core;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.qkdv2i.kmm.internal.core.PeerTransport.BatchCheck;
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
 * material. Blocks are authenticated in <b>batches</b> so that the one-time key a check spends
 * (256 bits) is amortised: the end whose node ID sorts first (the initiator) collects a link's
 * blocks, in delivery order, until they hold {@link #minBits} bits or the first of them waited
 * {@link #maxDelayNanos}, whichever comes first (a batch holding no more than the 32 key bytes
 * waits on), and then checks the batch as one.
 *
 * <p>The key-check value of a batch is a one-time Wegman–Carter tag: GHASH_H(domain ‖ link ‖ block
 * IDs and sizes ‖ material) XOR pad, with H (16 bytes) and the pad (16 bytes) the <i>last 32 bytes
 * of the batch's material</i> (its last block(s)): fresh key material for every tag, spent and never
 * stored as keys. GHASH is ε-almost-XOR-universal over GF(2^128) with ε = L/2^128 for L 128-bit
 * blocks (Wegman and Carter, JCSS 22 (1981); McGrew and Viega, GCM, NIST SP 800-38D §6.4), so two
 * different batches give the same value with at most that probability (a 32 KiB batch: 2^-117), and
 * the value tells an eavesdropper nothing about the material (the pad is used once).
 *
 * <p>The initiator sends the batch (its ID, its block IDs in order, the value) with
 * {@code POST /peer/v1/keycheck}, asynchronously on its own thread; the other end computes the value
 * over its own copies of the same blocks in the same order: match → both store the batch's blocks
 * (less the 32 spent bytes), mismatch → both destroy every block of the batch and raise the alarm
 * {@code KEY_AUTHENTICATION_FAILED}, a block not yet received there → "unknown" (the initiator asks
 * again shortly). Blocks nobody confirms within {@link #holdMillis} are destroyed. Held material
 * stays in memory only (never sealed to disk before it is authenticated) and is zeroised on every
 * path.
 */
public final class KeyAuthenticator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KeyAuthenticator.class);

    /** GHASH key (16 bytes) and tag pad (16 bytes), from the end of each batch. */
    public static final int KEY_BYTES = 32;
    static final int TAG_BYTES = 16;
    /** Bits of key one batch's authentication spends. */
    public static final long BITS_SPENT_PER_BATCH = 8L * KEY_BYTES;
    /** Default smallest batch: 256 of 32,768 bits = 0.78 % of the key spent on authentication. */
    public static final int DEFAULT_MIN_BITS = 32_768;
    /** Default longest wait of a batch's first block before the batch is checked anyway. */
    public static final long DEFAULT_MAX_DELAY_MILLIS = 200;
    static final String MATCH = "match";
    static final String MISMATCH = "mismatch";
    static final String UNKNOWN = "unknown";
    /** Most blocks in one batch (ETSI 014 vendor blocks of 256 bits: 1,024 of them are 256 Kib). */
    static final int MAX_BATCH_BLOCKS = 1024;
    /** Most block IDs in one key-check request (all its batches). */
    static final int MAX_REQUEST_BLOCKS = 4096;
    /**
     * Most block material in one key-check request (at least one batch goes): the peer computes
     * its values while the caller waits.
     */
    static final long REQUEST_BYTES = 512 * 1024;
    /** Most blocks held unauthenticated at this node; beyond, the oldest is destroyed. */
    static final int MAX_HELD = 8192;
    /** Remembered verdicts of the peer's batches and decided blocks (responder side). */
    private static final int MEMORY = 65_536;
    /**
     * When to ask again after "unknown" (the peer's driver has not delivered a block yet): both
     * ends' drivers usually deliver a block within milliseconds of each other, so soon at first,
     * then every 20 ms.
     */
    private static final long[] RETRY_NANOS = {TimeUnit.MILLISECONDS.toNanos(2), TimeUnit.MILLISECONDS.toNanos(5),
        TimeUnit.MILLISECONDS.toNanos(10), TimeUnit.MILLISECONDS.toNanos(20)};
    /**
     * The first check of a batch waits this long after it closed: the peer's driver has usually
     * delivered its last block by then.
     */
    private static final long FIRST_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final long BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final byte[] DOMAIN = "qkdv2i/key-check/v2".getBytes(StandardCharsets.US_ASCII);

    /** Counters of one link (guarded by the authenticator's monitor). */
    static final class Stats {
        long authenticated;
        long failed;
        long expired;
        long bitsSpent;
        long batches;
    }

    /**
     * What the counters of a link say, for status and benchmarks: blocks authenticated, failed and
     * expired, key bits spent, blocks waiting, batches checked.
     */
    public record LinkStats(String linkId, long authenticated, long failed, long expired, long bitsSpent, int held,
            long batches) {
    }

    /** One driver block waiting for its verdict. */
    private static final class Held {
        final LinkEnd end;
        final UUID id;
        final byte[] material;
        final Instant created;
        final double qber;
        final double epsilon;
        final long sinceNanos;
        final boolean initiator;
        /** Initiator: the closed batch it belongs to, or null while its batch is open. */
        Batch batch;

        Held(LinkEnd end, KeyBlock block, byte[] material, boolean initiator, long now) {
            this.end = end;
            this.id = block.id();
            this.material = material;
            this.created = block.created();
            this.qber = block.qber();
            this.epsilon = block.epsilon();
            this.sinceNanos = now;
            this.initiator = initiator;
        }

        void wipe() {
            Arrays.fill(material, (byte) 0);
        }
    }

    /** The initiator's batch being filled for one link. */
    private static final class Open {
        final List<Held> blocks = new ArrayList<>();
        long bytes;
        long openedNanos;
    }

    /** A closed batch: its blocks in order and its key-check value. */
    private static final class Batch {
        final UUID id;
        final LinkEnd end;
        final List<Held> blocks;
        final byte[] tag;
        final long oldestNanos;
        long nextTryNanos;
        int tries;
        boolean inFlight;

        Batch(UUID id, LinkEnd end, List<Held> blocks, byte[] tag, long now) {
            this.id = id;
            this.end = end;
            this.blocks = blocks;
            this.tag = tag;
            this.oldestNanos = blocks.get(0).sinceNanos;
            this.nextTryNanos = now + FIRST_CHECK_NANOS;
        }

        long bytes() {
            long n = 0;
            for (Held h : blocks) {
                n += h.material.length;
            }
            return n;
        }

        void wipe() {
            blocks.forEach(Held::wipe);
            Arrays.fill(tag, (byte) 0);
        }
    }

    private final KmmCore core;
    private final String nodeId;
    /** Blocks waiting for their verdict (both roles), oldest first, by link + block ID. */
    private final LinkedHashMap<String, Held> held = new LinkedHashMap<>();
    /** Initiator: the open batch per link. */
    private final Map<String, Open> open = new TreeMap<>();
    /** Initiator: closed batches waiting for the peer's verdict, oldest first. */
    private final LinkedHashMap<UUID, Batch> batches = new LinkedHashMap<>();
    /** Responder: this node's value of batches decided here (null value: mismatch), for repeated checks. */
    private final Map<UUID, byte[]> decided = bounded();
    /** Blocks decided here (link + block ID → matched), so a driver's repeat is not held again. */
    private final Map<String, Boolean> decidedBlocks = bounded();
    private final Map<String, Stats> stats = new TreeMap<>();
    /** Responder: batches decided by a key check, to be stored or destroyed by the thread. */
    private final List<Decision> decidedHere = new ArrayList<>();
    private final Thread worker;
    volatile long holdMillis = 30_000;
    /** Smallest batch in bits of material (the check spends {@link #BITS_SPENT_PER_BATCH} of it). */
    private volatile long minBits = DEFAULT_MIN_BITS;
    private volatile long maxDelayNanos = TimeUnit.MILLISECONDS.toNanos(DEFAULT_MAX_DELAY_MILLIS);
    private boolean closed;
    /** Links whose last key check failed to reach the peer (one log line per outage). */
    private final Map<String, Boolean> unreachable = new TreeMap<>();

    private record Decision(UUID batchId, LinkEnd end, List<Held> blocks, String verdict) {
    }

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
     * Batch size and delay: a batch is checked once it holds {@code bits} bits of material or its
     * first block waited {@code delayMillis}, whichever comes first.
     */
    synchronized void configure(long bits, long delayMillis) {
        validate(bits, delayMillis);
        this.minBits = bits;
        this.maxDelayNanos = TimeUnit.MILLISECONDS.toNanos(delayMillis);
        notifyAll();
    }

    /** Refuses a batch size below twice what a check spends, or a negative delay. */
    public static void validate(long bits, long delayMillis) {
        if (bits < 2L * 8 * KEY_BYTES) {
            throw new IllegalArgumentException("keyAuthenticationMinBits must be at least " + 16 * KEY_BYTES
                    + " (the check spends " + BITS_SPENT_PER_BATCH + "), got " + bits);
        }
        if (delayMillis < 0) {
            throw new IllegalArgumentException("keyAuthenticationMaxDelayMillis must be 0 or more, got " + delayMillis);
        }
    }

    long minBits() {
        return minBits;
    }

    /**
     * The key-check value of a batch: the blocks {@code blocks} (IDs {@code ids}, same order) as one
     * sequence whose last {@link #KEY_BYTES} bytes are the one-time key (H, then the pad):
     * GHASH_H(domain ‖ link ‖ count ‖ (block ID ‖ block size)* ‖ material less the key) ⊕ pad.
     * Each block's material is absorbed as its own zero-padded run of 16-byte blocks; the sizes in
     * the header make that unambiguous. The total must exceed {@link #KEY_BYTES}.
     */
    public static byte[] tag(String linkId, List<UUID> ids, List<byte[]> blocks) {
        long total = 0;
        for (byte[] b : blocks) {
            total += b.length;
        }
        if (total <= KEY_BYTES || ids.size() != blocks.size()) {
            throw new IllegalArgumentException("a batch needs more than " + KEY_BYTES + " bytes and one ID per block");
        }
        long keyStart = total - KEY_BYTES;
        byte[] key = new byte[KEY_BYTES];
        long off = 0;
        for (byte[] b : blocks) { // the key: the last 32 bytes of the sequence, possibly over several blocks
            int from = (int) Math.max(0, keyStart - off);
            if (from < b.length) {
                System.arraycopy(b, from, key, (int) (off + from - keyStart), b.length - from);
            }
            off += b.length;
        }
        byte[] h = Arrays.copyOf(key, 16);
        Ghash g = new Ghash(h);
        Arrays.fill(h, (byte) 0);
        try {
            byte[] link = linkId.getBytes(StandardCharsets.UTF_8);
            ByteBuffer head = ByteBuffer.allocate(DOMAIN.length + 4 + link.length + 4 + ids.size() * 20);
            head.put(DOMAIN).putInt(link.length).put(link).putInt(ids.size());
            for (int i = 0; i < ids.size(); i++) {
                UUID id = ids.get(i);
                head.putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits())
                        .putInt(blocks.get(i).length);
            }
            g.update(head.array(), 0, head.capacity());
            off = 0;
            for (byte[] b : blocks) {
                int n = (int) Math.max(0, Math.min(b.length, keyStart - off));
                if (n > 0) {
                    g.update(b, 0, n);
                }
                off += b.length;
            }
            g.updateLengths(8L * head.capacity(), 8L * keyStart);
            byte[] t = g.digest();
            for (int i = 0; i < TAG_BYTES; i++) {
                t[i] ^= key[16 + i];
            }
            return t;
        } finally {
            g.wipe();
            Arrays.fill(key, (byte) 0);
        }
    }

    /** Whether this end of the link sends the key checks. */
    static boolean initiator(LinkEnd end) {
        return end.localNodeId().compareTo(end.peerNodeId()) < 0;
    }

    /** A driver's block: held until the peer's verdict on its batch. Takes the block over. */
    void submit(LinkEnd end, KeyBlock block) {
        byte[] bytes = block.key();
        block.destroy();
        boolean initiator = initiator(end);
        String k = key(end.linkId(), block.id());
        long now = System.nanoTime();
        Held h = new Held(end, block, bytes, initiator, now);
        List<Held> evicted = new ArrayList<>();
        synchronized (this) {
            if (closed || held.containsKey(k) || decidedBlocks.containsKey(k)) {
                h.wipe(); // a repeated block (the driver sent it twice): the first copy is checked (or was)
                return;
            }
            held.put(k, h);
            if (initiator) {
                Open o = open.computeIfAbsent(end.linkId(), x -> new Open());
                if (o.blocks.isEmpty()) {
                    o.openedNanos = now;
                }
                o.blocks.add(h);
                o.bytes += bytes.length;
                if (8 * o.bytes >= minBits || o.blocks.size() >= MAX_BATCH_BLOCKS) {
                    notifyAll(); // the batch is full: the thread closes and checks it
                } else if (o.blocks.size() == 1) {
                    notifyAll(); // its deadline starts
                }
            }
            while (held.size() > MAX_HELD) {
                evictOldest(evicted);
            }
        }
        for (Held old : evicted) {
            LOG.warn("node {} link {}: more than {} key blocks wait for authentication; block {} destroyed", nodeId,
                    old.end.linkId(), MAX_HELD, old.id);
        }
    }

    /** Under the monitor: destroys the oldest held block (and the rest of its closed batch). */
    private void evictOldest(List<Held> evicted) {
        Iterator<Held> it = held.values().iterator();
        Held old = it.next();
        it.remove();
        List<Held> gone = new ArrayList<>();
        gone.add(old);
        if (old.batch != null) {
            batches.remove(old.batch.id);
            for (Held other : old.batch.blocks) {
                if (other != old) {
                    held.remove(key(other.end.linkId(), other.id));
                    gone.add(other);
                }
            }
            Arrays.fill(old.batch.tag, (byte) 0);
        } else if (old.initiator) {
            Open o = open.get(old.end.linkId());
            if (o != null && o.blocks.remove(old)) {
                o.bytes -= old.material.length;
            }
        }
        for (Held g : gone) {
            stats(g.end.linkId()).expired++;
            g.wipe();
            evicted.add(g);
        }
    }

    /**
     * Stores (match: each block less the 32 key bytes spent at the end of the batch) or destroys
     * and raises the alarm (mismatch); wipes the held copies either way.
     */
    private void settle(UUID batchId, LinkEnd end, List<Held> blocks, String verdict) {
        try {
            if (MATCH.equals(verdict)) {
                synchronized (this) {
                    stats(end.linkId()).authenticated += blocks.size();
                }
                long total = 0;
                for (Held h : blocks) {
                    total += h.material.length;
                }
                long keyStart = total - KEY_BYTES;
                long off = 0;
                for (Held h : blocks) {
                    int keep = (int) Math.max(0, Math.min(h.material.length, keyStart - off));
                    off += h.material.length;
                    if (keep > 0) { // stored key i keeps its ID and offset; only the tail is spent
                        core.ingest(h.end, new KeyBlock(h.id, Arrays.copyOf(h.material, keep), h.created, h.qber,
                                h.epsilon));
                    }
                }
            } else {
                synchronized (this) {
                    stats(end.linkId()).failed += blocks.size();
                }
                List<UUID> ids = new ArrayList<>(blocks.size());
                blocks.forEach(h -> ids.add(h.id));
                core.keyAuthenticationFailed(end, batchId, ids);
            }
        } finally {
            blocks.forEach(Held::wipe);
        }
    }

    /** {@code POST /peer/v1/keycheck} from {@code caller}: compares its values with this node's. */
    KeyCheckResult check(String caller, KeyCheckRequest r, String linkPeer) throws PeerException {
        int ids = 0;
        for (BatchCheck b : r.batches()) {
            if (b.tag().length != TAG_BYTES) {
                throw new PeerException("a key-check value has " + TAG_BYTES + " bytes", true);
            }
            if (b.blockIds().isEmpty() || b.blockIds().size() > MAX_BATCH_BLOCKS
                    || new HashSet<>(b.blockIds()).size() != b.blockIds().size()) {
                throw new PeerException("a batch names 1 to " + MAX_BATCH_BLOCKS + " distinct blocks", true);
            }
            ids += b.blockIds().size();
        }
        if (ids > MAX_REQUEST_BLOCKS) {
            throw new PeerException("at most " + MAX_REQUEST_BLOCKS + " blocks per key check, got " + ids, true);
        }
        List<String> verdicts = new ArrayList<>(r.batches().size());
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
            Set<UUID> seen = new HashSet<>();
            for (BatchCheck b : r.batches()) {
                if (!seen.add(b.batchId())) {
                    throw new PeerException("batch " + b.batchId() + " named twice", true);
                }
                if (decided.containsKey(b.batchId())) { // asked again (the answer got lost)
                    byte[] d = decided.get(b.batchId());
                    verdicts.add(d != null && org.bouncycastle.util.Arrays.constantTimeAreEqual(d, b.tag()) ? MATCH
                            : MISMATCH);
                    continue;
                }
                List<Held> mine = new ArrayList<>(b.blockIds().size());
                boolean missing = false;
                boolean foreign = false;
                for (UUID id : b.blockIds()) {
                    String k = key(r.linkId(), id);
                    Held h = held.get(k);
                    if (h == null || h.initiator) {
                        missing = true;
                        foreign |= decidedBlocks.containsKey(k) || (h != null && h.initiator);
                    } else {
                        mine.add(h);
                    }
                }
                if (missing && !foreign) {
                    verdicts.add(UNKNOWN); // its driver has not delivered them all yet: the initiator asks again
                    continue;
                }
                // all here (or a block decided before in another batch: the batch cannot match)
                for (Held h : mine) {
                    held.remove(key(r.linkId(), h.id));
                }
                boolean match = false;
                byte[] t = null;
                if (!foreign) {
                    List<byte[]> materials = new ArrayList<>(mine.size());
                    mine.forEach(h -> materials.add(h.material));
                    t = tag(r.linkId(), b.blockIds(), materials);
                    match = org.bouncycastle.util.Arrays.constantTimeAreEqual(t, b.tag());
                }
                String verdict = match ? MATCH : MISMATCH;
                decided.put(b.batchId(), match ? t : null);
                if (t != null && !match) {
                    Arrays.fill(t, (byte) 0);
                }
                for (Held h : mine) {
                    decidedBlocks.put(key(r.linkId(), h.id), match);
                }
                verdicts.add(verdict);
                if (!mine.isEmpty()) {
                    Stats s = stats(r.linkId());
                    s.bitsSpent += BITS_SPENT_PER_BATCH;
                    s.batches++;
                    // stored (or destroyed) on this node's key authentication thread: the answer does
                    // not wait for sealing, which for large batches outlasted the peer timeout
                    decidedHere.add(new Decision(b.batchId(), mine.get(0).end, mine, verdict));
                }
            }
            if (!decidedHere.isEmpty()) {
                notifyAll();
            }
        }
        return new KeyCheckResult(verdicts);
    }

    private Stats stats(String linkId) {
        return stats.computeIfAbsent(linkId, k -> new Stats());
    }

    synchronized List<LinkStats> stats() {
        Map<String, Integer> waiting = new TreeMap<>();
        for (Held h : held.values()) {
            waiting.merge(h.end.linkId(), 1, Integer::sum);
            stats(h.end.linkId());
        }
        List<LinkStats> out = new ArrayList<>();
        for (Map.Entry<String, Stats> e : stats.entrySet()) {
            Stats s = e.getValue();
            out.add(new LinkStats(e.getKey(), s.authenticated, s.failed, s.expired, s.bitsSpent,
                    waiting.getOrDefault(e.getKey(), 0), s.batches));
        }
        return out;
    }

    synchronized int held() {
        return held.size();
    }

    // ------------------------------------------------------------------ the thread

    private void run() {
        while (true) {
            Map<String, List<Batch>> due = new LinkedHashMap<>();
            List<Held> expired = new ArrayList<>();
            List<Decision> toSettle;
            synchronized (this) {
                if (closed) {
                    decidedHere.forEach(d -> d.blocks().forEach(Held::wipe));
                    decidedHere.clear();
                    return;
                }
                toSettle = new ArrayList<>(decidedHere);
                decidedHere.clear();
            }
            for (Decision d : toSettle) {
                try {
                    settle(d.batchId(), d.end(), d.blocks(), d.verdict());
                } catch (RuntimeException e) {
                    LOG.warn("node {} link {}: storing authenticated batch {} failed: {}", nodeId,
                            d.end().linkId(), d.batchId(), e.toString());
                }
            }
            synchronized (this) {
                if (closed) {
                    return;
                }
                long now = System.nanoTime();
                long holdNanos = TimeUnit.MILLISECONDS.toNanos(holdMillis);
                long wake = now + TimeUnit.SECONDS.toNanos(1);
                wake = closeBatches(now, wake);
                // expiry: blocks of the responder and of open batches one by one, closed batches whole
                for (Iterator<Held> it = held.values().iterator(); it.hasNext();) {
                    Held h = it.next();
                    if (h.batch != null) {
                        continue;
                    }
                    if (now - h.sinceNanos > holdNanos) {
                        it.remove();
                        if (h.initiator) {
                            Open o = open.get(h.end.linkId());
                            if (o != null && o.blocks.remove(h)) {
                                o.bytes -= h.material.length;
                                if (!o.blocks.isEmpty()) {
                                    o.openedNanos = Math.max(o.openedNanos, o.blocks.get(0).sinceNanos);
                                }
                            }
                        }
                        stats(h.end.linkId()).expired++;
                        expired.add(h);
                    } else {
                        long next = h.sinceNanos + holdNanos;
                        if (next - wake < 0) {
                            wake = next;
                        }
                    }
                }
                Map<String, long[]> requestSize = new TreeMap<>();
                for (Iterator<Batch> it = batches.values().iterator(); it.hasNext();) {
                    Batch b = it.next();
                    if (b.inFlight) {
                        continue;
                    }
                    if (now - b.oldestNanos > holdNanos) {
                        it.remove();
                        for (Held h : b.blocks) {
                            held.remove(key(h.end.linkId(), h.id));
                            stats(h.end.linkId()).expired++;
                            expired.add(h);
                        }
                        Arrays.fill(b.tag, (byte) 0);
                    } else if (b.nextTryNanos - now <= 0) {
                        List<Batch> list = due.computeIfAbsent(b.end.linkId(), k -> new ArrayList<>());
                        long[] size = requestSize.computeIfAbsent(b.end.linkId(), k -> new long[2]);
                        long bytes = b.bytes();
                        if (list.isEmpty() || (size[0] + b.blocks.size() <= MAX_REQUEST_BLOCKS
                                && size[1] + bytes <= REQUEST_BYTES)) {
                            list.add(b);
                            size[0] += b.blocks.size();
                            size[1] += bytes;
                            b.inFlight = true;
                        }
                    } else if (b.nextTryNanos - wake < 0) {
                        wake = b.nextTryNanos;
                    }
                }
                if (due.isEmpty() && expired.isEmpty() && decidedHere.isEmpty()) {
                    try {
                        long nanos = Math.max(100_000, wake - now);
                        wait(nanos / 1_000_000, (int) (nanos % 1_000_000));
                    } catch (InterruptedException e) {
                        return;
                    }
                    continue;
                }
            }
            report(expired);
            for (List<Batch> list : due.values()) {
                try {
                    send(list);
                } catch (RuntimeException e) { // e.g. the store closing under a late verdict: keep the thread
                    LOG.warn("node {} link {}: key check failed: {}", nodeId, list.get(0).end.linkId(), e.toString());
                    synchronized (this) {
                        list.forEach(b -> b.inFlight = false);
                    }
                }
            }
        }
    }

    /**
     * Under the monitor: closes the open batches that are full or whose first block waited the
     * maximum delay (and hold more than the key bytes), computing their key-check values.
     * @return when the next open batch is due, or {@code wake} if earlier
     */
    private long closeBatches(long now, long wake) {
        for (Map.Entry<String, Open> e : open.entrySet()) {
            Open o = e.getValue();
            while (!o.blocks.isEmpty()) {
                // a full batch: its blocks up to minBits (or the most blocks); the rest opens the next one
                int n = 0;
                long bytes = 0;
                while (n < o.blocks.size() && 8 * bytes < minBits && n < MAX_BATCH_BLOCKS) {
                    bytes += o.blocks.get(n++).material.length;
                }
                boolean full = 8 * bytes >= minBits || n >= MAX_BATCH_BLOCKS;
                boolean late = now - o.openedNanos >= maxDelayNanos && bytes > KEY_BYTES;
                if (!full && !late) {
                    long due = o.openedNanos + maxDelayNanos;
                    if (bytes > KEY_BYTES && due - wake < 0) {
                        wake = due;
                    }
                    break;
                }
                List<Held> blocks = new ArrayList<>(o.blocks.subList(0, n));
                o.blocks.subList(0, n).clear();
                o.bytes -= bytes;
                o.openedNanos = o.blocks.isEmpty() ? now : o.blocks.get(0).sinceNanos;
                List<UUID> ids = new ArrayList<>(n);
                List<byte[]> materials = new ArrayList<>(n);
                for (Held h : blocks) {
                    ids.add(h.id);
                    materials.add(h.material);
                }
                Batch b = new Batch(randomBatchId(), blocks.get(0).end, blocks, tag(e.getKey(), ids, materials), now);
                blocks.forEach(h -> h.batch = b);
                batches.put(b.id, b);
                Stats s = stats(e.getKey());
                s.bitsSpent += BITS_SPENT_PER_BATCH;
                s.batches++;
                if (b.nextTryNanos - wake < 0) {
                    wake = b.nextTryNanos;
                }
            }
        }
        return wake;
    }

    private static UUID randomBatchId() {
        return UUID.randomUUID(); // an identifier, not a secret
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

    private void send(List<Batch> list) {
        LinkEnd end = list.get(0).end;
        List<BatchCheck> checks = new ArrayList<>(list.size());
        synchronized (this) { // an evicted batch is wiped under the monitor
            for (Batch b : list) {
                List<UUID> ids = new ArrayList<>(b.blocks.size());
                b.blocks.forEach(h -> ids.add(h.id));
                checks.add(new BatchCheck(b.id, ids, b.tag.clone()));
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
            if (verdicts == null || verdicts.size() != list.size()) {
                throw new PeerException("answer without one verdict per batch", false);
            }
        } catch (PeerException | RuntimeException e) {
            problem = e.getMessage();
            verdicts = null;
        }
        List<Decision> settled = new ArrayList<>();
        boolean logUnreachable;
        synchronized (this) {
            long now = System.nanoTime();
            logUnreachable = problem != null && unreachable.put(end.linkId(), Boolean.TRUE) == null;
            if (problem == null && unreachable.remove(end.linkId()) != null) {
                LOG.info("node {} link {}: key checks reach peer {} again", nodeId, end.linkId(), end.peerNodeId());
            }
            for (int i = 0; i < list.size(); i++) {
                Batch b = list.get(i);
                b.inFlight = false;
                String v = verdicts == null ? UNKNOWN : verdicts.get(i);
                if (MATCH.equals(v) || MISMATCH.equals(v)) {
                    if (batches.remove(b.id) == b) {
                        for (Held h : b.blocks) {
                            held.remove(key(end.linkId(), h.id));
                            decidedBlocks.put(key(end.linkId(), h.id), MATCH.equals(v));
                        }
                        Arrays.fill(b.tag, (byte) 0);
                        settled.add(new Decision(b.id, end, b.blocks, v));
                    }
                } else {
                    b.nextTryNanos = now + (verdicts == null ? BACKOFF_NANOS
                            : RETRY_NANOS[Math.min(b.tries++, RETRY_NANOS.length - 1)]);
                }
            }
            if (closed) {
                settled.forEach(d -> d.blocks().forEach(Held::wipe));
                return;
            }
        }
        for (BatchCheck c : checks) {
            Arrays.fill(c.tag(), (byte) 0);
        }
        if (logUnreachable) {
            LOG.warn("node {} link {}: key checks do not reach peer {} ({}); its key blocks wait, at most {} ms",
                    nodeId, end.linkId(), end.peerNodeId(), problem, holdMillis);
        }
        for (Decision d : settled) {
            settle(d.batchId(), d.end(), d.blocks(), d.verdict());
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
            open.clear();
            batches.values().forEach(Batch::wipe);
            batches.clear();
            decidedHere.forEach(d -> d.blocks().forEach(Held::wipe));
            decidedHere.clear();
        }
    }
}
