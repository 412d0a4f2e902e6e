package org.qkdv2i.driver.sim.fso.internal.channel;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.qkdv2i.driver.sim.fso.internal.channel.RoundResult.Outcome;
import org.qkdv2i.driver.sim.fso.internal.physics.ChannelModel;
import org.qkdv2i.driver.sim.fso.internal.physics.LinkParameters;
import org.qkdv2i.driver.sim.fso.internal.physics.Weather;
import org.qkdv2i.driver.sim.fso.internal.sim.ChoiceBits;

/**
 * CPU per simulated second of one FSO link pair with the city's optics (issue 8: the paper
 * backbone's six links in the 1,000-vehicle city: {@code "sourceRateHz": 1.0e8, "roundSeconds": 2.0},
 * 150–300 m, clear night). Both ends' full round protocol in this JVM over loopback TCP, unpaced (the
 * driver's pacing only sleeps between rounds), fixed seeds. After {@code warm} rounds (JIT, heap) it
 * measures {@code rounds} rounds and prints per simulated second: the process CPU (GC and JIT
 * included), each protocol thread's and helper thread's CPU (ThreadMXBean), GC count and time,
 * allocation of the link's threads. Printed, never asserted.
 *
 * <pre>
 * java -Xmx512m -cp target/classes:target/test-classes:$(cat cp.txt) \
 *     org.qkdv2i.driver.sim.fso.internal.channel.CityLinkCpuProfile [distanceM=263] [warmRounds=15] [rounds=30]
 * </pre>
 */
