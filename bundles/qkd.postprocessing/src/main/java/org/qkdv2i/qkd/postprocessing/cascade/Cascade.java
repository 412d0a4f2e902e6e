package org.qkdv2i.qkd.postprocessing.cascade;

/** In-process Cascade (both parties in one thread): for tests, benchmarks and simulations. */
public final class Cascade {
    private Cascade() {
    }

    /** Runs Cascade between Alice's and Bob's keys; Bob's array is not modified. */
    public static CascadeResult reconcile(CascadePlan plan, long[] aliceKey, long[] bobKey) {
        CascadeAlice alice = new CascadeAlice(plan, aliceKey);
        try {
            return run(new CascadeBob(plan, bobKey), alice);
        } finally {
            alice.wipe();
        }
    }

    /**
     * Drives Bob's side to the end against any oracle, e.g. a proxy to Alice over a classical
     * channel: {@code Cascade.run(bob, req -> ParityResponse.decode(channel.call(req.encode())))}.
     */
    public static CascadeResult run(CascadeBob bob, ParityOracle alice) {
        for (ParityRequest r; (r = bob.nextRequest()) != null; ) {
            bob.accept(alice.answer(r));
        }
        return bob.result();
    }
}
