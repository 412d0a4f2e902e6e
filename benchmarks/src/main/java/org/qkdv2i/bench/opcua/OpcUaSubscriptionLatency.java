package org.qkdv2i.bench.opcua;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Proxy;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.identity.UsernameProvider;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.security.DefaultClientCertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.MemoryTrustListManager;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort;
import org.qkdv2i.telemetry.api.LinkTelemetry;
import org.qkdv2i.telemetry.opcua.internal.Certificates;
import org.qkdv2i.telemetry.opcua.internal.OpcUaServerComponent;
import org.qkdv2i.telemetry.opcua.internal.PasswordHash;

/**
 * OPC UA subscription update latency with 1,000 monitored items (issue 7): the real server
 * component (TelemetrySink) on 127.0.0.1, a Milo client in the same JVM (one clock) over
 * Basic256Sha256 SignAndEncrypt (after a 50-round warm-up), one subscription with {@code items} data items (the Qber of
 * {@code items} links, sampling interval 0: values are pushed on change). Each round changes all
 * items through {@code TelemetrySink.link}; latency = sink call → the client's data-change
 * callback for that value.
 *
 * <pre>
 * java -cp "benchmarks/target/classes:benchmarks/target/lib/*" org.qkdv2i.bench.opcua.OpcUaSubscriptionLatency \
 *      [items=1000] [rounds=200] [roundsPerSecond=10] [publishingIntervalMs=50,100,250] [Basic256Sha256|Aes256_Sha256_RsaPss]
 * </pre>
 */
public final class OpcUaSubscriptionLatency {

    private static final String NODE = "bench";
    private static final String USER = "bench";
    private static final String PASSWORD = "bench-password";

    private OpcUaSubscriptionLatency() {
    }

    public static void main(String[] args) throws Exception {
        int items = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        double roundsPerSecond = args.length > 2 ? Double.parseDouble(args[2]) : 10;
        String[] intervals = (args.length > 3 ? args[3] : "50,100,250").split(",");
        SecurityPolicy policy = SecurityPolicy.valueOf(args.length > 4 ? args[4] : "Basic256Sha256");

        BouncyCastleProvider bc = new BouncyCastleProvider();
        Path pki = Files.createTempDirectory("opcua-bench-pki");
        KeyPair kp = Certificates.rsa2048(bc);
        String uri = "urn:qkdv2i:bench:client";
        X509Certificate clientCert = Certificates.selfSigned(bc, kp, "bench client", uri, List.of("localhost"),
                Duration.ofDays(1));
        Files.createDirectories(pki.resolve("trusted/certs"));
        Files.write(pki.resolve("trusted/certs/bench-client.der"), clientCert.getEncoded());
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Map<String, Object> cfg = new HashMap<>();
        cfg.put("qkd_node", NODE);
        cfg.put("port", port);
        cfg.put("pkiDir", pki.toString());
        cfg.put("_keyStorePassword", "bench-store");
        cfg.put("users", new String[] {USER + "=" + PasswordHash.hash(PASSWORD.toCharArray(), 20_000)});
        OpcUaServerComponent sink = new OpcUaServerComponent(config(cfg));
        OpcUaClient client = null;
        try {
            Instant t0 = Instant.now();
            for (int i = 0; i < items; i++) {
                sink.link(new LinkTelemetry(NODE, link(i), "UP", 0.0, 1000, 3, "", t0));
            }
            X509Certificate serverCert = serverCertificate(pki, bc);
            MemoryTrustListManager trust = new MemoryTrustListManager();
            trust.addTrustedCertificate(serverCert);
            client = OpcUaClient.create("opc.tcp://localhost:" + port + "/qkdv2i",
                    eps -> eps.stream().filter(e -> policy.getUri().equals(e.getSecurityPolicyUri())).findFirst(),
                    t -> { },
                    c -> c.setApplicationUri(uri).setApplicationName(LocalizedText.english("bench client"))
                            .setKeyPair(kp).setCertificate(clientCert)
                            .setCertificateChain(new X509Certificate[] {clientCert})
                            .setCertificateValidator(new DefaultClientCertificateValidator(trust,
                                    new MemoryCertificateQuarantine()))
                            .setRequestTimeout(uint(30_000))
                            .setIdentityProvider(new UsernameProvider(USER, PASSWORD)));
            client.connect();
            UShort ns = client.getNamespaceTable().getIndex("urn:qkdv2i:telemetry");
            System.out.printf("OPC UA subscription latency: %d monitored items, %d rounds at %.1f rounds/s "
                    + "(%.0f value changes/s), %s SignAndEncrypt, %d cores%n", items, rounds, roundsPerSecond,
                    items * roundsPerSecond, policy, Runtime.getRuntime().availableProcessors());
            // warm-up (JIT, Milo's pools): 50 rounds at the first interval, not reported
            run(sink, client, ns, items, Math.min(50, rounds), roundsPerSecond, Double.parseDouble(intervals[0]), false);
            for (String iv : intervals) {
                run(sink, client, ns, items, rounds, roundsPerSecond, Double.parseDouble(iv), true);
            }
        } finally {
            if (client != null) {
                client.disconnect();
            }
            sink.deactivate();
        }
    }

