package org.qkdv2i.driver.sim.fso.internal.channel;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.UUID;

import org.qkdv2i.driver.sim.fso.internal.channel.RoundResult.Outcome;
import org.qkdv2i.driver.sim.fso.internal.physics.DecoyTheory;
import org.qkdv2i.driver.sim.fso.internal.physics.LinkParameters;
import org.qkdv2i.driver.sim.fso.internal.sim.AliceLedger;
import org.qkdv2i.driver.sim.fso.internal.sim.AliceSource;
import org.qkdv2i.driver.sim.fso.internal.sim.Eavesdropper;
import org.qkdv2i.driver.sim.fso.internal.sim.QubitBatch;
import org.qkdv2i.qkd.postprocessing.estimation.FiniteKeyEstimator;
import org.qkdv2i.qkd.postprocessing.estimation.FiniteKeyParameters;
import org.qkdv2i.qkd.postprocessing.estimation.FiniteKeyResult;
import org.qkdv2i.qkd.postprocessing.estimation.FiniteKeyStatistics;

/**
 * Alice's end of a round: sends the qubits of {@code pulses} pulses down the quantum channel
 * (through Eve, when configured), then runs sifting, decoy class announcement and parameter
 * estimation with Bob over the classical channel, decides, and — when a distiller is wired —
 * reconciles, verifies and amplifies.
 */
public final class AliceProtocol implements AutoCloseable {

    /** QBER assumed for the efficiency of reconciliation in the key-length estimate (Cascade, STANDARDS.md). */
    public static final double F_EC = 1.16;
    /** Fewer signal detections than this and the round has no signal to speak of. */
    static final int MIN_SIGNAL_CLICKS = 50;

    /** Standard deviations of the statistical fluctuation bounds (Ma et al. 2005 §VI use 5–10). */
    static final double U_ALPHA = 10;
    /** ε_sec of the finite-key bound (Lim et al. 2014); ε_cor is the distiller's. */
    public static final double EPS_SEC = 1e-9;

    /** How a round's sifted bits are split between key and estimation; announced in ROUND. */
    public enum Layout {
        /**
         * Key from the signal pulses of both bases minus a random sample; decoy/vacuum bits and the
         * sample disclosed; Y1_L/e1_U from gains moved 10 σ to the pessimistic side (Ma et al. 2005 §VI).
         */
        SAMPLED_SIGNAL,
        /**
         * Lim, Curty, Walenta, Xu, Zbinden, PRA 89, 022307 (2014): key from the Z basis over all
         * intensities, the X basis disclosed whole; output length from their finite-key bound
         * (qkd.postprocessing {@link FiniteKeyEstimator}, ε_sec = {@value #EPS_SEC}).
         */
        FINITE_KEY
    }

    private final FramedChannel ch;
    private final DataOutputStream quantumOut;
    private final AliceSource source;
    private final Eavesdropper eve;
    private final SplittableRandom rng;
    private final double qberThreshold;
    private final KeyDistiller distiller;
    private final Layout layout;
    /** The next round's qubits, emitted by a helper thread while this round is sifted and distilled. */
    private final Object lock = new Object();
    private boolean emitting, closed; // guarded by lock
    private Emission ready;           // guarded by lock
    private Exception emitFailure;    // guarded by lock
    private final java.util.concurrent.atomic.LongAdder sourceCpuNanos = new java.util.concurrent.atomic.LongAdder();
    private final String threadName = Thread.currentThread().getName() + "-source";
    /**
     * The qubit frames' encoding buffer, kept from batch to batch and round to round (zeroed after each
     * frame). Only the thread that emits touches it: one round's emission ends (under {@code lock})
     * before the next starts (Thread.start), so they are ordered.
     */
    private byte[] wireScratch;

    /** One round's qubits as sent: where they start, how many pulses, the ledger, the loss the channel had. */
    private record Emission(long first, long pulses, AliceLedger ledger, LinkParameters params, double lossDb) {
    }

    public AliceProtocol(FramedChannel ch, DataOutputStream quantumOut, AliceSource source, Eavesdropper eve,
            SplittableRandom rng, double qberThreshold, KeyDistiller distiller) {
        this(ch, quantumOut, source, eve, rng, qberThreshold, distiller, Layout.SAMPLED_SIGNAL);
    }

