package org.qkdv2i.kmm.internal.core;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

import org.qkdv2i.kmm.api.KeyManagerException;
import org.qkdv2i.kmm.api.VirtualLink;
import org.qkdv2i.qkd.api.KeyBlock;
import org.qkdv2i.qkd.api.LinkEnd;
import org.qkdv2i.qkd.api.QkdRole;

/**
 * KMM cores in a daisy chain (A - B - C ...), each pair of neighbours joined by link
 * {@code L-XY}, wired directly in-process, with virtual link {@link #VLINK} from the first to the
 * last node. SAE {@code sa} at the first node, {@code sz} at the last.
 */
final class Chain implements AutoCloseable {

    static final String VLINK = "V-1";

    final Path dir;
    final List<String> nodes;
    final TwoNodes.MutableClock clock = new TwoNodes.MutableClock();
    final TwoNodes.TestDirectory directory = new TwoNodes.TestDirectory();
    final Map<String, byte[]> keks = new LinkedHashMap<>();
    final Map<String, KmmCore> cores = new ConcurrentHashMap<>();
    final Random blockRandom = new Random(4711);
    /** Rewrites the ext_keys sent from X to Y (key "X>Y") on the way. */
    final Map<String, UnaryOperator<PeerTransport.ExtKeysRequest>> tamper = new ConcurrentHashMap<>();
    /** Acknowledgements from X to Y (key "X>Y") that are lost on the way. */
    final Set<String> lostAcks = ConcurrentHashMap.newKeySet();
    /** Every ext_keys as it left its sender ("X>Y" and the message). */
    final List<Map.Entry<String, PeerTransport.ExtKeysRequest>> sent = new CopyOnWriteArrayList<>();
    long peerTimeoutMillis = 3000;
    /** Links besides the chain's ("X>Y" and "Y>X"), e.g. a direct link between the two ends: {@link #join}. */
    final Set<String> extraLinks = ConcurrentHashMap.newKeySet();
    /** Peer channels that are cut ("X>Y": X's calls to Y fail as unreachable). */
    final Set<String> cut = ConcurrentHashMap.newKeySet();
    /** Peer channels whose reservations are never answered ("X>Y": X's reserve at Y times out). */
    final Set<String> silent = ConcurrentHashMap.newKeySet();
    /** Inventory calls sent ("X>Y"). */
    final Map<String, java.util.concurrent.atomic.AtomicInteger> inventories = new ConcurrentHashMap<>();
    /** Peer channels whose inventory syncs fail ("X>Y": X's inventory calls to Y are refused). */
    final Set<String> noInventory = ConcurrentHashMap.newKeySet();
    /** Reservations sent ("X>Y"). */
    final Map<String, java.util.concurrent.atomic.AtomicInteger> reserves = new ConcurrentHashMap<>();

    Chain(Path dir, String... nodes) throws Exception {
        this.dir = dir;
        this.nodes = List.of(nodes);
        for (String n : nodes) {
            byte[] kek = new byte[32];
            new SecureRandom().nextBytes(kek);
            keks.put(n, kek);
        }
        directory.saes.put("sa", first());
        directory.saes.put("sz", last());
        for (String n : nodes) {
            open(n);
        }
    }

    String first() {
        return nodes.get(0);
    }

    String last() {
        return nodes.get(nodes.size() - 1);
    }

    KmmCore core(String node) {
        return cores.get(node);
    }

    void open(String n) throws Exception {
        KmmSettings s = KmmSettings.defaults(n).withPeer(peerTimeoutMillis, 0);
        KmmCore core = new KmmCore(s, dir.resolve(n), keks.get(n), directory, clock, new SecureRandom(), e -> {
        });
        core.setTransport(new Direct(n));
        core.setPeerNodes(Set.copyOf(neighbours(n)));
        cores.put(n, core);
    }

    /** Closes and reopens node {@code n} from its store (a restart). */
    void restart(String n) throws Exception {
        cores.remove(n).close();
        open(n);
    }

    List<String> neighbours(String n) {
        int i = nodes.indexOf(n);
        List<String> out = new ArrayList<>();
        if (i > 0) {
            out.add(nodes.get(i - 1));
        }
        if (i < nodes.size() - 1) {
            out.add(nodes.get(i + 1));
        }
        for (String m : nodes) {
            if (extraLinks.contains(n + ">" + m) && !out.contains(m)) {
                out.add(m);
            }
        }
        return out;
    }

    /** Adds a link between {@code x} and {@code y} (not neighbours in the chain): both become peers. */
    void join(String x, String y) {
        extraLinks.add(x + ">" + y);
        extraLinks.add(y + ">" + x);
        core(x).setPeerNodes(Set.copyOf(neighbours(x)));
        core(y).setPeerNodes(Set.copyOf(neighbours(y)));
    }

