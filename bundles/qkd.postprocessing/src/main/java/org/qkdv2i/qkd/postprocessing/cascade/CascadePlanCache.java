package org.qkdv2i.qkd.postprocessing.cascade;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A least-recently-used cache of {@link CascadePlan}s, bounded by a count or (since 1.2) by the
 * bytes the plans hold. Building a plan shuffles n positions per pass (14 passes for
 * {@link CascadeVariant#OPTIMISED}), which costs more than reconciling one block with it (about
 * 11 ms against 2 ms at n = 10^5 on the project machine); plans are public and error-independent,
 * so reuse them for every block of the same length and QBER estimate. Drivers get the most from
 * it with a fixed block length (or lengths padded up to a few sizes) and one public seed. Plans
 * are keyed by the schedule the QBER estimate gives (the block size of each pass), not by the
 * estimate itself: nearby estimates with the same block sizes share a plan, whose
 * {@link CascadePlan#qberEstimate()} is then the first caller's. A plan holds the shuffles of its
 * passes of more than two blocks (two ints per bit each; at most two for the optimised schedule
 * at QBER ≤ 10 %) and builds the others only if a block needs them. Thread-safe.
 *
 * <p>Because a plan is a function of public values only (variant, length, schedule, public seed)
 * and holds no key bits, one cache may serve every link end of a framework — both ends of a link
 * then hold one copy instead of two. The bundle registers one such shared cache as a service (PID
 * {@value #SHARED_PID}, byte-bounded); a driver should prefer it to a cache of its own.
 */
public class CascadePlanCache {
    /**
     * Configuration PID of the framework-wide cache service this bundle registers (property
     * {@code maxMegabytes}, default 64).
     *
     * @since 1.2
     */
    public static final String SHARED_PID = "org.qkdv2i.qkd.postprocessing.CascadePlanCache";

    private final int capacity;
    private final long maxBytes;
    private final Map<Key, CascadePlan> plans;
    private long builds;

    private record Key(CascadeVariant variant, int n, java.util.List<Integer> schedule, long seed) {
    }

    /** At most {@code capacity} plans, whatever their size. */
    public CascadePlanCache(int capacity) {
        this(capacity, Long.MAX_VALUE);
    }

    /**
     * At most {@code capacity} plans and at most {@code maxBytes} of them ({@link CascadePlan#retainedBytes()}):
     * the least recently used go first, but the plan just returned is always kept, even if it alone
     * is larger than the bound (a caller is about to use it anyway).
     *
     * @since 1.2
     */
    public CascadePlanCache(int capacity, long maxBytes) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive");
        }
        this.capacity = capacity;
        this.maxBytes = maxBytes;
        this.plans = new LinkedHashMap<>(16, 0.75f, true);
    }

    /** The cached plan for these arguments, built on first use. */
    public CascadePlan get(CascadeVariant variant, int n, double qberEstimate, long publicSeed) {
        if (n < 1 || !(qberEstimate >= 0 && qberEstimate < 0.5)) {
            return CascadePlan.create(variant, n, qberEstimate, publicSeed); // throws the plan's own message
        }
        Key k = new Key(variant, n, java.util.Arrays.stream(CascadePlan.schedule(variant, n, qberEstimate)).boxed().toList(),
                publicSeed);
        synchronized (plans) {
            CascadePlan p = plans.get(k);
            if (p != null) {
                return p;
            }
        }
        // built outside the lock: two callers may race to build the same plan; the first one in wins
        CascadePlan built = CascadePlan.create(variant, n, qberEstimate, publicSeed);
        synchronized (plans) {
            builds++;
            CascadePlan raced = plans.putIfAbsent(k, built);
            CascadePlan result = raced != null ? raced : built;
            trim(result);
            return result;
        }
    }

    /** Evicts least recently used plans, never {@code keep}, until both bounds hold. Under the lock. */
    private void trim(CascadePlan keep) {
        long bytes = 0;
        for (CascadePlan p : plans.values()) {
            bytes += p.retainedBytes();
        }
        Iterator<CascadePlan> eldestFirst = plans.values().iterator();
        while ((plans.size() > capacity || bytes > maxBytes) && eldestFirst.hasNext()) {
            CascadePlan p = eldestFirst.next();
            if (p == keep) {
                continue;
            }
            bytes -= p.retainedBytes();
            eldestFirst.remove();
        }
    }

    public int size() {
        synchronized (plans) {
            return plans.size();
        }
    }

    /**
     * Bytes held by the cached plans now.
     *
     * @since 1.2
     */
    public long bytes() {
        synchronized (plans) {
            long bytes = 0;
            for (CascadePlan p : plans.values()) {
                bytes += p.retainedBytes();
            }
            return bytes;
        }
    }

    /**
     * Plans built so far (cache misses that built one, including lost races).
     *
     * @since 1.2
     */
    public long builds() {
        synchronized (plans) {
            return builds;
        }
    }

    /**
     * The byte bound ({@link Long#MAX_VALUE} when only the count bounds the cache).
     *
     * @since 1.2
     */
    public long maxBytes() {
        return maxBytes;
    }

    /**
     * Rounds a QBER estimate up to the next of 0.5 %, 1 %, 1.5 %, … (never down: a pessimistic
     * estimate only costs a little efficiency), so that nearby estimates share a plan.
     */
    public static double roundUp(double qber) {
        double step = 0.005;
        return Math.min(0.45, Math.max(step, Math.ceil(qber / step - 1e-9) * step));
    }
}
