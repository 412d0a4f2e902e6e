package org.qkdv2i.kmm.internal.core;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.qkdv2i.kmm.api.KeyEvent;
import org.qkdv2i.qkd.api.KeyBlock;
import org.qkdv2i.qkd.api.LinkEnd;
import org.qkdv2i.qkd.api.QkdRole;

/**
 * Two KMM cores A and B joined by link "L-AB", wired directly (no network), with SAEs
 * sa, sa2 at A and sb, sb2 at B.
 */
final class TwoNodes implements AutoCloseable {

    static final String LINK = "L-AB";
    static final LinkEnd END_A = new LinkEnd(LINK, "A", "B", QkdRole.TRANSMITTER);
    static final LinkEnd END_B = new LinkEnd(LINK, "B", "A", QkdRole.RECEIVER);

    /** A clock tests move by hand. */
    static final class MutableClock extends Clock {
        final AtomicLong millis = new AtomicLong(1_700_000_000_000L);

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }

        void advanceSeconds(long s) {
            millis.addAndGet(s * 1000);
        }
    }

    /** Registry shared by both nodes. */
    static final class TestDirectory implements Directory {
        final Map<String, String> saes = new ConcurrentHashMap<>();
        final List<Qos> rules = new CopyOnWriteArrayList<>();

        @Override
        public Map<String, String> saes() {
            return Map.copyOf(saes);
        }

        @Override
        public Optional<Qos> qos(String m, String s) {
            return rules.stream().filter(q -> q.match(m, s) >= 0)
                    .max((x, y) -> Integer.compare(x.match(m, s), y.match(m, s)));
        }
    }

    /** Direct transport: calls the other core in-process; can be switched off; counts calls. */
    final class Direct implements PeerTransport {
        volatile boolean down;
        final AtomicInteger reserveCalls = new AtomicInteger();
        final AtomicInteger inventoryCalls = new AtomicInteger();
        final AtomicInteger assignCalls = new AtomicInteger();
        final AtomicInteger claimCalls = new AtomicInteger();
        /** Runs at the start of every assignment call, on the owner's assigner thread. */
        volatile Runnable beforeAssign;
        /** Runs at the start of every reservation call, while the owner holds the stored keys in flight. */
        volatile Runnable beforeReserve;
        /** Runs at the start of every inventory call (outside both cores' locks). */
        volatile Runnable beforeInventory;
        /** Every inventory request sent, in order. */
        final List<InventoryRequest> inventories = new CopyOnWriteArrayList<>();

        @Override
        public ReserveResult reserve(String peer, ReserveRequest req, long timeoutMillis) throws PeerException {
            reserveCalls.incrementAndGet();
            return reach(peer, beforeReserve).reserve(other(peer), req);
        }

        @Override
        public InventoryResult inventory(String peer, InventoryRequest req, long timeoutMillis) throws PeerException {
            inventoryCalls.incrementAndGet();
            inventories.add(req);
            return reach(peer, beforeInventory).inventory(other(peer), req);
        }

        @Override
        public AssignResult assign(String peer, AssignRequest req, long timeoutMillis) throws PeerException {
            assignCalls.incrementAndGet();
            return reach(peer, beforeAssign).assign(other(peer), req);
        }

        @Override
        public ClaimResult claim(String peer, ClaimRequest req, long timeoutMillis) throws PeerException {
            claimCalls.incrementAndGet();
            return reach(peer, null).claim(other(peer), req);
        }

        /** Key checks sent, and a hook run at the start of each (outside both cores' locks). */
        final AtomicInteger keyCheckCalls = new AtomicInteger();
        volatile Runnable beforeKeyCheck;

        @Override
        public KeyCheckResult keyCheck(String peer, KeyCheckRequest req, long timeoutMillis) throws PeerException {
            keyCheckCalls.incrementAndGet();
            return reach(peer, beforeKeyCheck).keyCheck(other(peer), req);
        }

        @Override
        public VoidKeysResult voidKeys(String peer, VoidKeysRequest req, long timeoutMillis) throws PeerException {
            return reach(peer, null).voidKeys(other(peer), req);
        }

        @Override
        public byte[] driverMessage(String peer, String linkId, byte[] message, long timeoutMillis)
                throws PeerException {
            throw new PeerException("no driver channel between in-process cores", true);
        }

        /** Runs the test's hook, then fails like a dead link or returns the core of {@code peer}. */
        private KmmCore reach(String peer, Runnable hook) throws PeerException {
            if (hook != null) {
                hook.run();
            }
            if (down) {
                throw new PeerException("connection refused", false);
            }
            return peer.equals("A") ? a : b;
        }

        private static String other(String node) {
            return node.equals("A") ? "B" : "A";
        }
    }

    final Path dir;
    final MutableClock clock = new MutableClock();
    final TestDirectory directory = new TestDirectory();
    final byte[] kekA = new byte[32];
    final byte[] kekB = new byte[32];
    final List<KeyEvent> events = new CopyOnWriteArrayList<>();
    final Direct transport = new Direct();
    final Random blockRandom = new Random(42);
    // the clock only moves when a test moves it: no grace period unless a test asks for one
    KmmSettings settingsA = KmmSettings.defaults("A").withPeer(5000, 0);
    KmmSettings settingsB = KmmSettings.defaults("B").withPeer(5000, 0);
    KmmCore a;
    KmmCore b;

    TwoNodes(Path dir) throws Exception {
        this.dir = dir;
        new SecureRandom().nextBytes(kekA);
        new SecureRandom().nextBytes(kekB);
        directory.saes.put("sa", "A");
        directory.saes.put("sa2", "A");
        directory.saes.put("sb", "B");
        directory.saes.put("sb2", "B");
        open();
    }

    void open() throws Exception {
        a = new KmmCore(settingsA, dir.resolve("A"), kekA, directory, clock, new SecureRandom(), events::add);
        b = new KmmCore(settingsB, dir.resolve("B"), kekB, directory, clock, new SecureRandom(), events::add);
        a.setTransport(transport);
        b.setTransport(transport);
    }

    void reopen() throws Exception {
        close();
        open();
    }

    /** The same random block to both ends; returns the key bytes (for tests that look for them). */
    byte[] block(int bytes) {
        byte[] key = new byte[bytes];
        blockRandom.nextBytes(key);
        UUID id = new UUID(blockRandom.nextLong(), blockRandom.nextLong());
        a.keyBlock(END_A, new KeyBlock(id, key, clock.instant(), 0.01, 1e-10));
        b.keyBlock(END_B, new KeyBlock(id, key, clock.instant(), 0.01, 1e-10));
        return key;
    }

    /** A block that only A receives (B's driver lost it). */
    byte[] blockOnlyA(int bytes) {
        byte[] key = new byte[bytes];
        blockRandom.nextBytes(key);
        a.keyBlock(END_A, new KeyBlock(UUID.randomUUID(), key, clock.instant(), 0.01, 1e-10));
        return key;
    }

    /** Block time of numbered blocks: block n is created at {@code blockBase + n * BLOCK_MILLIS} (100 blocks/s). */
    static final long BLOCK_MILLIS = 10;
    final long blockBase = clock.millis();

    /** Numbered block n as both ends' drivers deliver it (same ID, bytes and creation time), 8 stored keys. */
    KeyBlock numbered(int n) {
        byte[] key = new byte[32 * 8];
        new Random(n * 7919L + 17).nextBytes(key);
        return new KeyBlock(blockId(n), key, Instant.ofEpochMilli(blockBase + n * BLOCK_MILLIS), 0.01, 1e-10);
    }

    static UUID blockId(int n) {
        return new UUID(0x51ab_0000_0000_0000L, n);
    }

    /** Numbered blocks [from, to) to A's end only. */
    void feedA(int from, int to) {
        for (int n = from; n < to; n++) {
            a.keyBlock(END_A, numbered(n));
        }
    }

    /** Numbered blocks [from, to) to B's end only. */
    void feedB(int from, int to) {
        for (int n = from; n < to; n++) {
            b.keyBlock(END_B, numbered(n));
        }
    }

    /** How many stored keys of numbered block n belong to A's half. */
    static int ownedByA(int n) {
        int count = 0;
        for (int i = 0; i < 8; i++) {
            if ("A".equals(KeyIds.owner(LINK, KeyIds.storedKeyId(blockId(n), i), "A", "B"))) {
                count++;
            }
        }
        return count;
    }

    static long own(KmmCore core) {
        return core.pools().isEmpty() ? 0 : core.pools().get(0).ownKeys();
    }

    static long peer(KmmCore core) {
        return core.pools().isEmpty() ? 0 : core.pools().get(0).peerKeys();
    }

    @Override
    public void close() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }
}