public final class CityLinkCpuProfile {

    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private CityLinkCpuProfile() {
    }
    private static long[] gc() {
        long n = 0, ms = 0;
        for (GarbageCollectorMXBean g : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, g.getCollectionCount());
            ms += Math.max(0, g.getCollectionTime());
        }
        return new long[] { n, ms };
    }
    private static long allocated(Thread t) {
        return t == null ? 0 : ((com.sun.management.ThreadMXBean) CPU).getThreadAllocatedBytes(t.getId());
    }

    /** City link: the defaults (300 m rooftop optics) at {@code distanceM}, 10^8 pulses/s. */
    static ChannelModel cityModel(double distanceM) {
        LinkParameters d = LinkParameters.defaults();
        LinkParameters p = d.withDistance(distanceM).withSource(1e8, d.mu(), d.nu(), d.omega(), d.pMu(), d.pNu(),
                d.pOmega());
        return new ChannelModel(p, Weather.CLEAR, false);
    }

    public static void main(String[] args) throws Exception {
        double distance = args.length > 0 ? Double.parseDouble(args[0]) : 263;
        int warm = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        int measured = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        double roundSeconds = 2.0;
        int rounds = warm + measured;
        ChannelModel m = cityModel(distance);
        long pulses = (long) (roundSeconds * m.parameters().sourceRateHz());
        Path stores = Files.createTempDirectory("citylink");
        byte[] psk = PadFixtures.psk(8 * rounds + 64, 42);
        long[] aCpu = new long[2], aHelper = new long[2], bCpu = new long[2], bHelper = new long[2];
        long[] aAlloc = new long[2], bAlloc = new long[2];
        long[] proc = new long[2], wall = new long[2];
        long[][] gcs = new long[2][];
        @SuppressWarnings("unchecked")
        java.util.Map<String, Long>[] ticks = new java.util.Map[2];
        long[] secretBits = { 0 };
        StringBuilder outcomes = new StringBuilder();
        Thread aliceThread = Thread.currentThread();
        LibraryDistiller aliceDist = new LibraryDistiller(new SecureRandom());
        LibraryDistiller bobDist = new LibraryDistiller(new SecureRandom());
        try (LoopbackLinkEnds link = new LoopbackLinkEnds(stores, psk, r -> {
            Thread t = new Thread(r, "bob-protocol");
            t.setDaemon(true);
            return t;
        })) {
            Future<Void> bob = link.startBob(m, bobDist, b -> {
                for (int i = 0; i <= rounds; i++) {
                    if (i == warm || i == rounds) {
                        int k = i == warm ? 0 : 1;
                        bCpu[k] = CPU.getCurrentThreadCpuTime();
                        bHelper[k] = b.detectorCpuNanos();
                        bAlloc[k] = allocated(Thread.currentThread());
                    }
                    if (i < rounds) {
                        b.round(m.parameters().sourceRateHz());
                    }
                }
            });
            link.runAlice(m, ChoiceBits.seeded(7), aliceDist, a -> {
                for (int i = 0; i <= rounds; i++) {
                    if (i == warm || i == rounds) {
                        int k = i == warm ? 0 : 1;
                        if (k == 1) {
                            bob.get(120, TimeUnit.SECONDS);
                        }
                        ticks[k] = CpuCounters.ticksByThreadName();
                        wall[k] = System.nanoTime();
                        proc[k] = CpuCounters.processNs();
                        gcs[k] = gc();
                        aCpu[k] = CPU.getCurrentThreadCpuTime();
                        aHelper[k] = a.sourceCpuNanos();
                        aAlloc[k] = allocated(aliceThread);
                    }
                    if (i == rounds) {
                        break;
                    }
                    RoundResult r = a.round(i, pulses);
                    if (r.outcome() != Outcome.KEY) {
                        throw new IllegalStateException("round " + i + ": " + r.outcome() + " " + r.reason());
                    }
                    if (i >= warm) {
                        secretBits[0] += 8L * r.key().length;
                    }
                    // deterministic for the fixed seeds (the key itself is not: PA seeds and IDs are fresh)
                    outcomes.append(r.detections()).append('/').append(r.sifted()).append('/')
                            .append(Double.doubleToLongBits(r.qber())).append('/').append(r.secretBitsEstimate()).append('/')
                            .append(r.key().length).append(';');
                    Arrays.fill(r.key(), (byte) 0);
                }
            });
        }
        double sim = measured * roundSeconds;
        System.out.printf(Locale.ROOT,
                "city FSO link %.0f m, clear night, 1e8 pulses/s, %d x %.1f s rounds after %d warm-up (%d cores, load %.1f):%n"
                        + "  process CPU %.1f ms per simulated s (%.3f cores at speed 1); wall %.1f ms per simulated s%n"
                        + "  Alice protocol thread %.1f ms + source helper %.1f ms; Bob protocol thread %.1f ms + detector thread %.1f ms%n"
                        + "  GC %d collections, %d ms; allocated per simulated s: Alice protocol thread %.1f MB, Bob's %.1f MB; "
                        + "%.0f secret bits per simulated s%n",
                distance, measured, roundSeconds, warm, Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), (proc[1] - proc[0]) / 1e6 / sim,
                (proc[1] - proc[0]) / 1e9 / sim, (wall[1] - wall[0]) / 1e6 / sim, (aCpu[1] - aCpu[0]) / 1e6 / sim,
                (aHelper[1] - aHelper[0]) / 1e6 / sim, (bCpu[1] - bCpu[0]) / 1e6 / sim, (bHelper[1] - bHelper[0]) / 1e6 / sim,
                gcs[1][0] - gcs[0][0], gcs[1][1] - gcs[0][1], (aAlloc[1] - aAlloc[0]) / 1e6 / sim,
                (bAlloc[1] - bAlloc[0]) / 1e6 / sim, secretBits[0] / sim);
        StringBuilder threads = new StringBuilder("  live threads, CPU ms per simulated s (/proc ticks; ended helpers missing):");
        for (java.util.Map.Entry<String, Long> e : ticks[1].entrySet()) {
            long d = e.getValue() - ticks[0].getOrDefault(e.getKey(), 0L);
            if (d > 0) {
                threads.append(String.format(Locale.ROOT, " [%s] %.1f", e.getKey(), 10.0 * d / sim));
            }
        }
        System.out.println(threads);
        if (Boolean.getBoolean("profile.outcomes")) {
            System.out.println(outcomes);
        }
        System.out.printf("  round outcomes (clicks/sifted/QBER bits/secret estimate/key bytes) digest %s%n",
                java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(outcomes.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII))));
    }
}
