package org.qkdv2i.driver.sim.fso.internal.channel;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.qkdv2i.driver.sim.fso.internal.channel.RoundResult.Outcome;
import org.qkdv2i.driver.sim.fso.internal.physics.ChannelModel;
import org.qkdv2i.driver.sim.fso.internal.physics.LinkParameters;
import org.qkdv2i.driver.sim.fso.internal.physics.Weather;
import org.qkdv2i.driver.sim.fso.internal.sim.AliceSource;
import org.qkdv2i.driver.sim.fso.internal.sim.BobDetector;
import org.qkdv2i.driver.sim.fso.internal.sim.Eavesdropper;
import org.qkdv2i.driver.sim.fso.internal.sim.EveSettings;

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

    private final ExecutorService pool = Executors.newCachedThreadPool();
    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    @After
    public void stop() {
        pool.shutdownNow();
    }

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

    private static double processCpuNs() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** CPU ticks per thread name (digits dropped: "GC Thread#1" → "GC Thread#") from /proc/self/task; empty elsewhere. */
    private static java.util.Map<String, Long> taskTicks() {
        java.util.Map<String, Long> out = new java.util.TreeMap<>();
        java.io.File[] tasks = new java.io.File("/proc/self/task").listFiles();
        if (tasks == null) {
            return out;
        }
        for (java.io.File t : tasks) {
            try {
                String st = new String(java.nio.file.Files.readAllBytes(t.toPath().resolve("stat")),
                        java.nio.charset.StandardCharsets.US_ASCII);
                int open = st.indexOf('('), close = st.lastIndexOf(')');
                String name = st.substring(open + 1, close).replaceAll("[0-9]+", "");
                String[] f = st.substring(close + 2).split(" ");
                long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime + stime
                out.merge(name, ticks, Long::sum);
            } catch (java.io.IOException | RuntimeException e) {
                // thread gone meanwhile
            }
        }
        return out;
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
        double load0, load1;
        java.util.Map<String, Long> ticks0 = java.util.Map.of(), ticks1;
        LibraryDistiller aliceDist = new LibraryDistiller(new SecureRandom());
        LibraryDistiller bobDist = new LibraryDistiller(new SecureRandom());
        try (PadAuthenticator aliceAuth = PadFixtures.end(stores, psk, true);
                PadAuthenticator bobAuth = PadFixtures.end(stores, psk, false);
                ServerSocket qs = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ServerSocket cs = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Future<Void> bob = pool.submit(() -> {
                try (Socket q = qs.accept(); Socket c = cs.accept();
                        FramedChannel ch = new FramedChannel(c, bobAuth, false)) {
                    BobProtocol b = new BobProtocol(ch,
                            new DataInputStream(new BufferedInputStream(q.getInputStream(), 1 << 16)),
                            new BobDetector(m.parameters(), new SplittableRandom(2)), new SplittableRandom(3), 0.1,
                            bobDist);
                    for (int i = 0; i < rounds; i++) {
                        long c0 = CPU.getCurrentThreadCpuTime(), d0 = b.detectorCpuNanos();
                        RoundResult r = b.round(m.parameters().sourceRateHz());
                        bs.record(i, CPU.getCurrentThreadCpuTime() - c0, r, bobDist);
                        bs.helper[i] = b.detectorCpuNanos() - d0;
                    }
                    b.close();
                    return null;
                }
            });
            try (Socket q = new Socket(InetAddress.getLoopbackAddress(), qs.getLocalPort());
                    Socket c = new Socket(InetAddress.getLoopbackAddress(), cs.getLocalPort());
                    FramedChannel ch = new FramedChannel(c, aliceAuth, true)) {
                SplittableRandom rng = new SplittableRandom(5);
                AliceProtocol a = new AliceProtocol(ch,
                        new DataOutputStream(new BufferedOutputStream(q.getOutputStream(), 1 << 16)),
                        new AliceSource(m, EveSettings.NONE, rng.split(), 0), new Eavesdropper(rng.split()), rng.split(),
                        0.1, aliceDist);
                load0 = load();
                for (int i = 0; i < rounds; i++) {
                    if (i == warm) {
                        roundEnd[i] = System.nanoTime();
                        procCpu[0] = processCpuNs();
                        ticks0 = taskTicks();
                        load0 = load();
                    }
                    long c0 = CPU.getCurrentThreadCpuTime(), s0 = a.sourceCpuNanos();
                    RoundResult r = a.round(i, pulses);
                    as.record(i, CPU.getCurrentThreadCpuTime() - c0, r, aliceDist);
                    as.helper[i] = a.sourceCpuNanos() - s0;
                    assertEquals(r.reason(), Outcome.KEY, r.outcome());
                }
                a.close();
            }
            bob.get(120, TimeUnit.SECONDS);
            roundEnd[rounds] = System.nanoTime();
            procCpu[1] = processCpuNs();
            ticks1 = taskTicks();
            load1 = load();
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
                measured, warm, load0, load1, Runtime.getRuntime().availableProcessors(), measured / wall,
                1e3 * wall / measured, mean(as.cpu, warm) / 1e6, mean(as.distCpu, warm) / 1e6,
                mean(as.cascadeCpu, warm) / 1e6, mean(as.helper, warm) / 1e6, mean(bs.cpu, warm) / 1e6,
                mean(bs.distCpu, warm) / 1e6, mean(bs.cascadeCpu, warm) / 1e6, mean(bs.helper, warm) / 1e6, (procCpu[1] - procCpu[0]) / 1e6 / measured,
                meanInt(bs.cascadeRounds, warm), mean(bs.cascadeWall, warm) / 1e6, mean(bs.restWall, warm) / 1e6,
                (double) keyBits / measured);
        StringBuilder threads = new StringBuilder(
                "  live threads by name, CPU ms per simulated s (/proc, 10 ms ticks; names cut at 15 characters, ended threads missing):");
        for (java.util.Map.Entry<String, Long> e : ticks1.entrySet()) {
            long d = e.getValue() - ticks0.getOrDefault(e.getKey(), 0L);
            if (d > 0) {
                threads.append(String.format(Locale.ROOT, " [%s] %.0f", e.getKey(), 10.0 * d / measured));
            }
        }
        System.out.println(threads);
    }
}
