package org.qkdv2i.driver.sim.fso.internal.sim;

import org.qkdv2i.driver.sim.fso.internal.physics.DecoyTheory;
import org.qkdv2i.driver.sim.fso.internal.physics.LinkParameters;

/**
 * Counts of one round as Alice sees them after Bob's basis announcement: pulses sent,
 * detections, sifted detections and errors per intensity class. The emulation's own
 * oracle (tests, status, physics report); the driver's key comes from the post-processing path.
 */
public final class RoundTally {

    final long[] sent = new long[3];
    final long[] detected = new long[3];
    final long[] sifted = new long[3];
    final long[] errors = new long[3];
    long multiPhotonSifted;
    long pulses;

    /** Adds Bob's clicks of a batch, resolved against Alice's ledger. */
    public void add(AliceLedger ledger, BobDetections d) {
        int n = d.size;
        byte[] c = new byte[n], b = new byte[n], v = new byte[n], ph = new byte[n];
        ledger.resolve(d.index, n, c, b, v, ph);
        byte[] bb = d.basis, bv = d.bit;
        for (int i = 0; i < n; i++) {
            int cls = c[i];
            int sift = ~(b[i] ^ bb[i]) & 1;
            detected[cls]++;
            sifted[cls] += sift;
            errors[cls] += sift & (v[i] ^ bv[i]);
            multiPhotonSifted += sift & (ph[i] > 1 ? 1 : 0);
        }
    }

    /** Takes the sent-pulse counts from the ledger at the end of the round. */
    public void close(AliceLedger ledger) {
        for (int c = 0; c < 3; c++) {
            sent[c] += ledger.sent(c);
        }
        pulses = sent[0] + sent[1] + sent[2];
    }

    public long pulses() {
        return pulses;
    }

    public long sent(int c) {
        return sent[c];
    }

    public long detected(int c) {
        return detected[c];
    }

    public long sifted(int c) {
        return sifted[c];
    }

    public long errors(int c) {
        return errors[c];
    }

    public long multiPhotonSifted() {
        return multiPhotonSifted;
    }

    public long detectedTotal() {
        return detected[0] + detected[1] + detected[2];
    }

    public long siftedTotal() {
        return sifted[0] + sifted[1] + sifted[2];
    }

    /** Measured gain Q_c = detections/pulses of class c. */
    public double gain(int c) {
        return sent[c] == 0 ? 0 : (double) detected[c] / sent[c];
    }

    /** Measured QBER E_c of the sifted detections of class c (NaN when none). */
    public double qber(int c) {
        return sifted[c] == 0 ? Double.NaN : (double) errors[c] / sifted[c];
    }

    /**
     * Vacuum + weak decoy key rate per emitted pulse from the measured gains (Ma et al. 2005,
     * via {@link DecoyTheory#decoyRate}); Y0 from the vacuum class. Asymptotic: no finite-size terms.
     */
    public double decoyRatePerPulse(LinkParameters p, double f) {
        double y0 = p.omega() == 0 ? gain(2) : 0;
        double eMu = Double.isNaN(qber(0)) ? 0.5 : qber(0);
        double eNu = Double.isNaN(qber(1)) ? 0.5 : qber(1);
        return p.pMu() * DecoyTheory.decoyRate(p.siftingFactor(), p.mu(), p.nu(), gain(0), eMu * gain(0), gain(1),
                eNu * gain(1), y0, f);
    }
}
