package org.qkdv2i.driver.sim.fso.internal.channel;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.qkdv2i.driver.sim.fso.internal.channel.RoundResult.Outcome;
import org.qkdv2i.driver.sim.fso.internal.physics.ChannelModel;
import org.qkdv2i.driver.sim.fso.internal.physics.LinkParameters;
import org.qkdv2i.driver.sim.fso.internal.physics.Weather;
import org.qkdv2i.driver.sim.fso.internal.sim.ChoiceBits;

/**
 * The issue-3 whole-link benchmark: simulated seconds per wall second of the complete round
 * protocol (quantum frames over TCP, sifting, estimation, Cascade, verification, Toeplitz PA,
 * Wegman–Carter authentication) for the 300 m clear-night link at 1 GHz, both ends in this JVM
 * on two threads over loopback TCP, 1 s rounds. After {@code wholelink.warmup} rounds (JIT, heap)
 * it measures {@code wholelink.seconds} rounds and prints wall time, each end's thread CPU time
 * (ThreadMXBean: the machine's other load inflates wall time, far less CPU time), the process CPU
 * time (GC and JIT included), Cascade's round trips and the host load average. Printed, never
 * asserted (README "Speed"); it does assert that every measured round gave both ends the same key.
 * Run alone: {@code mvn -B -q -pl vendor-drivers/driver.sim.fso install -Dtest=WholeLinkSpeedTest
 * -Dsurefire.failIfNoSpecifiedTests=false -DargLine=-Xmn128m -Dwholelink.seconds=20}.
 */
public class WholeLinkSpeedTest {

    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    /** Per-round figures of one end. */
    private static final class EndStats {
        final long[] cpu, helper, distCpu, cascadeCpu, cascadeWall, restWall;
        final int[] cascadeRounds;
        final byte[][] keys;

        EndStats(int rounds) {
            cpu = new long[rounds];
            helper = new long[rounds];
            distCpu = new long[rounds];
            cascadeCpu = new long[rounds];
            cascadeWall = new long[rounds];
            restWall = new long[rounds];
            cascadeRounds = new int[rounds];
            keys = new byte[rounds][];
        }

        void record(int i, long cpuNs, RoundResult r, LibraryDistiller d) {
            cpu[i] = cpuNs;
            keys[i] = r.key();
            LibraryDistiller.Timing t = d.lastTiming();
            if (r.outcome() == Outcome.KEY && t != null) {
                distCpu[i] = t.cascadeCpuNs() + t.restCpuNs();
                cascadeCpu[i] = t.cascadeCpuNs();
                cascadeWall[i] = t.cascadeWallNs();
                restWall[i] = t.restWallNs();
                cascadeRounds[i] = t.cascadeRounds();
            }
        }
    }

    private static double mean(long[] a, int from) {
        return Arrays.stream(a, from, a.length).average().orElse(0);
    }