    public AliceProtocol(FramedChannel ch, DataOutputStream quantumOut, AliceSource source, Eavesdropper eve,
            SplittableRandom rng, double qberThreshold, KeyDistiller distiller, Layout layout) {
        this.layout = Objects.requireNonNull(layout);
        this.ch = Objects.requireNonNull(ch);
        this.quantumOut = Objects.requireNonNull(quantumOut);
        this.source = Objects.requireNonNull(source);
        this.eve = Objects.requireNonNull(eve);
        this.rng = Objects.requireNonNull(rng);
        this.qberThreshold = qberThreshold;
        this.distiller = Objects.requireNonNull(distiller);
    }

    /** Key length the central (measured) values give, without statistical margins. */
    static double centralKeyBits(LinkParameters p, int keyLen, double[] gain, double eNu, double y0, double qber) {
        double y1 = DecoyTheory.y1Lower(p.mu(), p.nu(), gain[0], gain[1], y0);
        if (!(y1 > 0) || !(gain[0] > 0)) {
            return 0;
        }
        double e1 = DecoyTheory.e1Upper(p.nu(), eNu * gain[1], y0, y1);
        double d1 = Math.min(1, y1 * p.mu() * Math.exp(-p.mu()) / gain[0]);
        return keyLen * (d1 * (1 - DecoyTheory.h2(e1)) - F_EC * DecoyTheory.h2(Double.isNaN(qber) ? 0.5 : qber));
    }

    /** Upper bound of a rate measured as {@code count} events: rate·(1 + u/√count); u²/trials when none. */
    static double upper(double rate, long count, long trials) {
        if (count <= 0) {
            return trials <= 0 ? 1 : U_ALPHA * U_ALPHA / trials;
        }
        return rate * (1 + U_ALPHA / Math.sqrt(count));
    }

    /** Lower bound of a rate measured as {@code count} events: rate·(1 − u/√count), at least 0. */
    static double lower(double rate, long count) {
        return count <= 0 ? 0 : Math.max(0, rate * (1 - U_ALPHA / Math.sqrt(count)));
    }

    /** CPU time of the helper threads that emitted rounds ahead (ended ones), for the speed benchmark. */
    public long sourceCpuNanos() {
        return sourceCpuNanos.sum();
    }

    /** Sends one round's qubits down the quantum channel (through Eve); runs on the helper thread from round 2 on. */
    private Emission emit(long pulses) throws IOException {
        LinkParameters p = source.model().parameters();
        double lossDb = source.model().channelLossDb();
        // the ledger draws its noise clicks' choices from a generator of its own: this round is resolved on the
        // protocol thread while the next is emitted here from the source's (ChoiceBits is for one thread;
        // sharing it made seeded runs irreproducible and could race its buffer position)
        AliceLedger ledger = new AliceLedger(p.aliceZ(), rng.split(), source.forkChoices());
        long first = source.nextPulse();
        try {
            // the qubits, batch by batch (one turbulence coherence time each)
            long batch = p.pulsesPerCoherenceTime();
            for (long done = 0; done < pulses;) {
                int n = (int) Math.min(Math.min(batch, pulses - done), 1 << 30);
                QubitBatch q = source.emit(n, ledger);
                eve.attack(q, source.eve());
                quantumOut.writeByte(1);
                wireScratch = q.writeTo(quantumOut, wireScratch);
                done += n;
            }
            quantumOut.flush();
        } catch (IOException | RuntimeException e) {
            ledger.wipe();
            throw e;
        }
        return new Emission(first, pulses, ledger, p, lossDb);
    }

