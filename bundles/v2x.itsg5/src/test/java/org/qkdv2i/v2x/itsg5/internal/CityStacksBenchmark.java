package org.qkdv2i.v2x.itsg5.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;

import org.qkdv2i.radio.udp.internal.AirRole;
import org.qkdv2i.radio.udp.internal.PathLoss;
import org.qkdv2i.radio.udp.internal.UdpAirRadio;
import org.qkdv2i.radio.udp.internal.VirtualAir;
import org.qkdv2i.v2x.api.StationState;
import org.qkdv2i.v2x.codec.internal.security.SharedVerification;
import org.qkdv2i.v2x.codec.internal.security.VerifierConfig;
import org.qkdv2i.v2x.codec.internal.security.VerifierStatistics;
import org.qkdv2i.v2x.codec.security.VerificationStatus;
import org.qkdv2i.v2x.api.adapter.StackStatistics;
import org.qkdv2i.v2x.api.adapter.StationStateProvider;
import org.qkdv2i.v2x.itsg5.internal.stack.DevPki;

/**
 * Load generator for issue 8's city with real V2X stacks (not a unit test): N vehicles and M RSUs,
 * each an {@link ItsG5StackComponent} (SIGNED with a dev-PKI ticket read from files, unsecured
 * refused) on a radio.udp {@link UdpAirRadio} in the air mode with {@code role}/{@code hears=V2I},
 * all in one JVM on one {@link VirtualAir}. Vehicles drive at 8–15 m/s in a square, bouncing off
 * its edges; their CAMs follow EN 302 637-2 (position/heading triggers), the RSUs' T_GenCamMax.
 * Every received CAM is verified (ECDSA P-256, BC) on the air's I/O threads. Measures after a
 * warm-up: process CPU (/proc/self/stat), CPU per thread group (ThreadMXBean), threads, CAMs
 * generated/s, messages verified and delivered/s, refused/s.
 *
 * <pre>
 * java -cp ... org.qkdv2i.v2x.itsg5.internal.CityStacksBenchmark vehicles=1000 rsus=50 seconds=60 warmup=15 \
 *     ticks=shared threads=1 io=2
 * </pre>
 * {@code ticks=own}: a one-thread scheduler per stack, the thread-per-stack way before issue 8.
 * {@code memo=off}: v2x.codec's message-signature verdict memo off (PID org.qkdv2i.v2x.codec.Verifier,
 * {@code messageVerdictMemo}; on by default), so every receiver runs its own ECDSA verification;
 * {@code memoEntries=N} its bound. Prints the verifiers' outcomes by status (refusals by reason),
 * ECDSA message verifications and memo hits per second.
 */
public final class CityStacksBenchmark {
    private static final double M_PER_DEG = 111_195.0;

    private CityStacksBenchmark() {
    }

    /** A vehicle's or RSU's kinematics, written by the driver thread, read by its stack's tick. */
    static final class Station implements StationStateProvider {
        final long id;
        final int type;
        volatile StationState state;

        Station(long id, int type) {
            this.id = id;
            this.type = type;
        }

