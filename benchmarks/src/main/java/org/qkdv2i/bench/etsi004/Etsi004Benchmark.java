package org.qkdv2i.bench.etsi004;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.StringRequestContent;
import org.qkdv2i.kmm.etsi004.internal.Etsi004Server;
import org.qkdv2i.kmm.internal.core.Directory;
import org.qkdv2i.kmm.internal.core.KmmCore;
import org.qkdv2i.kmm.internal.core.KmmSettings;
import org.qkdv2i.kmm.internal.core.PeerTransport.PeerException;
import org.qkdv2i.kmm.internal.core.Qos;
import org.qkdv2i.kmm.internal.peer.HttpsPeerTransport;
import org.qkdv2i.kmm.internal.peer.PeerServer;
import org.qkdv2i.kmm.internal.stream.StreamCore;
import org.qkdv2i.qkd.api.KeyBlock;
import org.qkdv2i.qkd.api.LinkEnd;
import org.qkdv2i.qkd.api.QkdRole;
import org.qkdv2i.tls.BcNodeTls;
import org.qkdv2i.tls.DevPki;
import org.qkdv2i.tls.JettyTls;
import org.qkdv2i.tls.NodeTls;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * ETSI GS QKD 004 GET_KEY latency (p50/p99) and keys/s per stream with N streams at once (issue 9).
 *
 * <p>Two KMM nodes A and B in this JVM (key cores with their stores, the HTTPS peer channel with mutual
 * TLS, key streams, the ETSI 004 HTTPS server each), dev PKI certificates, link L-AB pre-filled with
 * stored keys and synced (so keys take the fast delivery path). SAE {@code sa} at A opens N streams to
 * {@code sb} at B; per stream one source thread (GET_KEY at A) and one destination thread (GET_KEY at B)
 * fetch the next index in a loop over real HTTPS; every index is checked to carry the same key at both
 * ends. Keys of 32 bytes (one stored key of 256 bits per index).
 *
 * <pre>
 * java -cp 'target/classes:target/lib/*' org.qkdv2i.bench.etsi004.Etsi004Benchmark [streams=1,32] [seconds=10] [warmup=5]
 * </pre>
 */
public final class Etsi004Benchmark {

    static final char[] PW = DevPki.DEFAULT_PASSWORD.toCharArray();
    static final ObjectMapper M = new ObjectMapper();
    static final String QOS = "{\"key_chunk_size\":32,\"timeout\":2000}";
    static final String LINK = "L-AB";
    /** How far (indexes) one end of a stream may run ahead of the other. */
    static final int LEAD = 64;

