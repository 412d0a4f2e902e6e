package org.qkdv2i.qkd.postprocessing.cascade;

/** In-process Cascade (both parties in one thread): for tests, benchmarks and simulations. */
public final class Cascade {
    private Cascade() {
    }

    /** Runs Cascade between Alice's and Bob's keys; Bob's array is not modified. */
    public static CascadeResult reconcile(CascadePlan plan, long[] aliceKey, long[] bobKey) {
        CascadeAlice alice = new CascadeAlice(plan, aliceKey);
        CascadeBob bob = new CascadeBob(plan, bobKey);
        for (ParityRequest r; (r = bob.nextRequest()) != null; ) {
            bob.accept(alice.answer(r));
        }
        return bob.result();
    }
}