        @Override
        public StationState stationState() {
            return state;
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (String s : args) {
            int eq = s.indexOf('=');
            a.put(s.substring(0, eq), s.substring(eq + 1));
        }
        int vehicles = Integer.parseInt(a.getOrDefault("vehicles", "1000"));
        int rsus = Integer.parseInt(a.getOrDefault("rsus", "50"));
        double side = Double.parseDouble(a.getOrDefault("side", "3000"));
        double range = Double.parseDouble(a.getOrDefault("range", "400"));
        int io = Integer.parseInt(a.getOrDefault("io", "2"));
        int threads = Integer.parseInt(a.getOrDefault("threads", "1"));
        boolean own = a.getOrDefault("ticks", "shared").equals("own");
        double seconds = Double.parseDouble(a.getOrDefault("seconds", "60"));
        double warmup = Double.parseDouble(a.getOrDefault("warmup", "15"));
        long tickNs = 100_000_000L;
        boolean memo = !a.getOrDefault("memo", "on").equals("off");
        Map<String, Object> verifierCfg = new HashMap<>(Map.of("messageVerdictMemo", memo));
        if (a.containsKey("memoEntries")) {
            verifierCfg.put("messageVerdictMemoEntries", Integer.parseInt(a.get("memoEntries")));
        }
        // as SCR would: the shared-verification component's configuration sets the memo every stack's codec shares
        SharedVerification verifiers = new SharedVerification(Configs.of(VerifierConfig.class, verifierCfg));

        ThreadMXBean tmx = ManagementFactory.getThreadMXBean();
        int threadsAtStart = tmx.getThreadCount();
        String loadStart = Files.readString(Path.of("/proc/loadavg")).strip();

        // the dev PKI: root, authority, one ticket per station in files (as a node's deploy/ has them)
        Path pki = Files.createTempDirectory("city-pki");
        DevPki dev = new DevPki(Instant.now().minusSeconds(3600));
        int n = vehicles + rsus;
        char[] pw = "city".toCharArray();
        for (int i = 0; i < n; i++) {
            dev.write(pki, "s" + i, pw, 1000);
        }
        String[] roots = {pki.resolve("root.oer").toString()};
        String[] authorities = {pki.resolve("aa.oer").toString()};

        VirtualAir air = new VirtualAir(Configs.of(VirtualAir.Config.class, Map.of("io_threads", io)));
        ItsG5Scheduler shared = own ? null : new ItsG5Scheduler(threads);
        List<ItsG5Scheduler> schedulers = new ArrayList<>();
        SplittableRandom rnd = new SplittableRandom(2026);
        double[] x = new double[n];
        double[] y = new double[n];
        double[] vx = new double[n];
        double[] vy = new double[n];
        Station[] stations = new Station[n];
        List<UdpAirRadio> radios = new ArrayList<>(n);
        List<ItsG5StackComponent> stacks = new ArrayList<>(n);
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            boolean rsu = i >= vehicles;
            x[i] = rnd.nextDouble(side);
            y[i] = rnd.nextDouble(side);
            if (!rsu) {
                double speed = rnd.nextDouble(8, 15); // m/s, city traffic
                double heading = rnd.nextDouble(2 * Math.PI);
                vx[i] = speed * Math.cos(heading);
                vy[i] = speed * Math.sin(heading);
            }
            stations[i] = new Station(100_000 + i, rsu ? 15 : 5);
            stations[i].state = state(stations[i], x[i], y[i], vx[i], vy[i]);
            String id = (rsu ? "rsu" : "v") + i;
            UdpAirRadio r = new UdpAirRadio(Configs.of(UdpAirRadio.Config.class, Map.of("radio_id", id, "air", "city",
                    "address", String.format("02:00:00:%02x:%02x:%02x", i >> 16 & 0xFF, i >> 8 & 0xFF, i & 0xFF),
                    "role", rsu ? AirRole.RSU : AirRole.VEHICLE, "hears", AirRole.Hears.V2I, "range_m", range,
                    "path_loss", PathLoss.LOG_DISTANCE)), air);
            r.updatePosition(stations[i].state);
            radios.add(r);
            ItsG5Scheduler s = shared;
            if (own) {
                s = new ItsG5Scheduler(1);
                schedulers.add(s);
            }
            Map<String, Object> cfg = new HashMap<>();
            cfg.putAll(Map.of("v2x_stack", id, "stationId", stations[i].id, "stationType", stations[i].type,
                    "security", "SIGNED", "acceptUnsecured", false, "signing_certificate",
                    pki.resolve("s" + i + ".ticket.oer").toString(), "signing_key",
                    pki.resolve("s" + i + ".ticket.key").toString(), "_signing_password", "city", "trust_roots", roots,
                    "trust_certificates", authorities));
            ItsG5StackComponent stack = new ItsG5StackComponent(Configs.of(ItsG5StackConfig.class, cfg), s,
                    verifiers.newCodec());
            stack.bindRadio(r);
            stack.bindStationState(stations[i]);
            stacks.add(stack);
        }
        java.util.Arrays.fill(pw, '\0');
        long setupNs = System.nanoTime() - t0;
        int threadsWithStacks = tmx.getThreadCount();
        System.out.printf(Locale.ROOT, "city: %d vehicles, %d RSUs, %.0f m x %.0f m, range %.0f m, V2I, SIGNED; ticks %s"
                + " (%s), %d I/O threads; message verdict memo %s; set up in %.1f s; threads %d -> %d%n", vehicles,
                rsus, side, side, range, own ? "own" : "shared", own ? "one thread per stack" : threads + " thread(s)", io,
                memo ? "on (" + verifiers.statistics().memoCapacity() + " entries)" : "off", setupNs / 1e9,
                threadsAtStart, threadsWithStacks);