    /** This round's qubits: emitted in the background during the last round, or now for the first. */
    private Emission qubits(long pulses) throws IOException {
        synchronized (lock) {
            try {
                while (emitting) {
                    lock.wait();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted waiting for the qubits");
            }
            Emission e = ready;
            Exception failed = emitFailure;
            ready = null;
            emitFailure = null;
            if (e != null) {
                return e;
            }
            if (failed instanceof IOException io) {
                throw io;
            }
            if (failed instanceof RuntimeException re) {
                throw re;
            }
        }
        return emit(pulses);
    }

    /**
     * Starts the next round's qubits on a helper thread: the simulation of round r+1 runs while round r
     * is sifted, estimated and distilled (the quantum channel is its own TCP stream, and Bob measures it
     * on his own helper thread). Settings changed meanwhile (weather, Eve) take effect one round later.
     */
    private void prefetch(long pulses) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            emitting = true;
        }
        Thread t = new Thread(() -> {
            Emission e = null;
            Exception failed = null;
            try {
                e = emit(pulses);
            } catch (IOException | RuntimeException x) {
                failed = x;
            }
            sourceCpuNanos.add(java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime());
            synchronized (lock) {
                if (closed && e != null) {
                    e.ledger().wipe(); // nobody will take it
                    e = null;
                }
                ready = e;
                emitFailure = failed;
                emitting = false;
                lock.notifyAll();
            }
        }, threadName);
        t.setDaemon(true);
        t.start();
    }

    /**
     * Drops a prefetched round that will never be used and wipes its ledger (an emission still running
     * wipes its own when it ends, at once when the caller closes the sockets). The channel and the
     * sockets are the caller's.
     */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            if (ready != null) {
                ready.ledger().wipe();
                ready = null;
            }
        }
    }

    public RoundResult round(long roundNo, long pulses) throws IOException {
        Emission e = qubits(pulses);
        prefetch(pulses);
        LinkParameters p = e.params();
        AliceLedger ledger = e.ledger();
        long first = e.first();
        pulses = e.pulses();
        byte[] aBit = null;
        try {
            try (Wire.Buffer b = new Wire.Buffer()) {
                Wire.writeVarLong(b, roundNo);
                b.writeLong(first);
                b.writeLong(pulses);
                b.writeDouble(e.lossDb());
                b.writeByte(layout.ordinal());
                ch.send(MessageType.ROUND, b.bytes());
            }

            // sifting announcement from Bob: where he clicked and in which basis
            DataInputStream in = Wire.reader(ch.receive(MessageType.CLICKS));
            int n = Wire.checkedCount(in.readInt(), (int) Math.min(pulses, FramedChannel.MAX_PAYLOAD));
            long[] idx = Wire.readGaps(in, n, first, first + pulses);
            byte[] bBasis = Wire.readBits(in, n);
            byte[] cls = new byte[n], aBasis = new byte[n], photons = new byte[n];
            aBit = new byte[n];
            ledger.resolve(idx, n, cls, aBasis, aBit, photons);
            try (Wire.Buffer b = new Wire.Buffer((n >>> 3) + (n >>> 2) + 64)) {
                Wire.writeBits(b, aBasis, n);
                Wire.writeCrumbs(b, cls, n);
                ch.send(MessageType.SIFT, b.bytes());
            }

            // Bob's estimation sample
            in = Wire.reader(ch.receive(MessageType.ESTIMATE));
            long seed = in.readLong();
            double fraction = in.readDouble();
            long[] sent = { ledger.sent(0), ledger.sent(1), ledger.sent(2) };
            long[] detected = new long[3], sifted = new long[3], errors = new long[3];
            int nonSignal = 0, signalSifted = 0;
            // no branches on the (random) basis match: a branch per click mispredicted half the time
            for (int i = 0; i < n; i++) {
                int c = cls[i];
                detected[c]++;
                sifted[c] += (aBasis[i] ^ bBasis[i]) & 1 ^ 1;
            }
            signalSifted = (int) sifted[0];
            nonSignal = (int) (sifted[1] + sifted[2]);
            if (layout == Layout.FINITE_KEY) {
                return finiteKeyRound(in, roundNo, p, pulses, n, cls, aBasis, bBasis, aBit, detected, sent);
            }
            int nn = Wire.checkedCount(in.readInt(), n);
            if (nn != nonSignal) {
                throw new IOException("Bob revealed " + nn + " decoy bits, expected " + nonSignal);
            }
            byte[] revealed = Wire.readBits(in, nn);
            int ns = Wire.checkedCount(in.readInt(), n);
            byte[] sample = Wire.readBits(in, ns);
            SplittableRandom pick = new SplittableRandom(seed);
            int r = 0, s = 0, sampled0 = 0;
            byte[] key = new byte[Math.max(0, signalSifted)];
            int keyLen = 0;
            // decoy/vacuum sifted bits compared branch-free; the signal ones (in order, for the
            // pick draws Bob made) gathered first so the loop below branches only on the draw
            int[] signal = new int[signalSifted + 1];
            int m = 0;
            for (int i = 0; i < n; i++) {
                int c = cls[i];
                int match = (aBasis[i] ^ bBasis[i]) & 1 ^ 1;
                int decoy = -c >>> 31;
                int rev = match & decoy;
                // revealed[r] exists whenever rev = 1 (nn = nonSignal); when rev = 0 the read is masked out
                int rb = nn == 0 ? 0 : revealed[Math.min(r, nn - 1)];
                errors[c] += (rb ^ aBit[i]) & rev;
                r += rev;
                signal[m] = i; // m ≤ signalSifted
                m += match & (decoy ^ 1);
            }
            for (int j = 0; j < m; j++) {
                int i = signal[j];
                if (pick.nextDouble() < fraction) {
                    if (s >= ns) {
                        throw new IOException("estimation sample shorter than announced");
                    }
                    if (sample[s++] != aBit[i]) {
                        errors[0]++;
                    }
                    sampled0++;
                } else {
                    key[keyLen++] = aBit[i];
                }
            }
            long totalSifted = sifted[0] + sifted[1] + sifted[2];
            double simSeconds = pulses / p.sourceRateHz();
            double[] gain = new double[3];
            for (int c = 0; c < 3; c++) {
                gain[c] = sent[c] == 0 ? 0 : (double) detected[c] / sent[c];
            }
            double qber = sampled0 == 0 ? Double.NaN : (double) errors[0] / sampled0;
            double eNu = sifted[1] == 0 ? 0.5 : (double) errors[1] / sifted[1];
            double y0 = p.omega() == 0 ? gain[2] : 0;
            // entropy of the key part from the vacuum + weak decoy bounds (Ma et al. 2005 eq. 34, 37, 38):
            // n_key·Δ1·(1 − H2(e1_U)) with Δ1 = Q1_L/Q_μ the single-photon share of the signal clicks.
            // Finite statistics as in Ma et al. 2005 §VI: every measured gain and error gain is moved
            // U_ALPHA standard deviations (binomial counts) in the direction that lowers Y1_L and raises
            // e1_U. The full finite-key analysis of Lim et al. 2014 is not applied.
            double qMuU = upper(gain[0], detected[0], sent[0]);
            double qNuL = lower(gain[1], detected[1]);
            double y0U = p.omega() == 0 ? upper(y0, detected[2], sent[2]) : 0;
            double y0L = p.omega() == 0 ? lower(y0, detected[2]) : 0;
            double eNuQNuU = upper(eNu * gain[1], errors[1], sent[1]);
            double y1L = DecoyTheory.y1Lower(p.mu(), p.nu(), qMuU, qNuL, y0U);
            double e1U = DecoyTheory.e1Upper(p.nu(), eNuQNuU, y0L, y1L);
            double delta1 = gain[0] > 0 && y1L > 0 ? Math.min(1, y1L * p.mu() * Math.exp(-p.mu()) / qMuU) : 0;
            long privacyBits = (long) Math.floor(keyLen * delta1 * (1 - DecoyTheory.h2(e1U)));
            double leak = keyLen * F_EC * DecoyTheory.h2(Double.isNaN(qber) ? 0.5 : qber);
            long secretBits = Math.max(0, (long) Math.floor(privacyBits - leak));
            Outcome outcome;
            String reason;
            // no signal: the signal clicks do not stand out of the noise clicks (noise taken at its upper bound)
            double excess = (gain[0] - y0U) * sent[0];
            if (detected[0] < MIN_SIGNAL_CLICKS || excess < Math.max(MIN_SIGNAL_CLICKS, 5 * Math.sqrt(y0U * sent[0]))) {
                outcome = Outcome.NO_SIGNAL;
                reason = String.format(java.util.Locale.ROOT, "no signal: %d signal clicks in %.3f s (gain %.2e, Y0 %.2e)",
                        detected[0], simSeconds, gain[0], y0);
            } else if (!(qber <= qberThreshold)) {
                outcome = Outcome.ABORTED_EAVESDROPPING;
                reason = String.format(java.util.Locale.ROOT, "QBER %.2f%% above the %.2f%% threshold", 100 * qber,
                        100 * qberThreshold);
            } else if ((y1L <= 0 || secretBits <= 0) && centralKeyBits(p, keyLen, gain, eNu, y0, qber) > 0) {
                // the measured values promise key; only the statistical margins take it away
                outcome = Outcome.TOO_FEW_COUNTS;
                reason = String.format(java.util.Locale.ROOT,
                        "round too short: the statistical margins leave no key (%d signal clicks); raise roundSeconds",
                        detected[0]);
            } else if (y1L <= 0 || secretBits <= 0) {
                outcome = Outcome.ABORTED_EAVESDROPPING;
                reason = String.format(java.util.Locale.ROOT,
                        "decoy bounds leave no secret key (Y1_L %.2e, Q_mu %.2e, Q_nu %.2e, QBER %.2f%%)", y1L, gain[0],
                        gain[1], 100 * qber);
            } else {
                outcome = distiller.available() ? Outcome.KEY : Outcome.NO_DISTILLER;
                reason = String.format(java.util.Locale.ROOT, "QBER %.2f%%, %d sifted, secret estimate %d bits", 100 * qber,
                        totalSifted, secretBits);
            }
            return decide(outcome, reason, qber, secretBits, privacyBits, n, totalSifted, key, keyLen, pulses,
                    simSeconds);
        } finally {
            if (aBit != null) {
                Arrays.fill(aBit, (byte) 0);
            }
            ledger.wipe();
        }
    }

    /** DECISION to Bob, then (for a key) reconciliation, verification and amplification; wipes {@code key}. */
    private RoundResult decide(Outcome outcome, String reason, double qber, long secretBits, long privacyBits, int n,
            long totalSifted, byte[] key, int keyLen, long pulses, double simSeconds) throws IOException {
        try {
            // a fresh random ID, never drawn from the (configurable, reproducible) simulation seed: a restarted end
            // replays that seed's sequence and would name a new, different key with an ID the link already delivered
            UUID blockId = outcome == Outcome.KEY ? UUID.randomUUID() : null;
            try (Wire.Buffer b = new Wire.Buffer()) {
                b.writeByte(outcome.ordinal());
                b.writeUTF(reason);
                b.writeDouble(qber);
                b.writeLong(secretBits);
                b.writeLong(privacyBits);
                b.writeLong(n);
                b.writeLong(totalSifted);
                b.writeBoolean(blockId != null);
                if (blockId != null) {
                    b.writeLong(blockId.getMostSignificantBits());
                    b.writeLong(blockId.getLeastSignificantBits());
                }
                ch.send(MessageType.DECISION, b.bytes());
            }
            byte[] finalKey = null;
            if (outcome == Outcome.KEY) {
                finalKey = distiller.alice(ch, key, keyLen, qber, privacyBits, blockId);
                boolean bobOk = Wire.reader(ch.receive(MessageType.CONFIRM)).readBoolean();
                if (finalKey == null || !bobOk) {
                    if (finalKey != null) {
                        Arrays.fill(finalKey, (byte) 0);
                    }
                    finalKey = null;
                    outcome = Outcome.VERIFICATION_FAILED;
                    reason = "verification failed: block discarded";
                    blockId = null;
                }
            }
            return new RoundResult(outcome, reason, pulses, simSeconds, n, totalSifted, qber, secretBits, finalKey,
                    blockId);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /**
     * Lim et al. 2014 layout: Bob has revealed his bits of every X-basis sifted click (all
     * intensities); the Z-basis sifted clicks of all intensities are the raw key. The output
     * length is their Eq. (1) with λ_EC left to the distiller (the disclosed parities it counts).
     */
    private RoundResult finiteKeyRound(DataInputStream in, long roundNo, LinkParameters p, long pulses, int n,
            byte[] cls, byte[] aBasis, byte[] bBasis, byte[] aBit, long[] detected, long[] sent) throws IOException {
        long[] keyCounts = new long[3], testCounts = new long[3], testErrors = new long[3];
        int tests = 0;
        for (int i = 0; i < n; i++) {
            if (aBasis[i] == bBasis[i] && aBasis[i] == 1) {
                tests++;
            }
        }
        int nr = Wire.checkedCount(in.readInt(), n);
        if (nr != tests) {
            throw new IOException("Bob revealed " + nr + " X-basis bits, expected " + tests);
        }
        byte[] revealed = Wire.readBits(in, nr);
        byte[] key = new byte[n - tests];
        int keyLen = 0, r = 0;
        for (int i = 0; i < n; i++) {
            if (aBasis[i] != bBasis[i]) {
                continue;
            }
            if (aBasis[i] == 1) {
                testCounts[cls[i]]++;
                if (revealed[r++] != aBit[i]) {
                    testErrors[cls[i]]++;
                }
            } else {
                keyCounts[cls[i]]++;
                key[keyLen++] = aBit[i];
            }
        }
        double simSeconds = pulses / p.sourceRateHz();
        long totalSifted = keyLen + (long) tests;
        double qber = testCounts[0] == 0 ? Double.NaN : (double) testErrors[0] / testCounts[0];
        double gain0 = sent[0] == 0 ? 0 : (double) detected[0] / sent[0];
        double y0 = sent[2] == 0 ? 0 : (double) detected[2] / sent[2];
        double y0U = upper(y0, detected[2], sent[2]);
        FiniteKeyParameters fp = new FiniteKeyParameters(p.mu(), p.nu(), p.omega(), p.pMu(), p.pNu(), p.pOmega(),
                EPS_SEC, LibraryDistiller.EPS_COR);
        FiniteKeyStatistics st = new FiniteKeyStatistics(keyCounts, testCounts, testErrors);
        double leak = FiniteKeyEstimator.leakEstimate(keyLen, Double.isNaN(qber) ? 0.5 : qber, F_EC);
        FiniteKeyResult entropy = FiniteKeyEstimator.estimate(fp, st, 0);
        long privacyBits = entropy.secretLength();
        long secretBits = FiniteKeyEstimator.estimate(fp, st, leak).secretLength();
        long asymptotic = FiniteKeyEstimator.asymptotic(fp, st, leak).secretLength();
        Outcome outcome;
        String reason;
        double excess = (gain0 - y0U) * sent[0];
        if (detected[0] < MIN_SIGNAL_CLICKS || excess < Math.max(MIN_SIGNAL_CLICKS, 5 * Math.sqrt(y0U * sent[0]))) {
            outcome = Outcome.NO_SIGNAL;
            reason = String.format(java.util.Locale.ROOT, "no signal: %d signal clicks in %.3f s (gain %.2e, Y0 %.2e)",
                    detected[0], simSeconds, gain0, y0);
        } else if (!(qber <= qberThreshold)) {
            outcome = Outcome.ABORTED_EAVESDROPPING;
            reason = String.format(java.util.Locale.ROOT, "QBER %.2f%% above the %.2f%% threshold", 100 * qber,
                    100 * qberThreshold);
        } else if (secretBits <= 0 && asymptotic > 0) {
            outcome = Outcome.TOO_FEW_COUNTS;
            reason = String.format(java.util.Locale.ROOT, "round too short: the finite-key bound (Lim et al. 2014) "
                    + "leaves no key from %d key-basis clicks; raise roundSeconds", keyLen);
        } else if (secretBits <= 0) {
            outcome = Outcome.ABORTED_EAVESDROPPING;
            reason = String.format(java.util.Locale.ROOT, "decoy bounds leave no secret key (finite-key: s_X1 %.0f, "
                    + "phase error %.3f, QBER %.2f%%)", entropy.s1Key(), entropy.phaseError(), 100 * qber);
        } else {
            outcome = distiller.available() ? Outcome.KEY : Outcome.NO_DISTILLER;
            reason = String.format(java.util.Locale.ROOT, "QBER %.2f%%, %d sifted, finite-key estimate %d bits "
                    + "(phase error %.3f)", 100 * qber, totalSifted, secretBits, entropy.phaseError());
        }
        return decide(outcome, reason, qber, secretBits, privacyBits, n, totalSifted, key, keyLen, pulses, simSeconds);
    }
}
