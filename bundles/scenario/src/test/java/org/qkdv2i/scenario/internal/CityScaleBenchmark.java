package org.qkdv2i.scenario.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.qkdv2i.kmm.api.VirtualLink;
import org.qkdv2i.qkd.api.LinkState;
import org.qkdv2i.scenario.internal.model.CityGenerator;
import org.qkdv2i.scenario.internal.model.Scenario;
import org.qkdv2i.scenario.internal.model.ScenarioParser;
import org.qkdv2i.scenario.internal.sim.SimClock;

/**
 * The engine's own cost at scale (a main, not a test): the generated city (default 50 RSUs, 1,000
 * vehicles) played by the real {@link CityEngine} at a given speed for a given wall time, with
 * FAKE devices ({@link FakeDevices}: DPN sessions, stacks and radios cost next to nothing) and
 * fake KMMs, so what is measured is the engine's tick — mobility, serving RSU, radio positions,
 * session bookkeeping, handovers, counters — and not the devices'. Prints the CPU of the engine's
 * threads ({@code city-*}) per simulated second, the simulated/wall ratio reached and the
 * engine's thread count.
 *
 * <pre>
 * cd bundles/scenario && mvn -B -q -o dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp target/test-classes:target/classes:$(cat target/cp.txt) org.qkdv2i.scenario.internal.CityScaleBenchmark 50 1000 10 60
 * </pre>
 */
public final class CityScaleBenchmark {

    public static void main(String[] args) throws Exception {
        int rsus = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int vehicles = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        double speed = args.length > 2 ? Double.parseDouble(args[2]) : 10;
        int wallSeconds = args.length > 3 ? Integer.parseInt(args[3]) : 60;
        Scenario scenario = ScenarioParser.parse(CityGenerator.generate(rsus, vehicles, 1, 100_000, speed));
        Map<UUID, byte[]> network = new ConcurrentHashMap<>();
        Services services = new Services();
        for (Scenario.Node n : scenario.nodes()) {
            services.kmms.put(n.id(), new FakeKmm(n.id(), scenario, network, link -> LinkState.UP));
            services.routes.put(n.id(), new CityEngineTest.FakeRoutes(n.id()));
        }
        CityEngine.Controller controller = (id, ss, sn, cs, cn, prio) -> {
            // the path E-A-B-C-F at every hop, as the controller puts it through the agents
            String[] p = sn.equals("E") ? new String[] { "E", "A", "B", "C", "F" } : new String[] { "F", "C", "B", "A", "E" };
            for (int i = 0; i < p.length; i++) {
                ((CityEngineTest.FakeRoutes) services.routes.get(p[i])).links.add(new VirtualLink(id, sn, cn,
                        i == 0 ? null : p[i - 1], i == p.length - 1 ? null : p[i + 1]));
            }
        };
        FakeDevices devices = new FakeDevices(services.kmms);
        devices.device("bs-E", false);
        devices.device("bs-F", false);
        devices.quantum("bs-E", "E", "HO-E", Map.of("bs-F", "HO-F"));
        devices.quantum("bs-F", "F", "HO-F", Map.of("bs-E", "HO-E"));
        scenario.rsus().forEach(r -> devices.device(r.id(), true));
        scenario.vehicles().forEach(v -> devices.device(v.id(), true));
        Path home = Files.createTempDirectory("city-scale");
        CityEngine engine = new CityEngine(null, new CityEngineTest.FakeCm().proxy(), scenario, services, speed, home, 0,
                1000, SimClock::wall, controller, devices);
        engine.start();
        while (!engine.ready()) {
            Thread.sleep(50);
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long cpu0 = engineCpu(mx);
        double sim0 = engine.simSeconds();
        long wall0 = System.nanoTime();
        Thread.sleep(wallSeconds * 1000L);
        long cpu = engineCpu(mx) - cpu0;
        double sim = engine.simSeconds() - sim0;
        double wall = (System.nanoTime() - wall0) / 1e9;
        Report r = engine.report();
        long threads = java.util.Arrays.stream(mx.getThreadInfo(mx.getAllThreadIds())).filter(t -> t != null
                && t.getThreadName().startsWith("city-")).count();
        System.out.printf(java.util.Locale.ROOT, "%d RSUs, %d vehicles, speed %.0f: %.0f simulated s in %.1f wall s;"
                + " engine CPU %.2f s = %.1f ms per simulated s (%.3f cores at 1x); handovers %d (same key %d);"
                + " serving sessions %d; engine threads %d%n", rsus, vehicles, speed, sim, wall, cpu / 1e9,
                cpu / 1e6 / sim, cpu / 1e9 / sim, r.handovers().size(),
                r.handovers().stream().filter(Report.Handover::sameKey).count(), r.dpnSessionsOpened(), threads);
        engine.close();
        System.exit(0);
    }

    private static long engineCpu(ThreadMXBean mx) {
        long sum = 0;
        for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (t != null && t.getThreadName().startsWith("city-")) {
                long c = mx.getThreadCpuTime(t.getThreadId());
                sum += Math.max(0, c);
            }
        }
        return sum;
    }
}