    private static double meanInt(int[] a, int from) {
        return Arrays.stream(a, from, a.length).average().orElse(0);
    }
    private static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    @Test
    public void threeHundredMetreClearNightWholeLinkSpeedIsMeasured() throws Exception {
        int warm = Integer.getInteger("wholelink.warmup", 3);
        int measured = Integer.getInteger("wholelink.seconds", 5);
        int rounds = warm + measured;
        ChannelModel m = new ChannelModel(LinkParameters.defaults(), Weather.CLEAR, false);
        long pulses = (long) m.parameters().sourceRateHz(); // 1 s rounds
        Path stores = tmp.newFolder().toPath();
        byte[] psk = PadFixtures.psk(4 * rounds + 64, 42);
        EndStats as = new EndStats(rounds), bs = new EndStats(rounds);
        long[] roundEnd = new long[rounds + 1];
        double[] procCpu = new double[2];
        double[] load = new double[2];
        @SuppressWarnings("unchecked")
        java.util.Map<String, Long>[] ticks = new java.util.Map[] { java.util.Map.of(), null };
        LibraryDistiller aliceDist = new LibraryDistiller(new SecureRandom());
        LibraryDistiller bobDist = new LibraryDistiller(new SecureRandom());
        try (LoopbackLinkEnds link = new LoopbackLinkEnds(stores, psk)) {
            Future<Void> bob = link.startBob(m, bobDist, b -> {
                for (int i = 0; i < rounds; i++) {
                    long c0 = CPU.getCurrentThreadCpuTime(), d0 = b.detectorCpuNanos();
                    RoundResult r = b.round(m.parameters().sourceRateHz());
                    bs.record(i, CPU.getCurrentThreadCpuTime() - c0, r, bobDist);
                    bs.helper[i] = b.detectorCpuNanos() - d0;
                }
            });
            link.runAlice(m, ChoiceBits.fromSystemEntropy(), aliceDist, a -> {
                load[0] = load();
                for (int i = 0; i < rounds; i++) {
                    if (i == warm) {
                        roundEnd[i] = System.nanoTime();
                        procCpu[0] = CpuCounters.processNs();
                        ticks[0] = CpuCounters.ticksByThreadName();
                        load[0] = load();
                    }
                    long c0 = CPU.getCurrentThreadCpuTime(), s0 = a.sourceCpuNanos();
                    RoundResult r = a.round(i, pulses);
                    as.record(i, CPU.getCurrentThreadCpuTime() - c0, r, aliceDist);
                    as.helper[i] = a.sourceCpuNanos() - s0;
                    assertEquals(r.reason(), Outcome.KEY, r.outcome());
                }
            });
            bob.get(120, TimeUnit.SECONDS);
            roundEnd[rounds] = System.nanoTime();
            procCpu[1] = CpuCounters.processNs();
            ticks[1] = CpuCounters.ticksByThreadName();
            load[1] = load();
        }
        for (int i = warm; i < rounds; i++) {
            assertArrayEquals("round " + i, as.keys[i], bs.keys[i]);
        }
        double wall = (roundEnd[rounds] - roundEnd[warm]) / 1e9;
        long keyBits = 0;
        for (int i = warm; i < rounds; i++) {
            keyBits += 8L * as.keys[i].length;
            Arrays.fill(as.keys[i], (byte) 0);
            Arrays.fill(bs.keys[i], (byte) 0);
        }
        System.out.printf(Locale.ROOT,
                "whole link (TCP, both ends in one JVM, 300 m clear night, 1 GHz, %d x 1 s rounds after %d warm-up, "
                        + "load %.1f -> %.1f, %d cores): %.2f simulated s per wall s (%.0f ms wall per round)%n"
                        + "  CPU per simulated s: Alice protocol thread %.1f ms (distillation %.1f, of it Cascade %.1f) + source thread %.1f ms, "
                        + "Bob protocol thread %.1f ms (distillation %.1f, of it Cascade %.1f) + detector thread %.1f ms; "
                        + "process %.1f ms (GC, JIT included)%n"
                        + "  Cascade: %.0f round trips per block, wall %.1f ms at Bob; verification + PA wall %.1f ms at Bob; "
                        + "%.0f secret bits per round%n",
                measured, warm, load[0], load[1], Runtime.getRuntime().availableProcessors(), measured / wall,
                1e3 * wall / measured, mean(as.cpu, warm) / 1e6, mean(as.distCpu, warm) / 1e6,
                mean(as.cascadeCpu, warm) / 1e6, mean(as.helper, warm) / 1e6, mean(bs.cpu, warm) / 1e6,
                mean(bs.distCpu, warm) / 1e6, mean(bs.cascadeCpu, warm) / 1e6, mean(bs.helper, warm) / 1e6, (procCpu[1] - procCpu[0]) / 1e6 / measured,
                meanInt(bs.cascadeRounds, warm), mean(bs.cascadeWall, warm) / 1e6, mean(bs.restWall, warm) / 1e6,
                (double) keyBits / measured);
        StringBuilder threads = new StringBuilder(
                "  live threads by name, CPU ms per simulated s (/proc, 10 ms ticks; names cut at 15 characters, ended threads missing):");
        for (java.util.Map.Entry<String, Long> e : ticks[1].entrySet()) {
            long d = e.getValue() - ticks[0].getOrDefault(e.getKey(), 0L);
            if (d > 0) {
                threads.append(String.format(Locale.ROOT, " [%s] %.0f", e.getKey(), 10.0 * d / measured));
            }
        }
        System.out.println(threads);
    }
}
