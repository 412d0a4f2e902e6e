package org.qkdv2i.driver.sim.fso.internal.sim;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.Test;
import org.qkdv2i.driver.sim.fso.internal.physics.ChannelModel;
import org.qkdv2i.driver.sim.fso.internal.physics.LinkParameters;
import org.qkdv2i.driver.sim.fso.internal.physics.Weather;

/**
 * Speed of the batch simulation for the benchmark link (300 m, clear night, 1 GHz; target
 * ≥ 10 simulated s per wall s for the whole link). Each end's share is measured as thread CPU time
 * (ThreadMXBean), which the machine's load does not inflate the way it inflates wall time:
 * <ul>
 * <li>Alice: source + channel + Eve ({@code emit}, {@code attack}) and the qubit frames' encoding;</li>
 * <li>Bob: decoding the frames and the detector ({@code measure});</li>
 * <li>Alice's sifting look-up of Bob's clicks in her ledger ({@code resolve}).</li>
 * </ul>
 * Printed, never asserted: timing on the shared build machine is no test verdict (README "Speed").
 * Run alone: {@code mvn -B -q -pl vendor-drivers/driver.sim.fso install -Dtest=SimSpeedTest
 * -Dsurefire.failIfNoSpecifiedTests=false}; {@code -Dsimspeed.seconds=N} measures N simulated seconds.
 */
