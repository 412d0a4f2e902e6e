package org.qkdv2i.benchmarks.sdn;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import org.qkdv2i.sdn.controller.internal.graph.Network;
import org.qkdv2i.sdn.controller.internal.graph.RerouteEvent;

/**
 * Companion to the JMH benchmarks for a shared machine: the same workloads timed by wall clock
 * and by this thread's CPU time (ThreadMXBean), so the figure that is the code's own cost is not
 * hidden by other processes on the two cores. Prints Markdown tables.
 */
public final class SdnControllerCpuTime {

    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    private SdnControllerCpuTime() {
    }

    public static void main(String[] args) throws Exception {
        Network empty = CityScenario.mesh();
        Network loaded = CityScenario.randomApps(10_000, 1).network;
        System.out.println("| path computation, 1,000 nodes / 3,000 links | paths | wall µs/path | CPU µs/path | max wall µs |");
        System.out.println("|---|---|---|---|---|");
        for (int round = 0; round < 3; round++) { // rounds 0-1 warm the JIT
            paths(round == 2 ? "empty mesh" : null, empty, 20_000);
            paths(round == 2 ? "10,000 apps provisioned" : null, loaded, 20_000);
        }
        System.out.println();
        CityScenario.Crossing crossing = CityScenario.crossing(120);
        System.out.println("| reroute after one link failure, 10,000 apps | relay paths moved | apps moved | wall ms | CPU ms |");
        System.out.println("|---|---|---|---|---|");
        for (int round = 0; round < 4; round++) { // round 0 warms the JIT
            reroute(round >= 1, "all apps cross the link", CityScenario.allCrossing(10_000, crossing));
            reroute(round >= 1, "random pairs, busiest link", CityScenario.randomApps(10_000, 1000 + round));
        }
        System.out.println();
        System.out.println("| every relay path recomputed (rebalance(true)), 10,000 apps on random pairs | relay paths | moved | wall ms | CPU ms |");
        System.out.println("|---|---|---|---|---|");
        for (int round = 0; round < 3; round++) {
            CityScenario city = CityScenario.randomApps(10_000, 2000 + round);
            int relayPaths = city.network.relayPaths().size();
            long wall0 = System.nanoTime();
            long cpu0 = MX.getCurrentThreadCpuTime();
            List<RerouteEvent> events = city.network.rebalance(true);
            long cpu = MX.getCurrentThreadCpuTime() - cpu0;
            long wall = System.nanoTime() - wall0;
            if (round >= 1) {
                System.out.printf(Locale.ROOT, "| seed %d | %d | %d | %.1f | %.1f |%n", 2000 + round, relayPaths,
                        events.size(), wall / 1e6, cpu / 1e6);
            }
        }
    }

    private static void paths(String label, Network net, int n) {
        SplittableRandom rnd = new SplittableRandom(7);
        long max = 0;
        long wall0 = System.nanoTime();
        long cpu0 = MX.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) {
            int a = rnd.nextInt(CityScenario.NODES);
            int b = (a + 1 + rnd.nextInt(CityScenario.NODES - 1)) % CityScenario.NODES;
            long t = System.nanoTime();
            if (net.path("N" + a, "N" + b, 256, i & 3) == null) {
                throw new IllegalStateException("no path N" + a + " N" + b);
            }
            max = Math.max(max, System.nanoTime() - t);
        }
        long cpu = MX.getCurrentThreadCpuTime() - cpu0;
        long wall = System.nanoTime() - wall0;
        if (label != null) {
            System.out.printf(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.0f |%n", label, n, wall / 1e3 / n, cpu / 1e3 / n,
                    max / 1e3);
        }
    }

    private static void reroute(boolean print, String label, CityScenario city) {
        int relayPaths = city.relayPathsAffected();
        city.fail();
        long wall0 = System.nanoTime();
        long cpu0 = MX.getCurrentThreadCpuTime();
        List<RerouteEvent> events = city.network.reroute();
        long cpu = MX.getCurrentThreadCpuTime() - cpu0;
        long wall = System.nanoTime() - wall0;
        int moved = 0;
        for (RerouteEvent e : events) {
            moved += e.apps().size();
        }
        if (print) {
            System.out.printf(Locale.ROOT, "| %s (link %s) | %d of %d | %d of %d | %.1f | %.1f |%n", label,
                    city.failingLink, events.size(), relayPaths, moved, city.affected, wall / 1e6, cpu / 1e6);
        }
    }
}
