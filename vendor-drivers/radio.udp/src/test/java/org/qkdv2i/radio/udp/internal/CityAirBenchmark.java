package org.qkdv2i.radio.udp.internal;

import java.lang.management.ManagementFactory;
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
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import org.qkdv2i.v2x.api.StationState;
import org.qkdv2i.v2x.api.radio.FrameMetadata;
import org.qkdv2i.v2x.api.radio.LinkAddress;
import org.qkdv2i.v2x.api.radio.RadioFrame;

/**
 * Load generator for issue 8's city (not a unit test): N vehicle radios sending F frames/s of
 * P octets and M RSU radios at 1 Hz, at random positions in a square, vehicles driving (every
 * 100 ms a position update each, bouncing off the edges), all in one JVM on one
 * {@link VirtualAir} in the air (neighbour-directed unicast) mode; frames really travel as UDP
 * datagrams on 127.0.0.1. Runs in real time: the driver thread sends each radio's frames when due
 * and reports whether it kept up. Measures after a warm-up: frames sent/s, datagrams/s, frames
 * delivered/s, process CPU (/proc/self/stat) and per-thread CPU (ThreadMXBean) per delivered frame,
 * threads, datagrams lost in socket buffers.
 *
 * <pre>
 * java -cp ... org.qkdv2i.radio.udp.internal.CityAirBenchmark vehicles=1000 rsus=50 side=3000 range=400 \
 *     hz=3 rsuHz=1 payload=300 hears=V2I io=2 seconds=30 warmup=10
 * </pre>
 */
public final class CityAirBenchmark {
    private CityAirBenchmark() {
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
        double hz = Double.parseDouble(a.getOrDefault("hz", "3"));
        double rsuHz = Double.parseDouble(a.getOrDefault("rsuHz", "1"));
        int payload = Integer.parseInt(a.getOrDefault("payload", "300"));
        AirRole.Hears hears = AirRole.Hears.valueOf(a.getOrDefault("hears", "V2I"));
        int io = Integer.parseInt(a.getOrDefault("io", "2"));
        double seconds = Double.parseDouble(a.getOrDefault("seconds", "30"));
        double warmup = Double.parseDouble(a.getOrDefault("warmup", "10"));
        // air = neighbour-directed unicast; group = the multicast mode on lo (every radio receives every frame)
        String mode = a.getOrDefault("mode", "air");
        String group = "239.255.74.9:" + a.getOrDefault("port", "47479");
        long tickNs = 100_000_000L;

        ThreadMXBean tmx = ManagementFactory.getThreadMXBean();
        int threadsAtStart = tmx.getThreadCount();
        String loadStart = Files.readString(Path.of("/proc/loadavg")).strip();
        VirtualAir air = new VirtualAir(io, 0);
        int n = vehicles + rsus;
        SplittableRandom rnd = new SplittableRandom(2026);
        double[] x = new double[n];
        double[] y = new double[n];
        double[] vx = new double[n];
        double[] vy = new double[n];
        long[] nextSend = new long[n];
        List<UdpAirRadio> radios = new ArrayList<>(n);
        LongAdder heard = new LongAdder();
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
            UdpAirRadio r = new UdpAirRadio(Configs.air("radio_id", (rsu ? "rsu" : "v") + i,
                    mode.equals("group") ? "group" : "air", mode.equals("group") ? group : "city",
                    "multicast_interface", mode.equals("group") ? "lo" : "",
                    "address", String.format("02:00:00:%02x:%02x:%02x", i >> 16 & 0xFF, i >> 8 & 0xFF, i & 0xFF),
                    "role", rsu ? AirRole.RSU : AirRole.VEHICLE, "hears", hears, "range_m", range,
                    "path_loss", PathLoss.LOG_DISTANCE), air, java.time.Clock.systemUTC(), new SplittableRandom(i));
            r.updatePosition(state(x[i], y[i]));
            r.subscribe(f -> heard.increment());
            radios.add(r);
            nextSend[i] = t0 + (long) (rnd.nextDouble() * 1e9 / (rsu ? rsuHz : hz)); // spread phases
        }
        long setupNs = System.nanoTime() - t0;
        int threadsWithRadios = tmx.getThreadCount();
        System.out.printf(Locale.ROOT, "city: %d vehicles at %.1f Hz, %d RSUs at %.1f Hz, %.0f m x %.0f m, range %.0f m,"
                + " payload %d octets, hears %s, %d I/O threads, %s mode; set up in %.1f s; threads %d -> %d%n", vehicles,
                hz, rsus, rsuHz, side, side, range, payload, hears, io, mode, setupNs / 1e9, threadsAtStart,
                threadsWithRadios);

