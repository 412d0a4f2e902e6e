package org.qkdv2i.driver.sim.fso.internal.sim;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.SplittableRandom;

import org.qkdv2i.driver.sim.fso.internal.physics.ChannelModel;
import org.qkdv2i.driver.sim.fso.internal.physics.LinkParameters;
import org.qkdv2i.driver.sim.fso.internal.physics.Weather;

/**
 * Thread CPU per simulated second of each part of the channel emulation with the city's optics
 * (263 m, 10^8 pulses/s, 1 ms batches, clear night), one thread, JIT-warmed: Alice's source, the
 * qubit frame encoding, Bob's decoding, Bob's detector, Alice's ledger look-up. Printed, never asserted.
 * {@code java -cp target/classes:target/test-classes:<deps> org.qkdv2i.driver.sim.fso.internal.sim.CitySimPartsProfile [seconds=20]}
 */
public final class CitySimPartsProfile {

    private CitySimPartsProfile() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        LinkParameters d = LinkParameters.defaults();
        LinkParameters p = d.withDistance(263).withSource(1e8, d.mu(), d.nu(), d.omega(), d.pMu(), d.pNu(), d.pOmega());
        ChannelModel m = new ChannelModel(p, Weather.CLEAR, false);
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        SplittableRandom root = new SplittableRandom(1);
        AliceSource alice = new AliceSource(m, EveSettings.NONE, root.split(), ChoiceBits.seeded(2), 0);
        Eavesdropper eve = new Eavesdropper(root.split());
        BobDetector bob = new BobDetector(p, root.split());
        int n = (int) p.pulsesPerCoherenceTime();
        int batchesPerSecond = (int) (p.sourceRateHz() / n);
        for (int pass = 0; pass < 2; pass++) { // the first pass warms the JIT
            long tEmit = 0, tWrite = 0, tRead = 0, tMeasure = 0, tResolve = 0, arrivals = 0, clicksTotal = 0;
            for (int s = 0; s < seconds; s++) {
                AliceLedger ledger = new AliceLedger(p.aliceZ(), root.split());
                long[] clicks = new long[1 << 20];
                byte[] basis = new byte[1 << 20], bit = new byte[1 << 20];
                int k = 0;
                ByteArrayOutputStream wire = new ByteArrayOutputStream(1 << 20);
                DataOutputStream out = new DataOutputStream(wire);
                for (int b = 0; b < batchesPerSecond; b++) {
                    long t0 = cpu.getCurrentThreadCpuTime();
                    QubitBatch q = alice.emit(n, ledger);
                    eve.attack(q, alice.eve());
                    long t1 = cpu.getCurrentThreadCpuTime();
                    wire.reset();
                    q.writeTo(out);
                    out.flush();
                    long t2 = cpu.getCurrentThreadCpuTime();
                    QubitBatch r = QubitBatch.readFrom(new DataInputStream(new ByteArrayInputStream(wire.toByteArray())));
                    long t3 = cpu.getCurrentThreadCpuTime();
                    BobDetections det = bob.measure(r);
                    long t4 = cpu.getCurrentThreadCpuTime();
                    det.copyTo(clicks, basis, bit, k);
                    k += det.size();
                    arrivals += q.size();
                    tEmit += t1 - t0;
                    tWrite += t2 - t1;
                    tRead += t3 - t2;
                    tMeasure += t4 - t3;
                }
                byte[] c = new byte[k], ab = new byte[k], av = new byte[k], ph = new byte[k];
                long t5 = cpu.getCurrentThreadCpuTime();
                ledger.resolve(clicks, k, c, ab, av, ph);
                tResolve += cpu.getCurrentThreadCpuTime() - t5;
                clicksTotal += k;
                ledger.wipe();
            }
            if (pass == 1) {
                System.out.printf(Locale.ROOT,
                        "city optics 263 m, 1e8/s, %d batches/s, %.0f arrivals and %.0f clicks per simulated s; CPU ms per simulated s "
                                + "(timer calls included): source+Eve %.2f, encode %.2f, decode %.2f, detector %.2f, ledger look-up %.2f%n",
                        batchesPerSecond, (double) arrivals / seconds, (double) clicksTotal / seconds, tEmit / 1e6 / seconds,
                        tWrite / 1e6 / seconds, tRead / 1e6 / seconds, tMeasure / 1e6 / seconds, tResolve / 1e6 / seconds);
            }
        }
    }
}