        long start = System.nanoTime();
        long measureFrom = start + (long) (warmup * 1e9);
        long end = measureFrom + (long) (seconds * 1e9);
        Snapshot base = null;
        VerifierStatistics verifyBase = null;
        long late = 0;
        long ticksDone = 0;
        long maxLagNs = 0;
        long nextTick = start;
        long gcBase = 0;
        while (true) {
            long now = System.nanoTime();
            if (base == null && now - measureFrom >= 0) {
                base = Snapshot.take(stacks, vehicles, tmx);
                verifyBase = verifiers.statistics();
                late = 0;
                ticksDone = 0;
                maxLagNs = 0;
                gcBase = gcMillis();
            }
            if (now - end >= 0) {
                break;
            }
            double dt = tickNs / 1e9;
            for (int i = 0; i < vehicles; i++) {
                x[i] += vx[i] * dt;
                y[i] += vy[i] * dt;
                if (x[i] < 0 || x[i] > side) {
                    vx[i] = -vx[i];
                    x[i] = Math.max(0, Math.min(side, x[i]));
                }
                if (y[i] < 0 || y[i] > side) {
                    vy[i] = -vy[i];
                    y[i] = Math.max(0, Math.min(side, y[i]));
                }
                StationState s = state(stations[i], x[i], y[i], vx[i], vy[i]);
                stations[i].state = s;
                radios.get(i).updatePosition(s);
            }
            ticksDone++;
            nextTick += tickNs;
            long lag = System.nanoTime() - nextTick;
            if (lag > 0) {
                late++;
                maxLagNs = Math.max(maxLagNs, lag);
            } else {
                LockSupport.parkNanos(-lag);
            }
        }
        Snapshot fin = Snapshot.take(stacks, vehicles, tmx);
        VerifierStatistics verifyFin = verifiers.statistics();
        double wall = (fin.wallNs - base.wallNs) / 1e9;
        double proc = (fin.processCpuNs - base.processCpuNs) / 1e9;
        double vehSent = (fin.vehicleSent - base.vehicleSent) / wall;
        double rsuSent = (fin.rsuSent - base.rsuSent) / wall;
        double rsuDelivered = (fin.rsuDelivered - base.rsuDelivered) / wall;
        double vehDelivered = (fin.vehicleDelivered - base.vehicleDelivered) / wall;
        double received = (fin.received - base.received) / wall;
        double refused = (fin.refused - base.refused) / wall;
        double malformed = (fin.malformed - base.malformed) / wall;
        double delivered = rsuDelivered + vehDelivered;
        System.out.printf(Locale.ROOT, "measured %.1f s after %.0f s warm-up%n", wall, warmup);
        System.out.printf(Locale.ROOT, "CAMs generated %.0f/s (vehicles %.0f/s = %.2f Hz each, RSUs %.0f/s), frames"
                + " received by stacks %.0f/s%n", vehSent + rsuSent, vehSent, vehSent / vehicles, rsuSent, received);
        System.out.printf(Locale.ROOT, "verified and delivered %.0f/s (at RSUs %.0f/s, at vehicles %.0f/s), refused %.1f/s,"
                + " malformed %.1f/s; send failures %d%n", delivered, rsuDelivered, vehDelivered, refused, malformed,
                fin.sendFailures - base.sendFailures);
        System.out.printf(Locale.ROOT, "CPU: process %.2f s/s (%.1f us per verified message, %.1f us per CAM sent and"
                + " its deliveries)%n", proc / wall, proc * 1e6 / (delivered * wall), proc * 1e6 / ((vehSent + rsuSent) * wall));
        long verifications = 0;
        StringBuilder byStatus = new StringBuilder();
        for (VerificationStatus st : VerificationStatus.values()) {
            long d = verifyFin.outcome(st) - verifyBase.outcome(st);
            verifications += d;
            if (d > 0) {
                byStatus.append(String.format(Locale.ROOT, " %s %.1f/s", st, d / wall));
            }
        }
        long ecdsa = verifyFin.messageEcdsaVerifications() - verifyBase.messageEcdsaVerifications();
        long hits = verifyFin.memoHits() - verifyBase.memoHits();
        System.out.printf(Locale.ROOT, "verifier (all stacks): %.0f verifications/s:%s%n", verifications / wall, byStatus);
        System.out.printf(Locale.ROOT, "  message ECDSA computed %.0f/s, memo hits %.0f/s (%.1f %% of lookups), memo"
                + " entries %d of %d%n", ecdsa / wall, hits / wall,
                100.0 * hits / Math.max(1, hits + verifyFin.memoMisses() - verifyBase.memoMisses()), verifyFin.memoSize(),
                verifyFin.memoCapacity());
        for (String g : fin.cpuByGroup.keySet()) {
            long d = fin.cpuByGroup.get(g) - base.cpuByGroup.getOrDefault(g, 0L);
            System.out.printf(Locale.ROOT, "  %-16s %3d threads  %.3f CPU-s/s%n", g, fin.threadsByGroup.get(g), d / 1e9 / wall);
        }
        System.out.printf(Locale.ROOT, "driver: %d of %d mobility ticks late (max lag %.1f ms); GC %d ms; threads: %d at"
                + " start, %d with %d stacks, %d now%n", late, ticksDone, maxLagNs / 1e6, gcMillis() - gcBase,
                threadsAtStart, threadsWithStacks, n, tmx.getThreadCount());
        String rss = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS"))
                .findFirst().orElse("VmRSS: ?").replaceAll("\\s+", " ");
        System.out.printf(Locale.ROOT, "load average: start %s, end %s; %d cores; %s, heap used %d MiB%n", loadStart,
                Files.readString(Path.of("/proc/loadavg")).strip(), Runtime.getRuntime().availableProcessors(), rss,
                (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
        stacks.forEach(ItsG5StackComponent::deactivate);
        schedulers.forEach(ItsG5Scheduler::deactivate);
        if (shared != null) {
            shared.deactivate();
        }
        air.close();
        System.exit(0); // the radios' deactivation is the framework's (package-private); the JVM ends here
    }

    /** Metres east/north of 48.137 N 11.575 E with the velocity's speed and heading, in ITS units. */
    static StationState state(Station st, double eastM, double northM, double vxMps, double vyMps) {
        double lat = 48.137 + northM / M_PER_DEG;
        double lon = 11.575 + eastM / (M_PER_DEG * Math.cos(Math.toRadians(48.137)));
        double speed = Math.hypot(vxMps, vyMps);
        int heading = st.type == 15 ? 3601 : (int) Math.floorMod(Math.round(Math.toDegrees(Math.atan2(vxMps, vyMps)) * 10), 3600);
        return new StationState(st.id, st.type, (int) Math.round(lat * 1e7), (int) Math.round(lon * 1e7), true,
                (int) Math.round(speed * 100), heading, Instant.now());
    }

    static long gcMillis() {
        long ms = 0;
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ms += Math.max(0, gc.getCollectionTime());
        }
        return ms;
    }