    private final List<AutoCloseable> closers = new ArrayList<>();
    private KmmCore coreA;
    private KmmCore coreB;
    private HttpsPeerTransport clientA;
    private HttpsPeerTransport clientB;
    private String urlA;
    private String urlB;
    private HttpClient sa;
    private HttpClient sb;

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new java.util.HashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            opt.put(eq < 0 ? a : a.substring(0, eq), eq < 0 ? "" : a.substring(eq + 1));
        }
        int[] streams = Arrays.stream(opt.getOrDefault("streams", "1,32").split(",")).mapToInt(Integer::parseInt)
                .toArray();
        int seconds = Integer.parseInt(opt.getOrDefault("seconds", "10"));
        int warmup = Integer.parseInt(opt.getOrDefault("warmup", "5"));
        Etsi004Benchmark b = new Etsi004Benchmark();
        try {
            b.start(Files.createTempDirectory("etsi004-bench"));
            System.out.printf("machine: %d CPUs, %s %s, max heap %d MB%n", Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.vm.name"), System.getProperty("java.version"),
                    Runtime.getRuntime().maxMemory() >> 20);
            // warm-up with the most streams: opens every TLS connection (clients and peer channel) and JITs
            b.run(Arrays.stream(streams).max().orElse(1), warmup, false);
            System.out.println("| streams | GET_KEYs | source p50 / p99 ms | destination p50 / p99 ms "
                    + "| keys/s per stream (min / median / max) | keys/s total | CPU ms per index: process / Java threads |");
            System.out.println("|---|---|---|---|---|---|---|");
            for (int n : streams) {
                b.run(n, seconds, true);
            }
        } finally {
            b.close();
        }
    }

    void start(Path dir) throws Exception {
        Path pki = dir.resolve("pki");
        DevPki.init(pki, List.of("A", "B"), List.of("sa", "sb"), PW);
        NodeTls tlsA = BcNodeTls.load("A", pki.resolve("node-A.p12"), PW, pki.resolve("ca.pem"), null, null);
        NodeTls tlsB = BcNodeTls.load("B", pki.resolve("node-B.p12"), PW, pki.resolve("ca.pem"), null, null);
        Directory saes = new Directory() {
            @Override
            public Map<String, String> saes() {
                return Map.of("sa", "A", "sb", "B");
            }

            @Override
            public Optional<Qos> qos(String m, String s) {
                return Optional.empty();
            }
        };
        coreA = core("A", dir, saes);
        coreB = core("B", dir, saes);
        StreamCore streamsA = new StreamCore(coreA, () -> clientA, () -> 5000, Clock.systemUTC());
        StreamCore streamsB = new StreamCore(coreB, () -> clientB, () -> 5000, Clock.systemUTC());
        closers.add(streamsA);
        closers.add(streamsB);
        PeerServer peerA = peer(tlsA, "B", coreA, streamsA);
        PeerServer peerB = peer(tlsB, "A", coreB, streamsB);
        Map<String, String> toB = Map.of("B", "https://127.0.0.1:" + peerB.port());
        Map<String, String> toA = Map.of("A", "https://127.0.0.1:" + peerA.port());
        clientA = new HttpsPeerTransport(tlsA, () -> toB);
        clientB = new HttpsPeerTransport(tlsB, () -> toA);
        closers.add(clientA);
        closers.add(clientB);
        coreA.setTransport(clientA);
        coreB.setTransport(clientB);
        urlA = "https://localhost:" + server("A", tlsA, streamsA) + "/etsi004/v1/";
        urlB = "https://localhost:" + server("B", tlsB, streamsB) + "/etsi004/v1/";
        // 1,600 blocks of 256 stored keys: 200,000 stored keys in A's half and in B's (the pool holds
        // 400,000). No driver refills it: an idle host draws ~2,500 keys/s with 32 streams, so 50,000 ran
        // dry within the default run (warm-up 10 s + 20 s per stream count) and GET_KEY timed out (status 6)
        SecureRandom rnd = new SecureRandom();
        for (int i = 0; i < 1600; i++) {
            byte[] block = new byte[32 * 256];
            rnd.nextBytes(block);
            UUID id = UUID.randomUUID();
            Instant t = Instant.now().minusSeconds(10);
            coreA.keyBlock(new LinkEnd(LINK, "A", "B", QkdRole.TRANSMITTER), new KeyBlock(id, block.clone(), t, 0, 0));
            coreB.keyBlock(new LinkEnd(LINK, "B", "A", QkdRole.RECEIVER), new KeyBlock(id, block, t, 0, 0));
        }
        // confirms A's stored keys at B (fast delivery from the first request); again if a busy host timed one out
        for (int attempt = 0; attempt < 5; attempt++) {
            if (coreA.syncAll().stream().allMatch(KmmCore.SyncResult::complete)
                    & coreB.syncAll().stream().allMatch(KmmCore.SyncResult::complete)) {
                break;
            }
        }
        System.out.printf("link %s: A holds %d own stored keys%n", LINK, coreA.pools().get(0).ownKeys());
        sa = client(pki, "sa");
        sb = client(pki, "sb");
    }

    private KmmCore core(String id, Path dir, Directory saes) throws Exception {
        byte[] kek = new byte[32];
        new SecureRandom().nextBytes(kek);
        KmmCore c = new KmmCore(KmmSettings.defaults(id).withPeer(5000, 0).withCapacity(400_000, 100), dir.resolve(id), kek, saes,
                Clock.systemUTC(), new SecureRandom(), e -> { });
        Arrays.fill(kek, (byte) 0);
        closers.add(c);
        return c;
    }

    private PeerServer peer(NodeTls tls, String peerId, KmmCore core, StreamCore streams) throws Exception {
        PeerServer p = new PeerServer(tls, "127.0.0.1", 0, () -> Set.of(peerId),
                PeerServer.Endpoint.withStreams(PeerServer.Endpoint.of(core, (c, l, m) -> {
                    throw new PeerException("no drivers in the benchmark", true);
                }), streams::fromPeer));
        p.start();
        closers.add(p);
        return p;
    }

    private int server(String id, NodeTls tls, StreamCore streams) throws Exception {
        Etsi004Server s = new Etsi004Server(id, tls, () -> streams,
                new Etsi004Server.Settings("127.0.0.1", 0, 16384, 8, 200, 30_000));
        s.start();
        closers.add(s::stop);
        return s.port();
    }

    private static HttpClient client(Path pki, String sae) throws Exception {
        NodeTls tls = BcNodeTls.load(sae, pki.resolve("sae-" + sae + ".p12"), PW, pki.resolve("ca.pem"), null, null);
        HttpClient c = new HttpClient();
        c.setSslContextFactory(JettyTls.clientFactory(tls));
        c.setMaxConnectionsPerDestination(128);
        c.start();
        return c;
    }

    private static JsonNode post(HttpClient c, String url, String json) throws Exception {
        ContentResponse r = c.POST(url).body(new StringRequestContent("application/json", json))
                .timeout(30, TimeUnit.SECONDS).send();
        if (r.getStatus() != 200) {
            throw new IllegalStateException(url + " answered " + r.getStatus() + ": " + r.getContentAsString());
        }
        return M.readTree(r.getContent());
    }

    private String open() throws Exception {
        JsonNode o = post(sa, urlA + "open_connect",
                "{\"source\":\"sae:sa\",\"destination\":\"sae:sb\",\"qos\":" + QOS + "}");
        String ksid = o.get("key_stream_id").asText();
        JsonNode j = post(sb, urlB + "open_connect",
                "{\"source\":\"sae:sa\",\"destination\":\"sae:sb\",\"qos\":" + QOS + ",\"key_stream_id\":\"" + ksid
                        + "\"}");
        if (j.get("status").asInt() != 0) {
            throw new IllegalStateException("destination could not join: " + j);
        }
        return ksid;
    }

    /** One end of one stream: fetches the next index in a loop, records latencies and key hashes. */
    private final class End implements Runnable {
        final HttpClient client;
        final String url;
        final String body;
        final AtomicBoolean stop;
        final CountDownLatch go;
        long[] nanos = new long[1 << 14];
        final List<Integer> hashes = new ArrayList<>();
        volatile int n;
        End other;
        volatile Exception failure;

        End(HttpClient client, String url, String ksid, AtomicBoolean stop, CountDownLatch go) {
            this.client = client;
            this.url = url;
            this.body = "{\"key_stream_id\":\"" + ksid + "\"}";
            this.stop = stop;
            this.go = go;
        }

        @Override
        public void run() {
            try {
                go.await();
                while (!stop.get()) {
                    // the two applications of a stream use keys together: an end runs at most LEAD indexes ahead
                    while (n - other.n > LEAD && !stop.get() && other.failure == null) {
                        java.util.concurrent.locks.LockSupport.parkNanos(200_000);
                    }
                    if (stop.get()) {
                        break;
                    }
                    long t0 = System.nanoTime();
                    JsonNode r = post(client, url, body);
                    long dt = System.nanoTime() - t0;
                    if (r.get("status").asInt() != 0) {
                        throw new IllegalStateException("GET_KEY status " + r.get("status").asInt());
                    }
                    if (r.get("index").asLong() != n) {
                        throw new IllegalStateException("expected index " + n + ", got " + r.get("index"));
                    }
                    byte[] key = Base64.getDecoder().decode(r.get("key_buffer").asText());
                    hashes.add(Arrays.hashCode(key)); // to compare the ends; the key itself is dropped
                    Arrays.fill(key, (byte) 0);
                    if (n == nanos.length) {
                        nanos = Arrays.copyOf(nanos, n * 2);
                    }
                    nanos[n++] = dt;
                }
            } catch (Exception e) {
                failure = e;
            }
        }
    }

    void run(int streams, int seconds, boolean report) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            ids.add(open());
        }
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch go = new CountDownLatch(1);
        List<End[]> ends = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (String id : ids) {
            End src = new End(sa, urlA + "get_key", id, stop, go);
            End dst = new End(sb, urlB + "get_key", id, stop, go);
            src.other = dst;
            dst.other = src;
            ends.add(new End[] { src, dst });
            for (End e : new End[] { src, dst }) {
                Thread t = new Thread(e, "bench-" + id.substring(0, 8));
                t.start();
                threads.add(t);
            }
        }
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory
                .getOperatingSystemMXBean();
        java.lang.management.ThreadMXBean tmx = ManagementFactory.getThreadMXBean();
        long cpu0 = os.getProcessCpuTime();
        long app0 = threadCpu(tmx);
        long t0 = System.nanoTime();
        go.countDown();
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds)); // the measuring window
        long app = threadCpu(tmx) - app0;
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        long cpu = os.getProcessCpuTime() - cpu0;
        List<Long> src = new ArrayList<>();
        List<Long> dst = new ArrayList<>();
        List<Double> perStream = new ArrayList<>();
        long indexes = 0;
        for (End[] e : ends) {
            for (End x : e) {
                if (x.failure != null) {
                    throw new IllegalStateException("a stream end failed", x.failure);
                }
            }
            int both = Math.min(e[0].n, e[1].n);
            for (int i = 0; i < both; i++) {
                if (!e[0].hashes.get(i).equals(e[1].hashes.get(i))) {
                    throw new IllegalStateException("index " + i + ": the two ends got different keys");
                }
            }
            for (int i = 0; i < e[0].n; i++) {
                src.add(e[0].nanos[i]);
            }
            for (int i = 0; i < e[1].n; i++) {
                dst.add(e[1].nanos[i]);
            }
            perStream.add(both / wall);
            indexes += both;
        }
        for (String id : ids) {
            post(sa, urlA + "close", "{\"key_stream_id\":\"" + id + "\"}");
        }
        if (!report) {
            System.out.printf("warm-up: %d streams, %d s, %d indexes%n", streams, seconds, indexes);
            return;
        }
        src.sort(null);
        dst.sort(null);
        perStream.sort(null);
        System.out.printf("| %d | %d | %.2f / %.2f | %.2f / %.2f | %.0f / %.0f / %.0f | %.0f | %.2f / %.2f |%n", streams,
                src.size() + dst.size(), ms(src, 0.50), ms(src, 0.99), ms(dst, 0.50), ms(dst, 0.99),
                perStream.get(0), perStream.get(perStream.size() / 2), perStream.get(perStream.size() - 1),
                indexes / wall, indexes == 0 ? 0 : cpu / 1e6 / indexes, indexes == 0 ? 0 : app / 1e6 / indexes);
    }

    /** CPU time of the live Java threads (the KMMs, servers, clients; not the JIT compiler or GC), ns. */
    private static long threadCpu(java.lang.management.ThreadMXBean tmx) {
        long sum = 0;
        for (long id : tmx.getAllThreadIds()) {
            long t = tmx.getThreadCpuTime(id);
            if (t > 0) {
                sum += t;
            }
        }
        return sum;
    }

    private static double ms(List<Long> sorted, double q) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(q * sorted.size()))) / 1e6;
    }

    void close() {
        for (HttpClient c : new HttpClient[] { sa, sb }) {
            try {
                if (c != null) {
                    c.stop();
                }
            } catch (Exception e) {
                // shutting down
            }
        }
        for (int i = closers.size() - 1; i >= 0; i--) {
            try {
                closers.get(i).close();
            } catch (Exception e) {
                // shutting down
            }
        }
    }
}
