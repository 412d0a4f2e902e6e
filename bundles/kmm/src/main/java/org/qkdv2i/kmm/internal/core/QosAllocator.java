package org.qkdv2i.kmm.internal.core;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Allocation of a pool's key by agreed QoS when key is scarce (issue 9).
 *
 * <p>A <em>pool</em> is the key a request draws from: this node's half of the QKD links to one
 * neighbour (a relayed request draws from the pool of its first hop). A <em>consumer</em> is an
 * ETSI 014 SAE pair or an ETSI 004 stream, with a priority (higher wins), a guaranteed minimum rate
 * and a maximum rate (enforced by the caller's token bucket; here it caps the share).
 *
 * <p>Rule, evaluated at each request (deterministic given the clock):
 * <ol>
 * <li>The pool's <em>supply</em> is its measured refill rate (stored keys added to this node's half
 * over the last {@value #RATE_WINDOW_MILLIS} ms; before one second of history, the driver's secret key
 * rate share) plus its level spread over {@value #HORIZON_SECONDS} s.</li>
 * <li>The minima of the active consumers (a request within the last {@value #ACTIVE_MILLIS} ms) are
 * <em>reserved</em> in priority order (ties: consumer ID) while their sum fits the supply; the first
 * that does not fit ends the list (strict priority: a lower minimum never jumps a higher one).</li>
 * <li>What supply is left is <em>shared</em> in priority order, up to that cut: each consumer gets what
 * it asks beyond its minimum (its requests over the last {@value #RATE_WINDOW_MILLIS} ms, refused
 * ones included), capped at its maximum, while supply lasts; consumers of one priority split what their
 * priority gets max-min fairly.</li>
 * <li>Each consumer earns <em>minimum credit</em> at its reserved minimum and <em>share credit</em> at
 * its share (each at most one second's worth, or one request). A request paid by minimum credit is
 * served if the key left covers the minimum credit of higher priorities; one paid by share credit if
 * it also covers every other consumer's minimum credit and the share credit of higher priorities; any
 * other request only from the surplus: if the key left covers every other consumer's credit.</li>
 * <li>Otherwise the request is refused: "key scarce, reserved for higher-priority pairs" (ETSI 014
 * 503; ETSI 004 status 2 or 6).</li>
 * </ol>
 * So a higher priority keeps its minimum while lower priorities are refused first, what is left above
 * the minima goes by priority too, and a pool with plenty of key serves every request.
 *
 * <p>Units are bits of stored key (the pool's currency), so an ETSI 004 stream's {@code min_bps} and
 * an ETSI 014 pair's {@code minKeysPerSecond} (times the bits its default key costs) compete in one
 * currency. Thread-safe; all state is guarded by this object.
 */
public final class QosAllocator {

    /** A consumer is active (its minimum reserved) for this long after its last request. */
    public static final long ACTIVE_MILLIS = 10_000;
    /** The window over which a pool's refill rate is measured. */
    public static final long RATE_WINDOW_MILLIS = 5_000;
    /** A pool's level counts as supply spread over this many seconds. */
    public static final double HORIZON_SECONDS = 10;
    /** Served rates shown in telemetry are averaged over this window. */
    public static final long SERVED_WINDOW_MILLIS = 10_000;

    static final String SCARCE_HIGHER = "key scarce, reserved for higher-priority pairs";
    static final String SCARCE_MINIMA = "key scarce, reserved for the guaranteed minimum rates of other pairs";
    static final String SCARCE_SHARED = "key scarce, shared fairly among pairs of the same priority";

    /**
     * What one consumer agreed: {@code id} unique per consumer (e.g. {@code pair sa->sb}, {@code stream <uuid>}),
     * {@code priority} higher wins, {@code minBps} guaranteed and {@code maxBps} (0 = none) in bits of stored
     * key per second.
     */
    public record Demand(String id, int priority, double minBps, double maxBps) {
    }

    /** A pool as the caller sees it now: level and cumulative additions in bits, the driver's rate hint. */
    public record Supply(String pool, long levelBits, long addedBitsTotal, double skrHintBps) {
    }

    /** One consumer's state for telemetry ({@code qkd:qos}). */
    public record ConsumerStats(String pool, String id, int priority, double minBps, double maxBps,
            boolean reserved, double servedBps, long servedBits, long served, long refused) {
    }

    /** One pool's state for telemetry. */
    public record PoolStats(String pool, long levelBits, double refillBps, double reservedBps) {
    }

    /** The answer to a request. {@link #done} must be called once the draw succeeded or failed. */
    public final class Grant {
        private final Pool pool;
        private final Consumer consumer;
        private final long costBits;
        private final double minCredit;
        private final double shareCredit;
        private boolean finished;

        private Grant(Pool pool, Consumer consumer, long costBits, double minCredit, double shareCredit) {
            this.pool = pool;
            this.consumer = consumer;
            this.costBits = costBits;
            this.minCredit = minCredit;
            this.shareCredit = shareCredit;
        }

        /** Records the outcome: {@code served} false gives the credit back (nothing was drawn). */
        public void done(boolean served) {
            synchronized (QosAllocator.this) {
                if (finished) {
                    return;
                }
                finished = true;
                pool.inFlightBits -= costBits;
                if (served) {
                    consumer.served++;
                    consumer.servedBits += costBits;
                    consumer.servedLog.addLast(new long[] {millis(), costBits});
                    pool.consumedBits += costBits;
                } else {
                    consumer.minCredit = Math.min(consumer.cap(consumer.reservedBps), consumer.minCredit + minCredit);
                    consumer.shareCredit = Math.min(consumer.cap(consumer.shareBps), consumer.shareCredit + shareCredit);
                }
            }
        }
    }

    /** Thrown (as a message) when a request must wait for scarce key. */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean first;

        Refused(String message, boolean first) {
            super(message);
            this.first = first;
        }

        /** The first refusal since the consumer was last served (log once per streak). */
        public boolean first() {
            return first;
        }
    }

    private static final class Consumer {
        final String id;
        Demand demand;
        /** Credit earned at the reserved minimum, and at the share above it (bits). */
        double minCredit;
        double shareCredit;
        /** What the last allocation gave it (bit/s): its reserved minimum, its share above it. */
        double reservedBps;
        double shareBps;
        boolean fresh = true;
        long firstSeenMillis;
        long lastAccrualMillis;
        long lastSeenMillis;
        long lastCostBits;
        long served;
        long servedBits;
        long refused;
        boolean refusing;
        final ArrayDeque<long[]> servedLog = new ArrayDeque<>();
        /** Requests (served or refused here) over the rate window: (millis, bits). */
        final ArrayDeque<long[]> askedLog = new ArrayDeque<>();

        Consumer(String id) {
            this.id = id;
        }

        /** Credit at {@code bps} is capped at one second's worth, or one request (a slow large request is possible). */
        double cap(double bps) {
            return bps > 0 ? Math.max(bps, lastCostBits) : 0;
        }

        /** What it asked for over the rate window, per second (at least a second of history counts). */
        double askedBps(long now) {
            while (!askedLog.isEmpty() && now - askedLog.peekFirst()[0] >= RATE_WINDOW_MILLIS) {
                askedLog.removeFirst();
            }
            long bits = 0;
            for (long[] e : askedLog) {
                bits += e[1];
            }
            long span = Math.max(1000, Math.min(RATE_WINDOW_MILLIS, now - firstSeenMillis + 1));
            return bits * 1000.0 / span;
        }
    }

    private static final class Pool {
        final String id;
        final Map<String, Consumer> consumers = new HashMap<>();
        /** (millis, addedBitsTotal) samples over the rate window. */
        final ArrayDeque<long[]> samples = new ArrayDeque<>();
        long consumedBits;
        long inFlightBits;
        long levelBits;
        double refillBps;
        double reservedBps;
        double sharedBps;

        Pool(String id) {
            this.id = id;
        }
    }

    private final Clock clock;
    private final Map<String, Pool> pools = new HashMap<>();
    private long lastMillis = Long.MIN_VALUE;

    public QosAllocator(Clock clock) {
        this.clock = clock;
    }

    /** Monotonic milliseconds of the clock (a wall clock stepping back does not run credit backwards). */
    private long millis() {
        long now = clock.millis();
        if (now > lastMillis) {
            lastMillis = now;
        }
        return lastMillis;
    }

    /**
     * Decides one request of {@code costBits} bits of stored key from the pool.
     *
     * @throws Refused with a message naming nothing secret, when the key left is reserved for others
     */
    public synchronized Grant admit(Supply supply, Demand demand, long costBits) throws Refused {
        long now = millis();
        Pool pool = pools.computeIfAbsent(supply.pool(), Pool::new);
        observe(pool, supply, now);
        Consumer c = pool.consumers.get(demand.id());
        if (c == null) {
            c = new Consumer(demand.id());
            c.firstSeenMillis = now;
            c.lastAccrualMillis = now;
            pool.consumers.put(c.id, c);
        }
        c.demand = demand;
        c.lastCostBits = costBits;
        c.lastSeenMillis = now;
        c.askedLog.addLast(new long[] {now, costBits});
        accrue(pool, now);
        allocate(pool, now);
        if (c.fresh) { // a new consumer starts with one second's worth, like a token bucket
            c.fresh = false;
            c.minCredit = c.cap(c.reservedBps);
            c.shareCredit = c.cap(c.shareBps);
        }
        double higherMin = 0;
        double othersMin = 0;
        double higherShare = 0;
        double othersShare = 0;
        boolean higherHolds = false;
        for (Consumer o : pool.consumers.values()) {
            if (o == c) {
                continue;
            }
            othersMin += o.minCredit;
            othersShare += o.shareCredit;
            if (o.demand.priority() > c.demand.priority()) {
                higherMin += o.minCredit;
                higherShare += o.shareCredit;
                higherHolds |= o.minCredit + o.shareCredit > 0;
            }
        }
        // draws admitted but not finished may not show in the level yet
        double left = pool.levelBits - (double) pool.inFlightBits - costBits;
        if (c.minCredit >= costBits && (left >= higherMin || higherMin == 0)) {
            c.minCredit -= costBits;
            return grant(pool, c, costBits, costBits, 0);
        }
        double aboveMin = othersMin + higherShare;
        if (c.shareCredit >= costBits && (left >= aboveMin || aboveMin == 0)) {
            c.shareCredit -= costBits;
            return grant(pool, c, costBits, 0, costBits);
        }
        // nothing held for anyone else: never refused here (an empty pool fails the draw with its own message)
        double all = othersMin + othersShare;
        if (left >= all || all == 0) {
            return grant(pool, c, costBits, 0, 0); // surplus: first come, within the caller's maximum
        }
        c.refused++;
        boolean first = !c.refusing;
        c.refusing = true;
        // name what actually holds the key: an operator reading "minimum rates" with no minimum configured
        // would look for a rule that is not there
        throw new Refused(higherHolds ? SCARCE_HIGHER : othersMin > 0 ? SCARCE_MINIMA : SCARCE_SHARED, first);
    }

    private Grant grant(Pool pool, Consumer c, long costBits, double minCredit, double shareCredit) {
        c.refusing = false;
        pool.inFlightBits += costBits;
        return new Grant(pool, c, costBits, minCredit, shareCredit);
    }

    /** A consumer is gone (stream closed, rule removed): its minimum is no longer reserved. */
    public synchronized void forget(String consumerId) {
        for (Pool p : pools.values()) {
            p.consumers.remove(consumerId);
        }
    }

    private void observe(Pool pool, Supply supply, long now) {
        pool.levelBits = Math.max(0, supply.levelBits());
        long[] last = pool.samples.peekLast();
        if (last != null && last[0] == now) {
            last[1] = supply.addedBitsTotal(); // one sample per millisecond: a burst of requests adds nothing
        } else {
            pool.samples.addLast(new long[] {now, supply.addedBitsTotal()});
        }
        while (pool.samples.size() > 2 && now - pool.samples.peekFirst()[0] > RATE_WINDOW_MILLIS) {
            pool.samples.removeFirst();
        }
        long[] first = pool.samples.peekFirst();
        long span = now - first[0];
        if (span >= 1000) {
            pool.refillBps = Math.max(0, (supply.addedBitsTotal() - first[1]) * 1000.0 / span);
        } else {
            pool.refillBps = Math.max(0, supply.skrHintBps());
        }
    }

    private void accrue(Pool pool, long now) {
        for (Consumer o : pool.consumers.values()) {
            long dt = now - o.lastAccrualMillis;
            if (dt > 0) {
                o.minCredit = Math.min(o.cap(o.reservedBps), o.minCredit + o.reservedBps * dt / 1000.0);
                o.shareCredit = Math.min(o.cap(o.shareBps), o.shareCredit + o.shareBps * dt / 1000.0);
                o.lastAccrualMillis = now;
            }
        }
    }

    /**
     * Reserves the minima of the active consumers in priority order while the supply covers them, then
     * shares the rest in the same order (up to the first consumer whose minimum did not fit) by what each
     * asks beyond its minimum, capped at its maximum. Idle consumers get nothing and hold no credit.
     */
    private void allocate(Pool pool, long now) {
        List<Consumer> active = new ArrayList<>();
        for (Consumer o : pool.consumers.values()) {
            if (now - o.lastSeenMillis <= ACTIVE_MILLIS) {
                active.add(o);
            } else { // idle: a guarantee is for a consumer that asks
                o.reservedBps = 0;
                o.shareBps = 0;
                o.minCredit = 0;
                o.shareCredit = 0;
            }
        }
        active.sort(Comparator.comparingInt((Consumer o) -> -o.demand.priority()).thenComparing(o -> o.id));
        double supply = pool.refillBps + pool.levelBits / HORIZON_SECONDS;
        double reserved = 0;
        int cut = active.size();
        for (int i = 0; i < active.size(); i++) {
            Consumer o = active.get(i);
            double min = o.demand.minBps();
            if (cut == active.size() && min > 0 && reserved + min > supply) {
                cut = i; // strict priority: this one and every one below it get no minimum
            }
            o.reservedBps = i < cut ? min : 0;
            reserved += o.reservedBps;
        }
        double left = Math.max(0, supply - reserved);
        double[] wants = new double[active.size()];
        for (int i = 0; i < active.size() && i <= cut; i++) {
            Consumer o = active.get(i);
            double cap = o.demand.maxBps() > 0 ? o.demand.maxBps() : Double.MAX_VALUE;
            wants[i] = Math.max(0, Math.min(o.askedBps(now), cap) - o.reservedBps);
        }
        double[] shares = new double[active.size()];
        // by priority; consumers of one priority share what is left max-min fairly (water filling)
        for (int from = 0; from < active.size() && from <= cut && left > 0;) {
            int to = from;
            while (to + 1 < active.size() && to + 1 <= cut
                    && active.get(to + 1).demand.priority() == active.get(from).demand.priority()) {
                to++;
            }
            left = waterFill(wants, shares, from, to, left);
            from = to + 1;
        }
        double shared = 0;
        for (int i = 0; i < active.size(); i++) {
            Consumer o = active.get(i);
            double share = shares[i];
            o.shareBps = share;
            shared += share;
            // credit earned stays (a share dips while a request burst is half in the window); lost → none
            if (o.reservedBps == 0) {
                o.minCredit = 0;
            }
            if (o.shareBps == 0) {
                o.shareCredit = 0;
            }
        }
        pool.reservedBps = reserved;
        pool.sharedBps = shared;
    }

    /** Gives consumers [from, to] their wants from {@code left}, max-min fair when it does not cover all; returns what is left. */
    private static double waterFill(double[] wants, double[] shares, int from, int to, double left) {
        double total = 0;
        for (int i = from; i <= to; i++) {
            total += wants[i];
        }
        if (total <= left) {
            for (int i = from; i <= to; i++) {
                shares[i] = wants[i];
            }
            return left - total;
        }
        List<Integer> open = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            open.add(i);
        }
        open.sort(Comparator.comparingDouble(i -> wants[i]));
        double rest = left;
        int n = open.size();
        for (int k = 0; k < open.size(); k++) {
            int i = open.get(k);
            double even = rest / n;
            shares[i] = Math.min(wants[i], even);
            rest -= shares[i];
            n--;
        }
        return Math.max(0, rest);
    }

    /** Per consumer: priority, min, max, reserved now, served rate over the last window, counts. */
    public synchronized List<ConsumerStats> consumers() {
        long now = millis();
        List<ConsumerStats> out = new ArrayList<>();
        for (Pool p : pools.values()) {
            allocate(p, now);
            for (Consumer c : p.consumers.values()) {
                while (!c.servedLog.isEmpty() && now - c.servedLog.peekFirst()[0] >= SERVED_WINDOW_MILLIS) {
                    c.servedLog.removeFirst();
                }
                long bits = 0;
                for (long[] e : c.servedLog) {
                    bits += e[1];
                }
                out.add(new ConsumerStats(p.id, c.id, c.demand.priority(), c.demand.minBps(), c.demand.maxBps(),
                        c.reservedBps > 0, bits * 1000.0 / SERVED_WINDOW_MILLIS, c.servedBits, c.served,
                        c.refused));
            }
        }
        out.sort(Comparator.comparing(ConsumerStats::pool).thenComparingInt(s -> -s.priority())
                .thenComparing(ConsumerStats::id));
        return out;
    }

    /** Per pool: level and refill as last seen, and the minima reserved. */
    public synchronized List<PoolStats> pools() {
        List<PoolStats> out = new ArrayList<>();
        for (Pool p : pools.values()) {
            out.add(new PoolStats(p.id, p.levelBits, p.refillBps, p.reservedBps));
        }
        out.sort(Comparator.comparing(PoolStats::pool));
        return out;
    }
}