    /** utime + stime of this process from /proc/self/stat, in ns (clock ticks of 10 ms). */
    static long processCpuNs() throws Exception {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
    }

    private record Snapshot(long wallNs, long processCpuNs, long vehicleSent, long rsuSent, long vehicleDelivered,
            long rsuDelivered, long received, long refused, long malformed, long sendFailures,
            Map<String, Long> cpuByGroup, Map<String, Integer> threadsByGroup) {
        static Snapshot take(List<ItsG5StackComponent> stacks, int vehicles, ThreadMXBean tmx) throws Exception {
            long vs = 0;
            long rs = 0;
            long vd = 0;
            long rd = 0;
            long rec = 0;
            long ref = 0;
            long mal = 0;
            long fail = 0;
            for (int i = 0; i < stacks.size(); i++) {
                StackStatistics s = stacks.get(i).statistics();
                if (i < vehicles) {
                    vs += s.sent();
                    vd += s.delivered();
                } else {
                    rs += s.sent();
                    rd += s.delivered();
                }
                rec += s.received();
                ref += s.refused();
                mal += s.malformed();
                fail += s.sendFailures();
            }
            Map<String, Long> cpu = new TreeMap<>();
            Map<String, Integer> count = new TreeMap<>();
            long[] ids = tmx.getAllThreadIds();
            ThreadInfo[] infos = tmx.getThreadInfo(ids);
            for (int i = 0; i < ids.length; i++) {
                if (infos[i] == null) {
                    continue;
                }
                String g = group(infos[i].getThreadName());
                long c = tmx.getThreadCpuTime(ids[i]);
                cpu.merge(g, Math.max(0, c), Long::sum);
                count.merge(g, 1, Integer::sum);
            }
            return new Snapshot(System.nanoTime(), CityStacksBenchmark.processCpuNs(), vs, rs, vd, rd, rec, ref, mal, fail, cpu, count);
        }

        private static String group(String name) {
            if (name.startsWith("udp-air-io")) {
                return "radio I/O";
            }
            if (name.startsWith("v2x-itsg5-tick") || name.startsWith("v2x-stack-")) {
                return "stack ticks";
            }
            if (name.equals("main")) {
                return "driver (main)";
            }
            return "other JVM";
        }
    }
}
