package org.qkdv2i.kmm.internal.stream;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.qkdv2i.kmm.api.GetKeyResult;
import org.qkdv2i.kmm.api.Key;
import org.qkdv2i.kmm.api.KeyManager;
import org.qkdv2i.kmm.api.KeyManagerException;
import org.qkdv2i.kmm.api.KeyManagerException.Reason;
import org.qkdv2i.kmm.api.KeyRequest;
import org.qkdv2i.kmm.api.KeyStreams;
import org.qkdv2i.kmm.api.OpenResult;
import org.qkdv2i.kmm.api.PairStatus;
import org.qkdv2i.kmm.api.PoolStatus;
import org.qkdv2i.kmm.api.RelayRoutes;
import org.qkdv2i.kmm.api.SaeInfo;
import org.qkdv2i.kmm.api.StreamInfo;
import org.qkdv2i.kmm.api.StreamQos;
import org.qkdv2i.kmm.api.StreamStatus;
import org.qkdv2i.kmm.api.VirtualLink;
import org.qkdv2i.kmm.internal.core.KmmCore;
import org.qkdv2i.kmm.internal.core.PeerTransport;
import org.qkdv2i.kmm.internal.core.QosAllocator;
import org.qkdv2i.kmm.internal.core.PeerTransport.PeerException;
import org.qkdv2i.kmm.internal.core.PeerTransport.StreamMessage;
import org.qkdv2i.kmm.internal.core.PeerTransport.StreamReply;
import org.qkdv2i.qkd.api.LinkState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ETSI GS QKD 004 V2.1.1 key streams of one node, on top of its {@link KeyManager}.
 *
 * <p>The KMM of the source SAE owns a stream: it draws the key of each index from the pool (or the
 * relay) exactly like an ETSI 014 {@code enc_keys} for the pair (source = master, destination =
 * slave), keeps the source's copy until the source application fetches it, and hands the key ID to
 * the destination's end, which fetches the same key by ID like {@code dec_keys}. When the destination
 * is on another node the two KMMs agree the stream and the key ID of every index over their
 * authenticated peer channel ({@code POST /peer/v1/stream}). Each index is delivered once per end;
 * buffers are zeroised when delivered, on CLOSE and when the TTL ends. Nothing here logs a key.
 */