public class SimSpeedTest {

    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    @Test
    public void threeHundredMetreClearNightSpeedIsMeasured() throws IOException {
        ChannelModel m = new ChannelModel(LinkParameters.defaults(), Weather.CLEAR, false);
        int seconds = Integer.getInteger("simspeed.seconds", 5);
        Pipeline pipe = new Pipeline(m, 11);
        for (int s = 0; s < Integer.getInteger("simspeed.warmup", 3); s++) {
            pipe.round(); // JIT and heap warm-up, one simulated second each
        }
        pipe.reset();
        long wall0 = System.nanoTime();
        for (int s = 0; s < seconds; s++) {
            pipe.round();
        }
        double wall = (System.nanoTime() - wall0) / 1e9;
        double arrivalsPerS = (double) pipe.arrivals / seconds;
        double clicksPerS = (double) pipe.clicks / seconds;
        System.out.printf(java.util.Locale.ROOT,
                "sim speed (in-process, 300 m clear night, 1 GHz, %d simulated s, load %.1f): %.1f simulated s per wall s%n"
                        + "  arrivals %.3g/s, clicks %.3g/s, wire %.2f bytes/arrival; CPU per simulated s (mean | best round):%n"
                        + "  Alice emit+Eve+encode  %5.1f ms | %5.1f ms  (%.1f ns/arrival)%n"
                        + "  Bob decode+detect      %5.1f ms | %5.1f ms  (%.1f ns/arrival)%n"
                        + "  Alice sifting look-up  %5.1f ms | %5.1f ms  (%.1f ns/click)%n"
                        + "  all three              %5.1f ms | %5.1f ms  -> %.1f simulated s per CPU s%n"
                        + "  of which kernel time   %5.1f ms (page faults of a heap still growing; ≈ 0 when warm)%n",
                seconds, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), seconds / wall,
                arrivalsPerS, clicksPerS, (double) pipe.wireBytes / pipe.arrivals,
                pipe.aliceNs / 1e6 / seconds, pipe.bestAlice / 1e6, pipe.aliceNs / (double) pipe.arrivals,
                pipe.bobNs / 1e6 / seconds, pipe.bestBob / 1e6, pipe.bobNs / (double) pipe.arrivals,
                pipe.siftNs / 1e6 / seconds, pipe.bestSift / 1e6, pipe.siftNs / (double) pipe.clicks,
                (pipe.aliceNs + pipe.bobNs + pipe.siftNs) / 1e6 / seconds, pipe.bestTotal / 1e6,
                seconds * 1e9 / (pipe.aliceNs + pipe.bobNs + pipe.siftNs), pipe.kernelNs / 1e6 / seconds);
        // sanity, not speed: the pipeline did simulate the link (arrivals ≈ η·Σ p_c μ_c per pulse)
        LinkParameters p = m.parameters();
        double expected = m.eta() * (p.pMu() * p.mu() + p.pNu() * p.nu()) * p.sourceRateHz();
        assertEquals(expected, arrivalsPerS, 0.5 * expected);
        assertTrue(clicksPerS > 0.3 * arrivalsPerS && clicksPerS < arrivalsPerS);
    }

    /** The frames of one simulated second, read back without a copy (the test's buffer is nobody's cost). */
    private static final class WireBuffer extends ByteArrayOutputStream {
        WireBuffer() {
            super(1 << 23);
        }

        ByteArrayInputStream reader() {
            return new ByteArrayInputStream(buf, 0, count);
        }
    }

    /** Alice → wire bytes → Bob → clicks → Alice's look-up, one simulated second at a time. */
    private static final class Pipeline {
        final AliceSource alice;
        final Eavesdropper eve;
        final BobDetector bob;
        final SplittableRandom ledgerRng;
        final long batchPulses;
        final double aliceZ;
        long aliceNs, bobNs, siftNs, arrivals, clicks, wireBytes;
        long bestAlice, bestBob, bestSift, bestTotal, kernelNs;
        final WireBuffer wire = new WireBuffer();

        Pipeline(ChannelModel m, long seed) {
            SplittableRandom root = new SplittableRandom(seed);
            alice = new AliceSource(m, EveSettings.NONE, root.split(), ChoiceBits.fromSystemEntropy(), 0);
            eve = new Eavesdropper(root.split());
            bob = new BobDetector(m.parameters(), root.split());
            ledgerRng = root.split();
            batchPulses = m.parameters().pulsesPerCoherenceTime();
            aliceZ = m.parameters().aliceZ();
        }

        void reset() {
            aliceNs = bobNs = siftNs = arrivals = clicks = wireBytes = kernelNs = 0;
            bestAlice = bestBob = bestSift = bestTotal = Long.MAX_VALUE;
        }

        void round() throws IOException {
            long pulses = (long) alice.model().parameters().sourceRateHz();
            AliceLedger ledger = new AliceLedger(aliceZ, ledgerRng.split());
            wire.reset();
            DataOutputStream out = new DataOutputStream(wire);
            long u0 = CPU.getCurrentThreadUserTime();
            long t0 = CPU.getCurrentThreadCpuTime();
            for (long done = 0; done < pulses; done += batchPulses) {
                QubitBatch q = alice.emit((int) Math.min(batchPulses, pulses - done), ledger);
                eve.attack(q, alice.eve());
                q.writeTo(out);
                arrivals += q.size();
            }
            long t1 = CPU.getCurrentThreadCpuTime();
            long u1 = CPU.getCurrentThreadUserTime();
            DataInputStream in = new DataInputStream(wire.reader());
            long u1b = CPU.getCurrentThreadUserTime(); // the test's own copy of the stream is nobody's cost
            long t1b = CPU.getCurrentThreadCpuTime();
            List<BobDetections> ds = new ArrayList<>();
            for (long done = 0; done < pulses; done += batchPulses) {
                ds.add(bob.measure(QubitBatch.readFrom(in)));
            }
            long t2 = CPU.getCurrentThreadCpuTime();
            RoundTally tally = new RoundTally();
            for (BobDetections d : ds) {
                tally.add(ledger, d);
                clicks += d.size();
            }
            long t3 = CPU.getCurrentThreadCpuTime();
            long u3 = CPU.getCurrentThreadUserTime();
            ledger.wipe();
            aliceNs += t1 - t0;
            bobNs += t2 - t1b;
            siftNs += t3 - t2;
            kernelNs += (t1 - t0) - (u1 - u0) + (t3 - t1b) - (u3 - u1b);
            bestAlice = Math.min(bestAlice, t1 - t0);
            bestBob = Math.min(bestBob, t2 - t1b);
            bestSift = Math.min(bestSift, t3 - t2);
            bestTotal = Math.min(bestTotal, t1 - t0 + t2 - t1b + t3 - t2);
            wireBytes += wire.size();
        }
    }
}
