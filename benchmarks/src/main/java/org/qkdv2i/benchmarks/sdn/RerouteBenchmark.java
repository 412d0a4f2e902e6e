package org.qkdv2i.benchmarks.sdn;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.qkdv2i.sdn.controller.internal.graph.RerouteEvent;

/**
 * Issue 4, target &lt; 5 s: rerouting after a link failure with 10,000 applications provisioned
 * on the city mesh (1,000 nodes, 3,000 links). One invocation = {@code Network.reroute()} after
 * the link went DOWN: find the broken relay paths, release their reservations, compute a new
 * path for each (highest priority first), reserve, queue the old VIRT links for deletion.
 * Every iteration starts from a freshly provisioned network (setup not timed).
 * <ul>
 * <li>{@code ALL_CROSSING}: all 10,000 applications cross the failing link — every one moves
 * (they ride the relay paths of the node pairs that cross it, see {@link CityScenario});</li>
 * <li>{@code BUSIEST_LINK}: applications on random pairs, the busiest link fails;</li>
 * <li>{@code REBALANCE_ALL}: no failure; {@code Network.rebalance(true)} recomputes the path of
 * every one of the 10,000 relay paths (random pairs): the cost of a failure that would touch
 * every relay path, which no single link of this mesh does.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgs = {"-Xms2g", "-Xmx2g"})
public class RerouteBenchmark {

    @Param({"ALL_CROSSING", "BUSIEST_LINK", "REBALANCE_ALL"})
    public String scenario;

    private CityScenario city;
    private CityScenario.Crossing crossing;
    private long iteration;

    @Setup(Level.Trial)
    public void pairs() {
        crossing = "ALL_CROSSING".equals(scenario) ? CityScenario.crossing(120) : null;
    }

    @Setup(Level.Iteration)
    public void setup() throws Exception {
        city = crossing != null ? CityScenario.allCrossing(10_000, crossing)
                : CityScenario.randomApps(10_000, 1000 + iteration++);
        if (!"REBALANCE_ALL".equals(scenario)) {
            city.fail();
        }
    }

    @Benchmark
    public List<RerouteEvent> rerouteAfterLinkFailure() {
        if ("REBALANCE_ALL".equals(scenario)) {
            return city.network.rebalance(true);
        }
        List<RerouteEvent> events = city.network.reroute();
        if (events.size() < Math.min(city.affected, 1)) {
            throw new IllegalStateException("nothing rerouted");
        }
        return events;
    }
}