public final class StreamCore implements KeyStreams, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamCore.class);

    /** An index may lie at most this far above the lowest index the caller has not fetched yet. */
    static final long WINDOW = 4096;
    /** Most keys of one stream drawn for one end and waiting for the other. */
    static final int MAX_WAITING = 4096;
    /** ETSI GS QKD 004 indexes are uint32. */
    static final long MAX_INDEX = 0xFFFF_FFFFL;
    /** How long a closed stream's ID is remembered (clear errors, no reuse meanwhile). */
    static final long TOMBSTONE_MILLIS = TimeUnit.MINUTES.toMillis(10);
    /** Pause between two attempts to draw key while a GET_KEY waits for it. */
    static final long RETRY_MILLIS = 10;
    /**
     * The smallest jitter (ms) this KMM promises for a stream whose keys come from a direct link's pool or
     * the node's DRBG: a GET_KEY waiting for key (at the owner, or a destination on another node asking
     * the owner again) looks every {@link #RETRY_MILLIS}.
     */
    static final int JITTER_FLOOR_MILLIS = (int) RETRY_MILLIS;

    static final String OPEN = "open";
    static final String CONNECT = "connect";
    static final String KEY = "key";
    static final String CLOSE = "close";

    /** The key of one index at the owner: its ID, and the source's copy until the source fetched it. */
    private static final class Slot {
        UUID keyId;
        Key sourceCopy;
        boolean sourceDone;
        boolean destinationDone;
    }

    /** The indexes one end has fetched: all below {@code floor}, plus those in {@code above}. */
    private static final class Delivered {
        long floor;
        final java.util.NavigableSet<Long> above = new java.util.TreeSet<>();

        boolean contains(long i) {
            return i < floor || above.contains(i);
        }

        void add(long i) {
            above.add(i);
            while (above.remove(floor)) {
                floor++;
            }
        }

        long next() {
            long i = floor;
            while (above.contains(i)) {
                i++;
            }
            return i;
        }
    }

    private final class Stream {
        final UUID id;
        final String source;
        final String destination;
        final String sourceNode;
        final String destinationNode;
        final StreamQos qos;
        final long expiresAtMillis; // 0 = no TTL
        final Map<Long, Slot> slots = new ConcurrentHashMap<>();
        final Delivered sourceDelivered = new Delivered();
        final Delivered destinationDelivered = new Delivered();
        volatile boolean destinationConnected;
        volatile boolean closed;
        final java.util.concurrent.atomic.AtomicLong jitterMisses = new java.util.concurrent.atomic.AtomicLong();
        // max_bps, in bits, at the owner: one second's worth of burst (at least one chunk)
        private double tokens;
        private long lastNanos = System.nanoTime();

        Stream(UUID id, String source, String destination, String sourceNode, String destinationNode, StreamQos qos,
                long now) {
            this.id = id;
            this.source = source;
            this.destination = destination;
            this.sourceNode = sourceNode;
            this.destinationNode = destinationNode;
            this.qos = qos;
            this.expiresAtMillis = qos.ttl() > 0 ? now + qos.ttl() * 1000L : 0;
            this.tokens = burst();
        }

        boolean owner() {
            return sourceNode.equals(nodeId);
        }

        int chunkBits() {
            return qos.keyChunkSize() * 8;
        }

        private double burst() {
            return Math.max(chunkBits(), qos.maxBps());
        }

        /** Nanoseconds until one more chunk may be drawn under max_bps (0 = now; the chunk is taken). */
        synchronized long takeChunk() {
            if (qos.maxBps() <= 0) {
                return 0;
            }
            long now = System.nanoTime();
            tokens = Math.min(burst(), tokens + (now - lastNanos) / 1e9 * qos.maxBps());
            lastNanos = now;
            if (tokens >= chunkBits()) {
                tokens -= chunkBits();
                return 0;
            }
            return (long) Math.ceil((chunkBits() - tokens) / qos.maxBps() * 1e9);
        }

        synchronized void refundChunk() {
            tokens = Math.min(burst(), tokens + chunkBits());
        }

        @Override
        public String toString() {
            return id + " (" + source + "@" + sourceNode + " → " + destination + "@" + destinationNode + ")";
        }
    }

    private final String nodeId;
    private final KeyManager keys;
    private final Supplier<PeerTransport> transport;
    private final LongSupplier peerTimeoutMillis;
    private final Clock clock;
    private final Map<UUID, Stream> streams = new ConcurrentHashMap<>();
    /** Closed streams → why, and until when the ID stays taken; guarded by itself. */
    private final Map<UUID, String> tombstones = new LinkedHashMap<>();
    private final Map<UUID, Long> tombstoneExpiry = new LinkedHashMap<>();

    /**
     * @param keys              the node's key manager (pools, relay, SAE directory)
     * @param transport         the peer channel now (null while it is down)
     * @param peerTimeoutMillis deadline of one peer call when the caller's QoS names none
     * @param clock             for TTLs
     */
    public StreamCore(KeyManager keys, Supplier<PeerTransport> transport, LongSupplier peerTimeoutMillis,
            Clock clock) {
        this.nodeId = keys.nodeId();
        this.keys = keys;
        this.transport = transport;
        this.peerTimeoutMillis = peerTimeoutMillis;
        this.clock = clock;
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    /** Streams open at this node (either end). */
    public int openStreams() {
        return streams.size();
    }

    // ------------------------------------------------------------------ OPEN_CONNECT

    @Override
    public OpenResult open(String caller, URI sourceUri, URI destinationUri, StreamQos qos, UUID keyStreamId)
            throws KeyManagerException {
        Objects.requireNonNull(qos, "qos");
        String source = sae(sourceUri, "source");
        String destination = sae(destinationUri, "destination");
        if (source.equals(destination)) {
            throw bad("source and destination are the same SAE " + source);
        }
        Map<String, String> saes = saeNodes();
        String sourceNode = node(saes, source);
        String destinationNode = node(saes, destination);
        if (caller == null) {
            throw new KeyManagerException(Reason.UNAUTHORIZED, "the calling SAE is not known");
        }
        if (caller.equals(source)) {
            return openSource(source, destination, sourceNode, destinationNode, qos, keyStreamId);
        }
        if (caller.equals(destination)) {
            return joinDestination(source, destination, destinationNode, qos, keyStreamId);
        }
        throw new KeyManagerException(Reason.UNAUTHORIZED,
                "SAE " + caller + " is neither the source nor the destination of the stream it opens");
    }

    private OpenResult openSource(String source, String destination, String sourceNode, String destinationNode,
            StreamQos qos, UUID requestedId) throws KeyManagerException {
        if (!sourceNode.equals(nodeId)) {
            throw bad("source SAE " + source + " is served by node " + sourceNode + ", not " + nodeId
                    + ": open the stream at the source's KMM");
        }
        if (requestedId != null && (streams.containsKey(requestedId) || tombstoned(requestedId) != null)) {
            return new OpenResult(StreamStatus.KSID_ALREADY_IN_USE, null, null);
        }
        Admission a = admit(source, destination, destinationNode, qos);
        if (a.status != StreamStatus.SUCCESSFUL) {
            LOG.info("node {}: stream {} → {} not opened: {} ({})", nodeId, source, destination, a.status, a.why);
            return new OpenResult(a.status, null, a.qos);
        }
        UUID id = requestedId != null ? requestedId : UUID.randomUUID();
        Stream s = new Stream(id, source, destination, sourceNode, destinationNode, a.qos, clock.millis());
        if (streams.putIfAbsent(id, s) != null) {
            return new OpenResult(StreamStatus.KSID_ALREADY_IN_USE, null, null);
        }
        if (!destinationNode.equals(nodeId)) {
            StreamReply r;
            try {
                r = call(destinationNode, new StreamMessage(OPEN, id, source, destination, a.qos, null, null, null),
                        peerTimeoutMillis.getAsLong());
            } catch (PeerException e) {
                streams.remove(id);
                if (e.refused()) {
                    throw bad("node " + destinationNode + " refused key stream " + id + ": " + e.getMessage());
                }
                LOG.warn("node {}: stream {} not opened: peer KMM {} unreachable: {}", nodeId, s, destinationNode,
                        e.getMessage());
                return new OpenResult(StreamStatus.NO_QKD_CONNECTION_AVAILABLE, null, null);
            }
            if (r.status() != StreamStatus.SUCCESSFUL.code()) {
                streams.remove(id);
                LOG.info("node {}: stream {} not opened: peer KMM {} answered status {} ({})", nodeId, s,
                        destinationNode, r.status(), r.message());
                return new OpenResult(StreamStatus.of(r.status()), null, null);
            }
        }
        LOG.info("node {}: stream {} opened by its source (chunk {} bytes, min {} bit/s, max {} bit/s, ttl {} s)",
                nodeId, s, a.qos.keyChunkSize(), a.qos.minBps(), a.qos.maxBps(), a.qos.ttl());
        return new OpenResult(StreamStatus.PEER_NOT_CONNECTED, id, a.qos);
    }

    private OpenResult joinDestination(String source, String destination, String destinationNode, StreamQos qos,
            UUID id) throws KeyManagerException {
        if (!destinationNode.equals(nodeId)) {
            throw bad("destination SAE " + destination + " is served by node " + destinationNode + ", not " + nodeId);
        }
        if (id == null) {
            throw bad("the destination joins a stream with the key_stream_id its source got from OPEN_CONNECT");
        }
        Stream s = live(id);
        if (s == null) {
            String why = tombstoned(id);
            throw bad(why != null ? "key stream " + id + " " + why
                    : "key stream " + id + " is not known at node " + nodeId + ": its source opens it first");
        }
        if (!s.source.equals(source) || !s.destination.equals(destination)) {
            return new OpenResult(StreamStatus.KSID_ALREADY_IN_USE, null, null); // another pair's stream
        }
        synchronized (s) {
            if (s.destinationConnected) {
                return new OpenResult(StreamStatus.KSID_ALREADY_IN_USE, null, null);
            }
            if (qos.keyChunkSize() != s.qos.keyChunkSize()) {
                // both ends get the same key at an index: one chunk size per stream
                return new OpenResult(StreamStatus.QOS_NOT_MET, null, s.qos);
            }
            if (!s.owner()) {
                StreamReply r;
                try {
                    r = call(s.sourceNode, new StreamMessage(CONNECT, id, null, null, null, null, null, null),
                            peerTimeoutMillis.getAsLong());
                } catch (PeerException e) {
                    if (e.refused()) {
                        throw bad("key stream " + id + " could not be joined: " + e.getMessage());
                    }
                    LOG.warn("node {}: destination of stream {} could not join: peer KMM {} unreachable: {}", nodeId,
                            s, s.sourceNode, e.getMessage());
                    return new OpenResult(StreamStatus.NO_QKD_CONNECTION_AVAILABLE, null, null);
                }
                if (r.status() != 0) {
                    return new OpenResult(StreamStatus.of(r.status()), null, null);
                }
            }
            s.destinationConnected = true;
        }
        LOG.info("node {}: stream {} joined by its destination", nodeId, s);
        return new OpenResult(StreamStatus.SUCCESSFUL, id, s.qos);
    }

    /** Outcome of QoS admission: granted QoS, or a status with a counter-proposal. */
    private record Admission(StreamStatus status, StreamQos qos, String why) {
    }

    /**
     * QoS admission against what the pair can get (ETSI GS QKD 004 §6.1: not met → status 7 with a
     * counter-proposal): the chunk size within the pair's key sizes, JSON metadata, and {@code min_bps}
     * within this node's half of the secret key rate of the links to the destination's node, less the
     * minimum rates of the streams already admitted over them (and of SAE pairs reserved there); a
     * relayed pair is admitted against its first hop's pool, at what a key costs there (pad and MAC).
     * {@code jitter} below what this KMM can keep ({@link #jitterFloor}) is countered with that floor; an
     * admitted jitter that a GET_KEY still misses is counted ({@link #jitterKept}).
     * Priority, min_bps and max_bps then compete in the node's {@link QosAllocator} with ETSI 014 pairs.
     */
    private Admission admit(String source, String destination, String destinationNode, StreamQos qos)
            throws KeyManagerException {
        PairStatus ps = keys.status(source, destination);
        if (!destinationNode.equals(nodeId) && ps.maxKeyCount() == 0) {
            return new Admission(StreamStatus.NO_QKD_CONNECTION_AVAILABLE, null,
                    "no QKD link or relay route from node " + nodeId + " to node " + destinationNode);
        }
        StreamQos counter = qos;
        List<String> why = new ArrayList<>();
        int minBytes = (ps.minKeySize() + 7) / 8;
        int maxBytes = ps.maxKeySize() / 8;
        if (qos.keyChunkSize() < minBytes || qos.keyChunkSize() > maxBytes) {
            counter = counter.withKeyChunkSize(Math.max(minBytes, Math.min(maxBytes, qos.keyChunkSize())));
            why.add("key_chunk_size " + qos.keyChunkSize() + " outside " + minBytes + ".." + maxBytes + " bytes");
        }
        if (!StreamQos.JSON.equalsIgnoreCase(qos.metadataMimetype())) {
            counter = counter.withMetadataMimetype(StreamQos.JSON);
            why.add("metadata_mimetype " + qos.metadataMimetype() + " not served");
        }
        KmmCore.PoolShare share = keys instanceof KmmCore core && !destinationNode.equals(nodeId)
                ? core.poolShare(destinationNode, counter.keyChunkSize() * 8) : null;
        int jitterFloor = jitterFloor(share);
        if (qos.jitter() > 0 && qos.jitter() < jitterFloor) {
            counter = new StreamQos(counter.keyChunkSize(), counter.maxBps(), counter.minBps(), jitterFloor,
                    counter.priority(), counter.timeout(), counter.ttl(), counter.metadataMimetype());
            why.add("jitter " + qos.jitter() + " ms below the " + jitterFloor + " ms node " + nodeId
                    + " can keep towards node " + destinationNode);
        }
        if (qos.minBps() > 0 && !destinationNode.equals(nodeId)) {
            long available = share != null ? guaranteeable(share, counter.keyChunkSize() * 8)
                    : guaranteeable(destinationNode);
            if (qos.minBps() > available) {
                long offer = Math.max(0, available);
                counter = new StreamQos(counter.keyChunkSize(),
                        counter.maxBps() == 0 ? 0 : Math.max(offer, counter.maxBps()), offer, counter.jitter(),
                        counter.priority(), counter.timeout(), counter.ttl(), counter.metadataMimetype());
                why.add("min_bps " + qos.minBps() + " above the " + offer + " bit/s node " + nodeId
                        + " can still guarantee towards node " + destinationNode);
            }
        }
        if (!why.isEmpty()) {
            return new Admission(StreamStatus.QOS_NOT_MET, counter, String.join("; ", why));
        }
        return new Admission(StreamStatus.SUCCESSFUL, qos.withMetadataMimetype(StreamQos.JSON), "");
    }

    /**
     * The smallest jitter (ms) promised: {@link #JITTER_FLOOR_MILLIS} for keys from a direct link or the DRBG;
     * a relayed key travels hop by hop when it is drawn, each hop bounded only by the peer timeout.
     */
    private int jitterFloor(KmmCore.PoolShare share) {
        if (share != null && share.relayed()) {
            return (int) Math.min(Integer.MAX_VALUE, Math.max(JITTER_FLOOR_MILLIS, peerTimeoutMillis.getAsLong()));
        }
        return JITTER_FLOOR_MILLIS;
    }

    /**
     * Bits of key per second still guaranteeable to a stream of {@code chunkBits} chunks over the pool of
     * {@code share}: this node's half of the pool's secret key rate, less the minima of the SAE pairs reserved
     * there and of the open streams this node owns over it, each at what its keys cost in the pool; then
     * converted to bits delivered (a relayed key costs more than its size: the hop message's pad and MAC).
     */
    private long guaranteeable(KmmCore.PoolShare share, int chunkBits) {
        KmmCore core = (KmmCore) keys;
        double committed = share.pairMinimaBps();
        for (Stream s : streams.values()) {
            if (s.owner() && !s.closed && s.qos.minBps() > 0 && !s.destinationNode.equals(nodeId)) {
                KmmCore.PoolShare other = core.poolShare(s.destinationNode, s.chunkBits());
                if (other != null && other.pool().equals(share.pool())) {
                    committed += (double) s.qos.minBps() * other.costBitsPerKey() / s.chunkBits();
                }
            }
        }
        return (long) Math.floor((share.skrBps() - committed) * chunkBits / share.costBitsPerKey());
    }

    /**
     * Bits per second still guaranteeable towards {@code peerNode}: half (this node's direction) of the
     * secret key rate of the up links to it, less the {@code min_bps} of open streams this node owns
     * towards it. Relayed pairs (no direct link) get no guarantee yet.
     */
    private long guaranteeable(String peerNode) {
        double skr = 0;
        for (PoolStatus p : keys.pools()) {
            if (p.peerNodeId().equals(peerNode) && p.link() != null
                    && (p.link().state() == LinkState.UP || p.link().state() == LinkState.DEGRADED)) {
                skr += p.link().secretKeyRate();
            }
        }
        long committed = 0;
        for (Stream s : streams.values()) {
            if (s.owner() && s.destinationNode.equals(peerNode) && !s.closed) {
                committed += s.qos.minBps();
            }
        }
        return (long) Math.floor(skr / 2) - committed;
    }

    // ------------------------------------------------------------------ GET_KEY

    @Override
    public GetKeyResult getKey(String caller, UUID id, long index, int metadataCapacity) throws KeyManagerException {
        if (id == null) {
            throw bad("key_stream_id is missing");
        }
        if (metadataCapacity < 0) {
            throw bad("metadata size cannot be negative");
        }
        Stream s = open(id);
        boolean asSource = end(s, caller);
        Delivered delivered = asSource ? s.sourceDelivered : s.destinationDelivered;
        long i;
        synchronized (delivered) {
            i = index < 0 ? delivered.next() : index;
            if (i > MAX_INDEX) {
                throw bad("index " + i + " beyond the largest index " + MAX_INDEX);
            }
            if (delivered.contains(i)) {
                throw bad("index " + i + " of key stream " + id + " was already delivered to " + caller);
            }
            if (i > delivered.floor + WINDOW) {
                throw bad("index " + i + " is more than " + WINDOW + " above the lowest index " + delivered.floor
                        + " not yet fetched by " + caller);
            }
        }
        if (asSource && !s.destinationConnected) {
            return GetKeyResult.failed(StreamStatus.PEER_NOT_CONNECTED_GET_KEY, i);
        }
        // ETSI GS QKD 004 §6.2: metadata too small → status 8 with the size needed; the key stays
        byte[] metadata = metadata(s, i, new UUID(0, 0));
        if (metadataCapacity > 0 && metadataCapacity < metadata.length) {
            return new GetKeyResult(StreamStatus.METADATA_SIZE_INSUFFICIENT, null, i, null, metadata.length);
        }
        long started = System.nanoTime();
        long deadline = started + TimeUnit.MILLISECONDS.toNanos(s.qos.timeout());
        Key key;
        if (s.owner()) {
            Drawn d = draw(s, i, deadline);
            if (d.status != null) {
                if (d.status == StreamStatus.TIMEOUT) {
                    jitterKept(s, started);
                }
                return GetKeyResult.failed(d.status, i);
            }
            if (asSource) {
                key = takeSourceCopy(s, i);
            } else {
                key = fetch(s, d.keyId);
                markDestinationDone(s, i);
            }
        } else {
            // the owner never waits on its peer endpoint's threads: it answers at once, this node waits and asks again
            StreamReply r;
            while (true) {
                try {
                    r = call(s.sourceNode, new StreamMessage(KEY, id, null, null, null, i, 0L, null),
                            peerTimeoutMillis.getAsLong());
                } catch (PeerException e) {
                    if (e.refused()) {
                        throw bad(e.getMessage());
                    }
                    LOG.warn("node {}: GET_KEY index {} of stream {}: peer KMM {} unreachable: {}", nodeId, i, s,
                            s.sourceNode, e.getMessage());
                    return GetKeyResult.failed(StreamStatus.NO_QKD_CONNECTION_AVAILABLE, i);
                }
                long left = deadline - System.nanoTime();
                if (r.status() != StreamStatus.INSUFFICIENT_KEY_AVAILABLE.code() || left <= 0) {
                    break;
                }
                pause(Math.min(RETRY_MILLIS, TimeUnit.NANOSECONDS.toMillis(left) + 1));
            }
            if (r.status() == StreamStatus.INSUFFICIENT_KEY_AVAILABLE.code() && s.qos.timeout() > 0) {
                jitterKept(s, started);
                return GetKeyResult.failed(StreamStatus.TIMEOUT, i); // waited the QoS timeout for key
            }
            if (r.status() != 0) {
                return GetKeyResult.failed(StreamStatus.of(r.status()), i);
            }
            key = fetch(s, r.keyId());
        }
        synchronized (delivered) {
            if (delivered.contains(i)) { // two concurrent calls for one index: the first one wins
                key.destroy();
                throw bad("index " + i + " of key stream " + id + " was already delivered to " + caller);
            }
            delivered.add(i);
        }
        jitterKept(s, started);
        byte[] bytes = key.bytes();
        key.destroy();
        byte[] md = metadataCapacity == 0 ? null : metadata(s, i, key.id());
        LOG.debug("node {}: stream {} index {} delivered to {}", nodeId, id, i, caller);
        return new GetKeyResult(StreamStatus.SUCCESSFUL, bytes, i, md, md == null ? 0 : md.length);
    }

    /**
     * ETSI 004 jitter: the deviation of key delivery the application tolerates. Admission refuses a jitter
     * below what this KMM can keep; a GET_KEY that still waited longer than it for key (key scarce, the
     * pool empty, the peer slow) is counted, with one INFO line per stream at the first miss.
     */
    private void jitterKept(Stream s, long startedNanos) {
        if (s.qos.jitter() <= 0) {
            return;
        }
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
        if (waited > s.qos.jitter() && s.jitterMisses.getAndIncrement() == 0) {
            LOG.info("node {}: stream {}: a GET_KEY waited {} ms for key, more than its jitter of {} ms (key scarce or "
                    + "the peer slow); further misses are counted, not logged", nodeId, s, waited, s.qos.jitter());
        }
    }

    /** GET_KEYs of the stream that waited longer than its jitter for key (tests, telemetry). */
    public long jitterMisses(UUID id) {
        Stream s = streams.get(id);
        return s == null ? 0 : s.jitterMisses.get();
    }

    @Override
    public List<StreamInfo> streams() {
        List<StreamInfo> out = new ArrayList<>();
        for (Stream s : streams.values()) {
            if (!s.closed) {
                out.add(new StreamInfo(nodeId, s.id, s.source, s.destination, s.owner(), s.qos,
                        s.destinationConnected, s.jitterMisses.get()));
            }
        }
        out.sort(java.util.Comparator.comparing(i -> i.keyStreamId().toString()));
        return out;
    }

    /** Metadata of one index (JSON, the default MIME type): stream, index, and the key's ID. */
    private static byte[] metadata(Stream s, long index, UUID keyId) {
        return ("{\"key_stream_id\":\"" + s.id + "\",\"index\":" + index + ",\"key_id\":\"" + keyId + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The destination's copy, by ID, from this node's pool (ETSI 014 dec_keys path). */
    private Key fetch(Stream s, UUID keyId) throws KeyManagerException {
        List<Key> got = keys.keysById(s.destination, s.source, List.of(keyId));
        return got.get(0);
    }

    private record Drawn(UUID keyId, StreamStatus status) {
    }

    /**
     * The owner's key of index {@code i}: drawn now (within the deadline) unless drawn before. Waits for
     * key (and for max_bps) until the deadline: then TIMEOUT, or INSUFFICIENT_KEY_AVAILABLE when the
     * QoS timeout is 0.
     */
    private Drawn draw(Stream s, long i, long deadline) throws KeyManagerException {
        return draw(s, i, deadline, s.qos.timeout() > 0 ? StreamStatus.TIMEOUT : StreamStatus.INSUFFICIENT_KEY_AVAILABLE);
    }

    private Drawn draw(Stream s, long i, long deadline, StreamStatus waitFailed) throws KeyManagerException {
        Slot slot = s.slots.computeIfAbsent(i, k -> new Slot());
        synchronized (slot) {
            if (slot.keyId != null) {
                return new Drawn(slot.keyId, null);
            }
            if (s.slots.size() > MAX_WAITING) {
                s.slots.remove(i, slot);
                throw bad("more than " + MAX_WAITING + " keys of stream " + s.id + " wait for the other end");
            }
            while (true) {
                if (s.closed) {
                    throw bad("key stream " + s.id + " was closed");
                }
                long wait = s.takeChunk();
                if (wait > 0) {
                    if (System.nanoTime() + wait > deadline) {
                        s.slots.remove(i, slot);
                        return new Drawn(null, waitFailed); // max_bps reached
                    }
                    pause(TimeUnit.NANOSECONDS.toMillis(wait) + 1);
                    continue;
                }
                try {
                    KeyRequest req = new KeyRequest(s.source, s.destination, 1, s.chunkBits());
                    // priority, min_bps and max_bps compete for the pool with ETSI 014 pairs (issue 9)
                    List<Key> got = keys instanceof KmmCore core ? core.newKeys(req, demand(s)) : keys.newKeys(req);
                    slot.keyId = got.get(0).id();
                    slot.sourceCopy = got.get(0);
                    return new Drawn(slot.keyId, null);
                } catch (KeyManagerException e) {
                    s.refundChunk();
                    if (e.reason() != Reason.UNAVAILABLE) {
                        s.slots.remove(i, slot);
                        throw e;
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        s.slots.remove(i, slot);
                        LOG.debug("node {}: stream {} index {}: no key within {} ms: {}", nodeId, s.id, i,
                                s.qos.timeout(), e.getMessage());
                        return new Drawn(null, waitFailed);
                    }
                    pause(Math.min(RETRY_MILLIS, TimeUnit.NANOSECONDS.toMillis(left) + 1));
                }
            }
        }
    }

    /** The stream as a consumer of the allocator: rates in bits of key delivered per second. */
    private static QosAllocator.Demand demand(Stream s) {
        return new QosAllocator.Demand(consumerId(s.id), s.qos.priority(), s.qos.minBps(), s.qos.maxBps());
    }

    static String consumerId(UUID id) {
        return "stream " + id;
    }

    private static void pause(long millis) throws KeyManagerException {
        try {
            Thread.sleep(Math.max(1, millis)); // waiting for key to arrive, bounded by the QoS timeout
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KeyManagerException(Reason.UNAVAILABLE, "interrupted while waiting for key");
        }
    }

    private Key takeSourceCopy(Stream s, long i) throws KeyManagerException {
        Slot slot = s.slots.get(i);
        if (slot == null) {
            throw bad("index " + i + " of key stream " + s.id + " is gone (stream closed?)");
        }
        synchronized (slot) {
            if (slot.sourceCopy == null) {
                throw bad("index " + i + " of key stream " + s.id + " was already delivered to " + s.source);
            }
            Key k = slot.sourceCopy;
            slot.sourceCopy = null;
            slot.sourceDone = true;
            if (slot.destinationDone) {
                s.slots.remove(i, slot);
            }
            return k;
        }
    }

    private void markDestinationDone(Stream s, long i) {
        Slot slot = s.slots.get(i);
        if (slot == null) {
            return;
        }
        synchronized (slot) {
            slot.destinationDone = true;
            if (slot.sourceDone) {
                s.slots.remove(i, slot);
            }
        }
    }

    // ------------------------------------------------------------------ CLOSE, TTL

    @Override
    public StreamStatus close(String caller, UUID id) throws KeyManagerException {
        if (id == null) {
            throw bad("key_stream_id is missing");
        }
        Stream s = open(id);
        boolean asSource = end(s, caller);
        String why = "closed by " + (asSource ? "its source " : "its destination ") + caller;
        finish(s, why);
        String other = asSource ? s.destinationNode : s.sourceNode;
        if (!other.equals(nodeId)) {
            try {
                call(other, new StreamMessage(CLOSE, id, null, null, null, null, null, why),
                        peerTimeoutMillis.getAsLong());
            } catch (PeerException e) {
                LOG.warn("node {}: stream {} closed here; peer KMM {} not told: {}", nodeId, s, other,
                        e.getMessage());
            }
        }
        return StreamStatus.SUCCESSFUL;
    }

    /** Ends streams whose TTL passed; returns how many. Run every second or so. */
    public int sweep() {
        long now = clock.millis();
        int n = 0;
        for (Stream s : streams.values()) {
            if (s.expiresAtMillis > 0 && now >= s.expiresAtMillis) {
                finish(s, "ended: its ttl of " + s.qos.ttl() + " s passed");
                n++;
            }
        }
        synchronized (tombstones) {
            tombstoneExpiry.entrySet().removeIf(e -> {
                if (e.getValue() < now) {
                    tombstones.remove(e.getKey());
                    return true;
                }
                return false;
            });
        }
        return n;
    }

    /** Removes the stream here and destroys the keys it holds. */
    private void finish(Stream s, String why) {
        if (!streams.remove(s.id, s)) {
            return;
        }
        s.closed = true;
        int destroyed = 0;
        for (Slot slot : s.slots.values()) {
            synchronized (slot) {
                if (slot.sourceCopy != null) {
                    slot.sourceCopy.destroy();
                    slot.sourceCopy = null;
                    destroyed++;
                }
            }
        }
        s.slots.clear();
        if (keys instanceof KmmCore core) {
            core.qosAllocator().forget(consumerId(s.id)); // its minimum is no longer held
        }
        synchronized (tombstones) {
            tombstones.put(s.id, "was " + why);
            tombstoneExpiry.put(s.id, clock.millis() + TOMBSTONE_MILLIS);
        }
        LOG.info("node {}: stream {} {} ({} undelivered keys destroyed)", nodeId, s, why, destroyed);
    }

    @Override
    public void close() {
        for (Stream s : streams.values()) {
            finish(s, "ended: its KMM stopped");
        }
    }

    // ------------------------------------------------------------------ peer side

    /** A stream message from the KMM of node {@code caller} ({@code POST /peer/v1/stream}). */
    public StreamReply fromPeer(String neighbour, StreamMessage m) throws PeerException {
        if (m.targetNode() != null && !m.targetNode().equals(nodeId)) {
            return forward(neighbour, m);
        }
        // over a relay route the sender is the node that wrote the message (the trusted nodes between pass it on)
        String caller = m.originNode() != null ? m.originNode() : neighbour;
        switch (m.op()) {
            case OPEN:
                return peerOpen(caller, m);
            case CONNECT: {
                Stream s = peerStream(m, caller, true);
                s.destinationConnected = true;
                LOG.info("node {}: stream {} joined by its destination at node {}", nodeId, s, caller);
                return new StreamReply(0, null, null);
            }
            case KEY: {
                Stream s = peerStream(m, caller, true);
                if (m.index() == null || m.index() < 0 || m.index() > MAX_INDEX) {
                    throw new PeerException("stream key message without a valid index", true);
                }
                // at most a short wait here (peer endpoint threads are shared): the asking node retries
                long wait = Math.max(0, Math.min(s.qos.timeout(), m.timeoutMillis() == null ? 0 : m.timeoutMillis()));
                Drawn d;
                try {
                    d = draw(s, m.index(), System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.min(wait, 50)),
                            StreamStatus.INSUFFICIENT_KEY_AVAILABLE);
                } catch (KeyManagerException e) {
                    throw new PeerException(e.getMessage(), true);
                }
                if (d.status != null) {
                    return new StreamReply(d.status.code(), null, null);
                }
                Slot slot = s.slots.get(m.index());
                if (slot != null) {
                    synchronized (slot) {
                        if (slot.destinationDone) {
                            throw new PeerException("index " + m.index() + " of key stream " + s.id
                                    + " was already handed to node " + caller, true);
                        }
                    }
                }
                markDestinationDone(s, m.index());
                return new StreamReply(0, d.keyId, null);
            }
            case CLOSE: {
                Stream s = streams.get(m.keyStreamId());
                if (s != null) {
                    String other = s.owner() ? s.destinationNode : s.sourceNode;
                    if (!other.equals(caller)) {
                        throw new PeerException("node " + caller + " is not an end of key stream " + s.id, true);
                    }
                    finish(s, m.reason() == null ? "closed by peer node " + caller
                            : m.reason() + " (at node " + caller + ")");
                }
                return new StreamReply(0, null, null);
            }
            default:
                throw new PeerException("unknown stream operation " + m.op(), true);
        }
    }

    /** A middle node of a relay route passes a stream message on towards its target. */
    private StreamReply forward(String neighbour, StreamMessage m) throws PeerException {
        if (m.originNode() == null) {
            throw new PeerException("stream message for node " + m.targetNode() + " without its origin", true);
        }
        String hop = hopTowards(m.targetNode(), m.originNode());
        if (hop.equals(neighbour)) {
            throw new PeerException("node " + nodeId + " has no route from " + m.originNode() + " to "
                    + m.targetNode(), true);
        }
        PeerTransport t = transport.get();
        if (t == null) {
            return new StreamReply(StreamStatus.NO_QKD_CONNECTION_AVAILABLE.code(), null,
                    "peer channel of node " + nodeId + " is down");
        }
        try {
            return t.stream(hop, m, peerTimeoutMillis.getAsLong());
        } catch (PeerException e) {
            if (e.refused()) {
                throw e;
            }
            LOG.warn("node {}: stream message {} from {} to {} not passed on: {} unreachable: {}", nodeId, m.op(),
                    m.originNode(), m.targetNode(), hop, e.getMessage());
            return new StreamReply(StreamStatus.NO_QKD_CONNECTION_AVAILABLE.code(), null,
                    "node " + nodeId + " cannot reach node " + hop);
        }
    }

    private StreamReply peerOpen(String caller, StreamMessage m) throws PeerException {
        if (m.sourceSaeId() == null || m.destinationSaeId() == null || m.qos() == null) {
            throw new PeerException("stream open without source, destination or qos", true);
        }
        Map<String, String> saes = saeNodes();
        String sourceNode = saes.get(m.sourceSaeId());
        String destinationNode = saes.get(m.destinationSaeId());
        if (!caller.equals(sourceNode)) {
            throw new PeerException("source SAE " + m.sourceSaeId() + " is not served by node " + caller, true);
        }
        if (!nodeId.equals(destinationNode)) {
            throw new PeerException("destination SAE " + m.destinationSaeId() + " is not served by node " + nodeId,
                    true);
        }
        if (streams.containsKey(m.keyStreamId()) || tombstoned(m.keyStreamId()) != null) {
            return new StreamReply(StreamStatus.KSID_ALREADY_IN_USE.code(), null, "key stream ID in use at " + nodeId);
        }
        Stream s = new Stream(m.keyStreamId(), m.sourceSaeId(), m.destinationSaeId(), sourceNode, destinationNode,
                m.qos(), clock.millis());
        if (streams.putIfAbsent(s.id, s) != null) {
            return new StreamReply(StreamStatus.KSID_ALREADY_IN_USE.code(), null, "key stream ID in use at " + nodeId);
        }
        LOG.info("node {}: stream {} announced by node {}; waiting for its destination", nodeId, s, caller);
        return new StreamReply(0, null, null);
    }

    /** The stream a peer message names; the caller must be the node of the other end. */
    private Stream peerStream(StreamMessage m, String caller, boolean mustOwn) throws PeerException {
        Stream s = streams.get(m.keyStreamId());
        if (s == null) {
            String why = tombstoned(m.keyStreamId());
            throw new PeerException("key stream " + m.keyStreamId() + (why != null ? " " + why
                    : " is not open at node " + nodeId), true);
        }
        if (mustOwn && (!s.owner() || !s.destinationNode.equals(caller))) {
            throw new PeerException("node " + caller + " is not the destination's node of key stream " + s.id, true);
        }
        if (expired(s)) {
            throw new PeerException("key stream " + s.id + " ended: its ttl of " + s.qos.ttl() + " s passed", true);
        }
        return s;
    }

    // ------------------------------------------------------------------ helpers

    private StreamReply call(String peer, StreamMessage m, long timeoutMillis) throws PeerException {
        PeerTransport t = transport.get();
        if (t == null) {
            throw new PeerException("peer channel of node " + nodeId + " is down (no node TLS yet)", false);
        }
        String hop = hopTowards(peer, nodeId);
        StreamReply r = t.stream(hop, hop.equals(peer) ? m : m.via(nodeId, peer), timeoutMillis);
        if (r.status() < 0 || r.status() > 8) {
            throw new PeerException("peer KMM " + peer + " answered unknown status " + r.status(), false);
        }
        if (KEY.equals(m.op()) && r.status() == 0 && r.keyId() == null) {
            throw new PeerException("peer KMM " + peer + " answered a key without a key ID", false);
        }
        return r;
    }

    /**
     * The neighbour a stream message for {@code target} goes to: {@code target} itself when a QKD link
     * joins the two nodes (or no route is known), else the next hop of the relay route (ETSI GS QKD 015
     * virtual link) between {@code origin} and {@code target} that passes this node.
     */
    private String hopTowards(String target, String origin) {
        for (PoolStatus p : keys.pools()) {
            if (p.peerNodeId().equals(target)) {
                return target;
            }
        }
        if (keys instanceof RelayRoutes routes) {
            for (VirtualLink v : routes.virtualLinks()) {
                boolean ends = v.joins(origin, target) || (v.firstEnd().equals(target) || v.lastEnd().equals(target))
                        && origin.equals(nodeId);
                String hop = v.hopTowards(target);
                if (ends && hop != null) {
                    return hop;
                }
            }
        }
        return target;
    }

    /** The open stream, or a clear error (unknown, closed, TTL over). */
    private Stream open(UUID id) throws KeyManagerException {
        Stream s = live(id);
        if (s == null) {
            String why = tombstoned(id);
            throw bad("key stream " + id + (why != null ? " " + why : " is not open at node " + nodeId));
        }
        return s;
    }

    private Stream live(UUID id) {
        Stream s = streams.get(id);
        if (s != null && expired(s)) {
            finish(s, "ended: its ttl of " + s.qos.ttl() + " s passed");
            return null;
        }
        return s;
    }

    private boolean expired(Stream s) {
        return s.expiresAtMillis > 0 && clock.millis() >= s.expiresAtMillis;
    }

    private String tombstoned(UUID id) {
        synchronized (tombstones) {
            return tombstones.get(id);
        }
    }

    /** true: the caller is the stream's source (at this node); false: its destination (at this node). */
    private boolean end(Stream s, String caller) throws KeyManagerException {
        if (caller != null && caller.equals(s.source) && s.sourceNode.equals(nodeId)) {
            return true;
        }
        if (caller != null && caller.equals(s.destination) && s.destinationNode.equals(nodeId)) {
            if (!s.destinationConnected) {
                throw bad("SAE " + caller + " has not opened key stream " + s.id + " yet (OPEN_CONNECT first)");
            }
            return false;
        }
        throw new KeyManagerException(Reason.UNAUTHORIZED,
                "SAE " + caller + " is not an end of key stream " + s.id + " at node " + nodeId);
    }

    private Map<String, String> saeNodes() {
        Map<String, String> m = new java.util.HashMap<>();
        for (SaeInfo i : keys.saes()) {
            m.put(i.saeId(), i.nodeId());
        }
        return m;
    }

    private static String node(Map<String, String> saes, String sae) throws KeyManagerException {
        String n = saes.get(sae);
        if (n == null) {
            throw bad("SAE " + sae + " is not known (no org.qkdv2i.kmm.Sae configuration)");
        }
        return n;
    }

    private static String sae(URI uri, String what) throws KeyManagerException {
        String id = KeyStreams.saeId(uri);
        if (id == null) {
            throw bad(what + " " + uri + " is not an SAE URI (sae:<SAE ID>)");
        }
        return id;
    }

    private static KeyManagerException bad(String message) {
        return new KeyManagerException(Reason.BAD_REQUEST, message);
    }
}