    private static String link(int i) {
        return String.format("qkd-%04d", i);
    }

    private static void run(OpcUaServerComponent sink, OpcUaClient client, UShort ns, int items, int rounds,
            double roundsPerSecond, double publishingInterval, boolean report) throws Exception {
        // value = round * 1e-3 + item * 1e-9 would lose precision; use round + item / 1e6 (items < 1e6)
        AtomicLongArray sentAt = new AtomicLongArray((rounds + 1) * items);
        long[] latency = new long[rounds * items];
        AtomicLong received = new AtomicLong();
        OpcUaSubscription sub = new OpcUaSubscription(client, publishingInterval);
        sub.setMaxNotificationsPerPublish(uint(0)); // no limit
        List<OpcUaMonitoredItem> monitored = new ArrayList<>();
        for (int i = 0; i < items; i++) {
            OpcUaMonitoredItem m = OpcUaMonitoredItem.newDataItem(new NodeId(ns, NODE + "/Links/" + link(i) + "/Qber"));
            m.setSamplingInterval(0.0);
            m.setQueueSize(uint(10));
            m.setDataValueListener((item, dv) -> {
                long now = System.nanoTime();
                Object v = dv.getValue().getValue();
                if (!(v instanceof Double d) || d < 1) {
                    return; // the initial value
                }
                int round = (int) Math.floor(d);
                int idx = (int) Math.round((d - round) * 1e6);
                long t = sentAt.get(round * items + idx);
                long n = received.getAndIncrement();
                if (t != 0 && n < latency.length) {
                    latency[(int) n] = now - t;
                }
            });
            monitored.add(m);
        }
        sub.addMonitoredItems(monitored);
        sub.create();
        sub.synchronizeMonitoredItems();
        double revised = sub.getRevisedPublishingInterval().orElse(publishingInterval);
        // let the initial values arrive, then start
        Thread.sleep((long) Math.max(500, revised * 5));
        received.set(0);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long period = (long) (1e9 / roundsPerSecond);
        long start = System.nanoTime();
        long updateNanos = 0;
        var threads = ManagementFactory.getThreadMXBean();
        long threadCpu0 = threads.getCurrentThreadCpuTime();
        for (int r = 1; r <= rounds; r++) {
            long due = start + (r - 1) * period;
            while (System.nanoTime() < due) {
                LockSupport.parkNanos(due - System.nanoTime());
            }
            Instant now = Instant.now();
            long u0 = System.nanoTime();
            for (int i = 0; i < items; i++) {
                sentAt.set(r * items + i, System.nanoTime());
                sink.link(new LinkTelemetry(NODE, link(i), "UP", r + i / 1e6, 1000, 3, "", now));
            }
            updateNanos += System.nanoTime() - u0;
        }
        long updateCpu = threads.getCurrentThreadCpuTime() - threadCpu0;
        long deadline = System.nanoTime() + 30_000_000_000L;
        long expected = (long) rounds * items;
        while (received.get() < expected && System.nanoTime() < deadline) {
            Thread.sleep(20); // waiting for the tail of notifications; the count decides
        }
        long cpu = os.getProcessCpuTime() - cpu0;
        long got = Math.min(received.get(), latency.length);
        long[] l = Arrays.copyOf(latency, (int) got);
        Arrays.sort(l);
        if (!report) {
            sub.delete();
            return;
        }
        System.out.printf("  publishing interval %5.0f ms (revised %5.0f): %d/%d notifications, latency p50 %6.1f ms, "
                + "p90 %6.1f ms, p99 %6.1f ms, max %6.1f ms; sink.link() %.1f us/call wall, %.1f us thread CPU; "
                + "process CPU %.1f us per value change%n", publishingInterval, revised, got, expected, pct(l, 50),
                pct(l, 90), pct(l, 99), l.length == 0 ? Double.NaN : l[l.length - 1] / 1e6,
                updateNanos / 1e3 / expected, updateCpu / 1e3 / expected, cpu / 1e3 / expected);
        sub.delete();
    }

    private static double pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }

    private static X509Certificate serverCertificate(Path pki, BouncyCastleProvider bc) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12", bc);
        try (InputStream in = Files.newInputStream(pki.resolve("server.p12"))) {
            ks.load(in, "bench-store".toCharArray());
        }
        return (X509Certificate) ks.getCertificate("server");
    }

    private static OpcUaServerComponent.Config config(Map<String, Object> values) {
        return (OpcUaServerComponent.Config) Proxy.newProxyInstance(OpcUaServerComponent.Config.class.getClassLoader(),
                new Class<?>[] {OpcUaServerComponent.Config.class}, (proxy, m, a) -> {
                    if (values.containsKey(m.getName())) {
                        return values.get(m.getName());
                    }
                    if (m.getDefaultValue() != null) {
                        return m.getDefaultValue();
                    }
                    throw new IllegalStateException("no value for " + m.getName());
                });
    }
}
