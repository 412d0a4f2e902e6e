package org.qkdv2i.benchmarks.sdn;

import java.util.SplittableRandom;
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
import org.qkdv2i.sdn.controller.internal.graph.Network;
import org.qkdv2i.sdn.controller.internal.graph.Path;

/**
 * Issue 4, target &lt; 50 ms: the controller's path computation for one application on the city
 * mesh of 1,000 nodes and 3,000 links (key-availability and priority weighted Dijkstra, as
 * {@code Network.path} runs it under the model's lock). Each invocation takes the next of 4,096
 * random node pairs and priorities 0–3. {@code loaded}: the mesh already carries 10,000
 * provisioned applications (their demand reserved on the links), as after a day of operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"})
public class PathComputationBenchmark {

    @Param({"false", "true"})
    public boolean loaded;

    private Network network;
    private String[] from;
    private String[] to;
    private int next;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        network = loaded ? CityScenario.randomApps(10_000, 1).network : CityScenario.mesh();
        SplittableRandom rnd = new SplittableRandom(99);
        from = new String[4096];
        to = new String[4096];
        for (int i = 0; i < from.length; i++) {
            int a = rnd.nextInt(CityScenario.NODES);
            int b;
            do {
                b = rnd.nextInt(CityScenario.NODES);
            } while (b == a);
            from[i] = "N" + a;
            to[i] = "N" + b;
        }
    }

    @Benchmark
    public Path pathForOneApplication() {
        int i = next++ & 4095;
        return network.path(from[i], to[i], 256, i & 3);
    }
}
