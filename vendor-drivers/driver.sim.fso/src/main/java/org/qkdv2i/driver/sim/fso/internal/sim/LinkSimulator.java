package org.qkdv2i.driver.sim.fso.internal.sim;

import java.util.SplittableRandom;

import org.qkdv2i.driver.sim.fso.internal.physics.ChannelModel;

/**
 * Alice, the channel, Eve and Bob in one process, batch by batch: for tests, the physics
 * report and the speed benchmark. The driver runs the same pieces split over a TCP stream.
 * Alice's choices come from a DRBG seeded from {@code seed} (reproducible; these runs deliver no keys).
 */
public final class LinkSimulator {

    private final AliceSource alice;
    private final Eavesdropper eve;
    private final BobDetector bob;
    private final SplittableRandom aliceRng;

    public LinkSimulator(ChannelModel model, EveSettings eveSettings, long seed) {
        SplittableRandom root = new SplittableRandom(seed);
        this.aliceRng = root.split();
        this.alice = new AliceSource(model, eveSettings, aliceRng, ChoiceBits.seeded(root.nextLong()), 0);
        this.eve = new Eavesdropper(root.split());
        this.bob = new BobDetector(model.parameters(), root.split());
    }

    public AliceSource alice() {
        return alice;
    }

    public BobDetector bob() {
        return bob;
    }

    public Eavesdropper eve() {
        return eve;
    }

    /** Runs {@code pulses} pulses in batches of one coherence time and returns the tally. */
    public RoundTally run(long pulses) {
        AliceLedger ledger = new AliceLedger(alice.model().parameters().aliceZ(), aliceRng.split());
        RoundTally tally = new RoundTally();
        long batch = alice.model().parameters().pulsesPerCoherenceTime();
        long done = 0;
        while (done < pulses) {
            int n = (int) Math.min(Math.min(batch, pulses - done), Integer.MAX_VALUE);
            QubitBatch q = alice.emit(n, ledger);
            eve.attack(q, alice.eve());
            BobDetections d = bob.measure(q);
            tally.add(ledger, d);
            done += n;
            if (ledger.arrivals() > 4_000_000) { // keep memory flat on long runs
                tally.close(ledger);
                ledger.wipe();
            }
        }
        tally.close(ledger);
        ledger.wipe();
        return tally;
    }
}