        byte[] body = new byte[payload];
        rnd.nextBytes(body);
        long start = System.nanoTime();
        long measureFrom = start + (long) (warmup * 1e9);
        long end = measureFrom + (long) (seconds * 1e9);
        long[] base = null; // sent, datagrams, heard, process CPU ns, driver CPU, I/O CPU, wall, received
        long lateTicks = 0;
        long lateTicks100 = 0;
        long gcBase = 0;
        long ticks = 0;
        long maxLagNs = 0;
        long nextTick = start;
        Thread driver = Thread.currentThread();
        while (true) {
            long now = System.nanoTime();
            if (base == null && now - measureFrom >= 0) {
                base = snapshot(radios, heard, tmx, driver, air);
                lateTicks = 0;
                lateTicks100 = 0;
                gcBase = gcMillis();
                ticks = 0;
                maxLagNs = 0;
            }
            if (now - end >= 0) {
                break;
            }
            // mobility: every vehicle moves and tells its radio (the O(1) directory update)
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
                radios.get(i).updatePosition(state(x[i], y[i]));
            }
            // every frame that is due: a CAM-sized broadcast
            for (int i = 0; i < n; i++) {
                while (nextSend[i] - now <= 0) {
                    UdpAirRadio r = radios.get(i);
                    r.send(new RadioFrame(r.address(), LinkAddress.BROADCAST_MAC, RadioFrame.ETHERTYPE_GEONETWORKING,
                            body, FrameMetadata.NONE));
                    nextSend[i] += (long) (1e9 / (i >= vehicles ? rsuHz : hz));
                }
            }
            ticks++;
            nextTick += tickNs;
            long lag = System.nanoTime() - nextTick;
            if (lag > 0) {
                lateTicks++; // the tick's work overran into the next: not keeping real time
                maxLagNs = Math.max(maxLagNs, lag);
                lateTicks100 += lag > 100_000_000L ? 1 : 0;
            } else {
                LockSupport.parkNanos(-lag);
            }
        }
        long[] fin = snapshot(radios, heard, tmx, driver, air);
        double wall = (fin[6] - base[6]) / 1e9;
        long sent = fin[0] - base[0];
        long datagrams = fin[1] - base[1];
        long delivered = fin[2] - base[2];
        double procCpu = (fin[3] - base[3]) / 1e9;
        double driverCpu = (fin[4] - base[4]) / 1e9;
        double ioCpu = (fin[5] - base[5]) / 1e9;
        long receives = fin[7] - base[7];
        String loadEnd = Files.readString(Path.of("/proc/loadavg")).strip();
        double target = vehicles * hz + rsus * rsuHz;
        System.out.printf(Locale.ROOT, "measured %.1f s (after %.0f s warm-up): frames sent %.0f/s (target %.0f/s),"
                + " datagrams %.0f/s (%.2f per frame), frames delivered %.0f/s%n", wall, warmup, sent / wall, target,
                datagrams / wall, (double) datagrams / sent, delivered / wall);
        System.out.printf(Locale.ROOT, "datagrams read by receivers %.0f/s; process CPU per datagram read %.1f us%n",
                receives / wall, procCpu * 1e6 / receives);
        System.out.printf(Locale.ROOT, "CPU: process %.2f s/s (%.1f us per delivered frame), driver thread (mobility"
                + " + send) %.2f s/s, I/O threads (receive, judge, deliver) %.2f s/s (%.1f us per delivered frame)%n",
                procCpu / wall, procCpu * 1e6 / delivered, driverCpu / wall, ioCpu / wall, ioCpu * 1e6 / delivered);
        System.out.printf(Locale.ROOT, "real time: %d of %d ticks overran (%d by > 100 ms, max lag %.1f ms); GC %d ms;"
                + " threads: %d at start, %d with %d radios, %d now%n", lateTicks, ticks, lateTicks100, maxLagNs / 1e6,
                gcMillis() - gcBase, threadsAtStart, threadsWithRadios, n, tmx.getThreadCount());
        // drain, then datagrams written but never read = lost in socket buffers (air and peers modes)
        long deadline = System.nanoTime() + 5_000_000_000L;
        long written;
        long read;
        do {
            LockSupport.parkNanos(50_000_000L);
            written = radios.stream().mapToLong(r -> r.statistics().datagramsSent()).sum();
            read = radios.stream().mapToLong(r -> r.statistics().received()).sum();
        } while (mode.equals("air") && read < written && System.nanoTime() - deadline < 0);
        long outOfRange = radios.stream().mapToLong(r -> r.statistics().droppedOutOfRange()).sum();
        if (mode.equals("air")) {
            System.out.printf(Locale.ROOT, "whole run: %d datagrams written, %d read (%d lost in socket buffers),"
                    + " %d judged out of range by receivers (moved since the lookup)%n", written, read, written - read,
                    outOfRange);
        } else {
            System.out.printf(Locale.ROOT, "whole run: %d datagrams written to the group, %d read by the radios,"
                    + " %d of them judged out of range%n", written, read, outOfRange);
        }
        String rss = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS"))
                .findFirst().orElse("VmRSS: ?").replaceAll("\\s+", " ");
        System.out.printf(Locale.ROOT, "load average: start %s, end %s; %d cores; %s, heap used %d MiB, open fds %d%n",
                loadStart, loadEnd, Runtime.getRuntime().availableProcessors(), rss,
                (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20,
                Files.list(Path.of("/proc/self/fd")).count());
        radios.forEach(UdpAirRadio::deactivate);
        air.close();
    }

    private static long[] snapshot(List<UdpAirRadio> radios, LongAdder heard, ThreadMXBean tmx, Thread driver,
            VirtualAir air) throws Exception {
        long sent = 0;
        long datagrams = 0;
        long received = 0;
        for (UdpAirRadio r : radios) {
            var s = r.statistics();
            sent += s.sent();
            datagrams += s.datagramsSent();
            received += s.received();
        }
        long io = 0;
        for (Thread t : air.threads()) {
            io += tmx.getThreadCpuTime(t.getId());
        }
        return new long[] {sent, datagrams, heard.sum(), processCpuNs(), tmx.getThreadCpuTime(driver.getId()), io,
                System.nanoTime(), received};
    }

    private static long gcMillis() {
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
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of proc(5)
        return ticks * 10_000_000L;
    }

    /** Metres east/north of 48.137 N 11.575 E as a StationState. */
    static StationState state(double eastM, double northM) {
        double lat = 48.137 + northM / AirDirectory.M_PER_DEG;
        double lon = 11.575 + eastM / (AirDirectory.M_PER_DEG * Math.cos(Math.toRadians(48.137)));
        return new StationState(1, 5, (int) Math.round(lat * 1e7), (int) Math.round(lon * 1e7), true, 0, 0,
                Instant.EPOCH);
    }
}