    static String link(String x, String y) {
        return x.compareTo(y) < 0 ? "L-" + x + y : "L-" + y + x;
    }

    /** The virtual link from the first to the last node, put at every node. */
    void route() throws KeyManagerException {
        for (int i = 0; i < nodes.size(); i++) {
            String prev = i == 0 ? null : nodes.get(i - 1);
            String next = i == nodes.size() - 1 ? null : nodes.get(i + 1);
            core(nodes.get(i)).putVirtualLink(new VirtualLink(VLINK, first(), last(), prev, next));
        }
    }

    /** {@code blocks} blocks of 64 stored keys to both ends of every link. */
    void feed(int blocks) {
        for (int i = 0; i + 1 < nodes.size(); i++) {
            for (int b = 0; b < blocks; b++) {
                block(nodes.get(i), nodes.get(i + 1), true, true);
            }
        }
    }

    /** One block of 64 stored keys on link x-y, to the ends asked for. */
    void block(String x, String y, boolean toX, boolean toY) {
        block(x, y, toX, toY, 64);
    }

    /** One block of {@code storedKeys} stored keys on link x-y, to the ends asked for. */
    void block(String x, String y, boolean toX, boolean toY, int storedKeys) {
        byte[] key = new byte[32 * storedKeys];
        blockRandom.nextBytes(key);
        UUID id = new UUID(blockRandom.nextLong(), blockRandom.nextLong());
        String l = link(x, y);
        if (toX) {
            core(x).keyBlock(new LinkEnd(l, x, y, QkdRole.TRANSMITTER),
                    new KeyBlock(id, key.clone(), clock.instant(), 0.01, 1e-10));
        }
        if (toY) {
            core(y).keyBlock(new LinkEnd(l, y, x, QkdRole.RECEIVER),
                    new KeyBlock(id, key.clone(), Instant.ofEpochMilli(clock.millis()), 0.01, 1e-10));
        }
    }

    /** Own stored keys of node n on link l. */
    long own(String n, String l) {
        return core(n).pools().stream().filter(p -> p.linkId().equals(l)).mapToLong(p -> p.ownKeys()).sum();
    }

    /** Stored keys of the peer's half node n holds on link l. */
    long peerHalf(String n, String l) {
        return core(n).pools().stream().filter(p -> p.linkId().equals(l)).mapToLong(p -> p.peerKeys()).sum();
    }

    /** In-process transport of node {@code self}: calls the neighbour's core directly. */
    final class Direct implements PeerTransport {
        private final String self;

        Direct(String self) {
            this.self = self;
        }

        private KmmCore reach(String peer) throws PeerException {
            KmmCore c = cores.get(peer);
            if (c == null || !neighbours(self).contains(peer) || cut.contains(self + ">" + peer)) {
                throw new PeerException("connection refused", false);
            }
            return c;
        }

        @Override
        public ReserveResult reserve(String peer, ReserveRequest req, long timeoutMillis) throws PeerException {
            reserves.computeIfAbsent(self + ">" + peer, k -> new java.util.concurrent.atomic.AtomicInteger())
                    .incrementAndGet();
            if (silent.contains(self + ">" + peer)) {
                try {
                    Thread.sleep(timeoutMillis); // a peer that never answers: the caller's timeout runs out
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new PeerException("timeout after " + timeoutMillis + " ms", false);
            }
            return reach(peer).reserve(self, req);
        }

        @Override
        public InventoryResult inventory(String peer, InventoryRequest req, long timeoutMillis) throws PeerException {
            inventories.computeIfAbsent(self + ">" + peer, k -> new java.util.concurrent.atomic.AtomicInteger())
                    .incrementAndGet();
            if (noInventory.contains(self + ">" + peer)) {
                throw new PeerException("inventory refused (test)", false);
            }
            return reach(peer).inventory(self, req);
        }

        @Override
        public void extKeys(String peer, ExtKeysRequest req, long timeoutMillis) throws PeerException {
            sent.add(Map.entry(self + ">" + peer, req));
            UnaryOperator<ExtKeysRequest> t = tamper.get(self + ">" + peer);
            reach(peer).extKeys(self, t == null ? req : t.apply(req));
        }

        @Override
        public void extAck(String peer, String callbackUrl, ExtAck ack, long timeoutMillis) throws PeerException {
            if (lostAcks.contains(self + ">" + peer)) {
                throw new PeerException("connection reset", false);
            }
            reach(peer).extAck(self, ack);
        }

        @Override
        public void extVoid(String peer, ExtVoid v, long timeoutMillis) throws PeerException {
            reach(peer).extVoid(self, v);
        }
    }

    @Override
    public void close() {
        cores.values().forEach(KmmCore::close);
    }
}
