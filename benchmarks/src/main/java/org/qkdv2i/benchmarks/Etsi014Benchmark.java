package org.qkdv2i.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import org.qkdv2i.harness.EtsiClient;
import org.qkdv2i.harness.NodeProcess;
import org.qkdv2i.harness.TestNetwork;

/**
 * ETSI 014 key delivery under load, against a bare TLS endpoint as the yardstick.
 *
 * <p>Starts nodes A and B (test-driver link, pools pre-filled), and a {@link BareTlsServer},
 * each as its own JVM. For 1, 16 and 64 concurrent SAE clients (one HTTP/1.1 connection
 * each, the JDK HTTP client) one iteration is {@code enc_keys} (one 256-bit key) at KME A
 * followed by {@code dec_keys} of that key at KME B; against the bare endpoint the same client
 * code makes the same two POSTs. Also reports the mean time of each call, node start-up time and
 * heap with 100,000 stored keys.
 *
 * <p>Run: see docs/benchmarks.md.
 */
public final class Etsi014Benchmark {

    private static final int[] CLIENTS = java.util.Arrays.stream(System.getProperty("bench.clients", "1,16,64")
            .split(",")).mapToInt(c -> Integer.parseInt(c.trim())).toArray();

    private Etsi014Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        Duration run = Duration.ofSeconds(Long.getLong("bench.seconds", 10));
        Duration warmup = Duration.ofSeconds(Long.getLong("bench.warmup", 60));
        Path work;
        try (TestNetwork net = TestNetwork.fromSystemProperties("bench")) {
            work = net.work();
            net.node("A").node("B").sae("SAE-A", "A").sae("SAE-B", "B").link("A", "B")
                    .keySupply(65536, Integer.getInteger("bench.blocksPerSecond", 20))
                    .poolCapacity(200_000); // 100,000 per direction: a buffer if the KME serves faster than the link refills
            for (int c : CLIENTS) {
                for (int i = 0; i < c; i++) {
                    net.sae("SAE-A" + i, "A").sae("SAE-B" + i, "B");
                }
            }
            net.start();
            System.out.printf("node start to ETSI 014 port open: A %d ms, B %d ms%n",
                    net.get("A").startupTime().toMillis(), net.get("B").startupTime().toMillis());
            net.awaitStoredKeys("SAE-A", "SAE-B", 40_000, Duration.ofMinutes(3));
            heapReport(net);

            int barePort = freePort();
            Process bare = startBare(net.pki(), barePort);
            List<String> phaseLines = new ArrayList<>();
            try {
                System.out.println();
                System.out.println("| clients | KME iter/s | KME p50 ms | KME p99 ms | bare iter/s | bare p50 ms | bare p99 ms | ratio |");
                System.out.println("|---|---|---|---|---|---|---|---|");
                for (int c : CLIENTS) {
                    Result kme = load(c, warmup, run, i -> kmeIteration(net, i), KME_PHASES);
                    Result ref = load(c, warmup, run, i -> bareIteration(net, barePort, i), BARE_PHASES);
                    System.out.printf("| %d | %.0f | %.2f | %.2f | %.0f | %.2f | %.2f | %.2f |%n", c, kme.rate, kme.p50,
                            kme.p99, ref.rate, ref.p50, ref.p99, kme.rate / ref.rate);
                    phaseLines.add(String.format("%d clients: KME %s; bare %s", c, KME_PHASES.summary(),
                            BARE_PHASES.summary()));
                    if (kme.errors > 0 || ref.errors > 0) {
                        System.out.printf("  (errors: KME %d, bare %d)%n", kme.errors, ref.errors);
                    }
                }
                System.out.println();
                phaseLines.forEach(System.out::println);
            } finally {
                bare.destroy();
                bare.waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (!Boolean.getBoolean("bench.keep")) { // the nodes' stores: hundreds of MB per run
            try (java.util.stream.Stream<Path> files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** One SAE client: makes one iteration and returns normally, or throws on failure. */
    interface Iteration {
        void run() throws Exception;
    }

    interface IterationFactory {
        Iteration create(int client) throws Exception;
    }

    record Result(double rate, double p50, double p99, long errors) {
    }

    private static Iteration kmeIteration(TestNetwork net, int i) throws Exception {
        return iteration(net.client("SAE-A" + i), net.client("SAE-B" + i), i, KME_PHASES);
    }

    /** The same client code as the KME iteration (same JSON parsing), against the bare endpoint. */
    private static Iteration bareIteration(TestNetwork net, int port, int i) throws Exception {
        char[] pw = "qkdv2i-dev".toCharArray();
        Path ca = net.pki().resolve("ca.pem");
        return iteration(new EtsiClient(net.pki().resolve("sae-SAE-A" + i + ".p12"), pw, ca, port),
                new EtsiClient(net.pki().resolve("sae-SAE-B" + i + ".p12"), pw, ca, port), i, BARE_PHASES);
    }

    /** Time spent in enc_keys and in dec_keys while measuring, to tell where an iteration waits. */
    static final class Phases {
        final LongAdder enc = new LongAdder();
        final LongAdder dec = new LongAdder();
        final LongAdder n = new LongAdder();
        volatile boolean on;

        void reset(boolean measuring) {
            enc.reset();
            dec.reset();
            n.reset();
            on = measuring;
        }

        String summary() {
            long k = Math.max(1, n.sum());
            return String.format("enc_keys %.2f ms, dec_keys %.2f ms (mean)", enc.sum() / 1e6 / k, dec.sum() / 1e6 / k);
        }
    }

    static final Phases KME_PHASES = new Phases();
    static final Phases BARE_PHASES = new Phases();

    private static Iteration iteration(EtsiClient master, EtsiClient slave, int i, Phases phases) {
        return () -> {
            long t0 = System.nanoTime();
            EtsiClient.Response enc = master.encKeys("SAE-B" + i, 1, 256);
            if (enc.status() != 200) {
                throw new IOException("enc_keys " + enc.status() + " " + enc.body());
            }
            long t1 = System.nanoTime();
            EtsiClient.Response dec = slave.decKeys("SAE-A" + i, List.of(enc.keys().get(0).id()));
            if (dec.status() != 200) {
                throw new IOException("dec_keys " + dec.status() + " " + dec.body());
            }
            if (phases.on) {
                phases.enc.add(t1 - t0);
                phases.dec.add(System.nanoTime() - t1);
                phases.n.increment();
            }
        };
    }

    private static Result load(int clients, Duration warmup, Duration run, IterationFactory factory, Phases phases)
            throws Exception {
        List<Iteration> iterations = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            iterations.add(factory.create(i));
        }
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        long[][] latencies = new long[clients][];
        int[] counts = new int[clients];
        long[] errors = new long[clients];
        String[] firstError = new String[1];
        CountDownLatch done = new CountDownLatch(clients);
        for (int c = 0; c < clients; c++) {
            final int id = c;
            Thread t = new Thread(() -> {
                long[] lat = new long[1 << 16];
                int n = 0;
                try {
                    while (!stop.get()) {
                        long t0 = System.nanoTime();
                        try {
                            iterations.get(id).run();
                        } catch (Exception e) {
                            if (measuring.get()) {
                                errors[id]++;
                                synchronized (firstError) {
                                    if (firstError[0] == null) {
                                        firstError[0] = e.getMessage();
                                    }
                                }
                            }
                            continue;
                        }
                        if (measuring.get()) {
                            if (n == lat.length) {
                                lat = Arrays.copyOf(lat, n * 2);
                            }
                            lat[n++] = System.nanoTime() - t0;
                        }
                    }
                } finally {
                    latencies[id] = lat;
                    counts[id] = n;
                    done.countDown();
                }
            }, "sae-client-" + c);
            t.start();
        }
        TimeUnit.MILLISECONDS.sleep(warmup.toMillis()); // warm-up period of the load, not synchronisation
        measuring.set(true);
        phases.reset(true);
        long start = System.nanoTime();
        TimeUnit.MILLISECONDS.sleep(run.toMillis());
        measuring.set(false);
        phases.on = false;
        long elapsed = System.nanoTime() - start;
        stop.set(true);
        done.await(60, TimeUnit.SECONDS);
        long total = Arrays.stream(counts).sum();
        long[] all = new long[(int) total];
        int k = 0;
        for (int c = 0; c < clients; c++) {
            System.arraycopy(latencies[c], 0, all, k, counts[c]);
            k += counts[c];
        }
        Arrays.sort(all);
        double p50 = all.length == 0 ? Double.NaN : all[(int) (all.length * 0.50)] / 1e6;
        double p99 = all.length == 0 ? Double.NaN : all[Math.min(all.length - 1, (int) (all.length * 0.99))] / 1e6;
        if (firstError[0] != null) {
            System.out.println("  first error: " + firstError[0]);
        }
        return new Result(total / (elapsed / 1e9), p50, p99, Arrays.stream(errors).sum());
    }

    private static void heapReport(TestNetwork net) throws Exception {
        NodeProcess a = net.get("A");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        long stored;
        while ((stored = storedAtA(net)) < 100_000 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(500); // polling the pool level, not synchronising
        }
        run("jcmd", String.valueOf(a.pid()), "GC.run");
        String info = run("jcmd", String.valueOf(a.pid()), "GC.heap_info");
        System.out.printf("node A holds %d stored keys; heap after full GC:%n%s%n", stored, info.strip());
    }

    private static long storedAtA(TestNetwork net) throws Exception {
        // own half for SAE-A plus the half reserved for B's masters (B's own half)
        return net.client("SAE-A").status("SAE-B").body().get("stored_key_count").asLong()
                + net.client("SAE-B").status("SAE-A").body().get("stored_key_count").asLong();
    }

    private static Process startBare(Path pki, int port) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                BareTlsServer.class.getName(), pki.toString(), "A", String.valueOf(port))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120); // generous: the host may be busy
        while (System.nanoTime() < deadline) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return p;
            } catch (IOException notYet) {
                p.waitFor(50, TimeUnit.MILLISECONDS);
            }
        }
        throw new IllegalStateException("bare TLS endpoint did not start");
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(60, TimeUnit.SECONDS);
        return out;
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
