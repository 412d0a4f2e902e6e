package org.qkdv2i.qkd.postprocessing.cascade;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A small least-recently-used cache of {@link CascadePlan}s for a driver to hold (one per link end
 * or per component, not a static). Building a plan shuffles n positions per pass (14 passes for
 * {@link CascadeVariant#OPTIMISED}), which costs more than reconciling one block with it (about
 * 11 ms against 2 ms at n = 10^5 on the project machine); plans are public and error-independent,
 * so reuse them for every block of the same length and QBER estimate. Drivers get the most from
 * it with a fixed block length (or lengths padded up to a few sizes) and one public seed. Plans
 * are keyed by the schedule the QBER estimate gives (the block size of each pass), not by the
 * estimate itself: nearby estimates with the same block sizes share a plan, whose
 * {@link CascadePlan#qberEstimate()} is then the first caller's. A plan holds the shuffles of its
 * passes of more than two blocks (two ints per bit each; at most two for the optimised schedule
 * at QBER ≤ 10 %) and builds the others only if a block needs them. Thread-safe.
 */
public final class CascadePlanCache {
    private final int capacity;
    private final Map<Key, CascadePlan> plans;

    private record Key(CascadeVariant variant, int n, java.util.List<Integer> schedule, long seed) {
    }

    public CascadePlanCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
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
        CascadePlan built = CascadePlan.create(variant, n, qberEstimate, publicSeed);
        synchronized (plans) {
            CascadePlan raced = plans.putIfAbsent(k, built);
            if (plans.size() > capacity) {
                plans.remove(plans.keySet().iterator().next());
            }
            return raced != null ? raced : built;
        }
    }

    public int size() {
        synchronized (plans) {
            return plans.size();
        }
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
