package org.qkdv2i.driver.sim.fso.internal.sim;

import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The part of Eve that acts on the stream of arriving qubits: intercept-resend. (Photon-number
 * splitting, beam blocking and flooding change the channel itself and are applied by
 * {@link AliceSource} from the same {@link EveSettings}.)
 *
 * <p>Intercept-resend: Eve measures a fraction of the arriving pulses in a random basis and
 * resends her result in her basis. In Bob's matching basis a wrong guess of Eve's basis (½)
 * gives a random bit (½ error): QBER rises by fraction/4 (Bennett, Brassard 1984; STANDARDS.md).
 */
public final class Eavesdropper {

    private final RandomGenerator rng;
    private long intercepted;

    public Eavesdropper(RandomGenerator rng) {
        this.rng = Objects.requireNonNull(rng, "rng");
    }

    public void attack(QubitBatch q, EveSettings e) {
        double f = e.interceptFraction();
        if (f <= 0) {
            return;
        }
        for (int i = 0; i < q.size; i++) {
            if (f < 1 && rng.nextDouble() >= f) {
                continue;
            }
            int eveBasis = rng.nextBoolean() ? 1 : 0;
            int result = eveBasis == q.basis(i) ? q.bit(i) : (rng.nextBoolean() ? 1 : 0);
            q.setState(i, eveBasis, result);
            intercepted++;
        }
    }

    public long intercepted() {
        return intercepted;
    }
}
