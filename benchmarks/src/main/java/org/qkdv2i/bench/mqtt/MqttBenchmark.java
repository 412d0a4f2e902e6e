package org.qkdv2i.bench.mqtt;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.qkdv2i.telemetry.api.Alarm;
import org.qkdv2i.telemetry.api.LinkTelemetry;
import org.qkdv2i.telemetry.mqtt.internal.MqttPublisherComponent;
import org.qkdv2i.tls.DevPki;

/**
 * MQTT telemetry to a local Mosquitto (issue 7): publish throughput of link state (retained,
 * QoS 1) and alarms (QoS 1), and publish→receive latency, through the real publisher component
 * (bounded buffer, one worker, a message leaves the buffer only after its PUBACK) and a Paho
 * subscriber at QoS 1 in the same JVM (so {@code System.nanoTime()} is one clock).
 *
 * <pre>
 * java -cp "benchmarks/target/classes:benchmarks/target/lib/*" org.qkdv2i.bench.mqtt.MqttBenchmark \
 *      [messages=20000] [latencyMessages=5000] [ratePerSecond=500] [tcp|tls] [maxInflight=16]
 * </pre>
 * {@code tls}: the publisher connects to a Mosquitto listener requiring a client certificate
 * (TLS 1.3, Bouncy Castle JSSE; certificates generated in a temporary folder). The subscriber
 * always uses a plain listener on 127.0.0.1. CPU time: this JVM (publisher and subscriber) and
 * the broker process, from /proc.
 */
public final class MqttBenchmark {

    private static final String NODE = "bench";
    private static final Instant T = Instant.parse("2026-11-27T12:00:00Z");

    private MqttBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int latencyN = args.length > 1 ? Integer.parseInt(args[1]) : 5_000;
        int rate = args.length > 2 ? Integer.parseInt(args[2]) : 500;
        boolean tls = args.length > 3 && args[3].equalsIgnoreCase("tls");
        int inflight = args.length > 4 ? Integer.parseInt(args[4]) : 16;
        Path dir = Files.createTempDirectory("mqtt-bench");
        try (Broker broker = new Broker(dir, tls)) {
            Map<String, Object> cfg = new HashMap<>(Map.of("qkd.node", NODE, "clientId", "bench-pub",
                    "brokerUrl", tls ? broker.tlsUrl() : broker.url(), "bufferSize", n + 1000, "maxInflight", inflight));
            if (tls) {
                cfg.put("keyStore", broker.pki.nodeKeyStore("pub").toString());
                cfg.put(".keyStorePassword", Broker.PW);
                cfg.put("trustStore", broker.pki.caCertificate().toString());
            }
            Receiver rx = new Receiver(broker.url());
            MqttPublisherComponent pub = new MqttPublisherComponent(config(cfg));
            try {
                await("publisher connected", 30_000, () -> pub.status().connected());
                System.out.printf("MQTT benchmark: %s, up to %d in flight, %d messages per throughput run, "
                        + "%d latency samples at %d/s%n", tls ? "mutual TLS 1.3 (BC JSSE)" : "plain TCP", inflight, n,
                        latencyN, rate);
                System.out.println("java " + System.getProperty("java.version") + ", "
                        + Runtime.getRuntime().availableProcessors() + " cpus, load " + load());

                // warm-up: JIT of the publish path, both kinds
                throughput("warm-up", pub, rx, broker, Math.min(n, 5_000), false);
                throughput("warm-up", pub, rx, broker, Math.min(n, 5_000), true);
                throughput("state (retained, QoS 1)", pub, rx, broker, n, false);
                throughput("alarm (QoS 1)", pub, rx, broker, n, true);
                latency("alarm (QoS 1)", pub, rx, latencyN, rate, true);
                latency("state (retained, QoS 1)", pub, rx, latencyN, rate, false);
                System.out.printf("dropped: state %d, alarms %d; load after %s%n", pub.status().droppedState(),
                        pub.status().droppedAlarms(), load());
            } finally {
                // the component's @Deactivate method is package-private (SCR calls it): clean close via reflection
                var deactivate = MqttPublisherComponent.class.getDeclaredMethod("deactivate");
                deactivate.setAccessible(true);
                deactivate.invoke(pub);
                rx.close();
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static void throughput(String what, MqttPublisherComponent pub, Receiver rx, Broker broker, int n,
            boolean alarms) throws Exception {
        long sent0 = pub.status().sent();
        rx.reset();
        long cpu0 = cpu();
        long brokerCpu0 = broker.cpuNanos();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            if (alarms) {
                pub.alarm(new Alarm(Alarm.Kind.AUTH_FAILURE, Alarm.Severity.WARNING, NODE, "s" + i, T, "n=" + i));
            } else {
                // distinct links: states are coalesced per topic, so each one must be a different topic
                pub.link(new LinkTelemetry(NODE, "l" + i, "UP", 0.02, 1000, 10, "n=" + i, T));
            }
        }
        long enqueued = System.nanoTime() - t0;
        await(what + ": acknowledged", 600_000, () -> pub.status().sent() - sent0 >= n);
        long acked = System.nanoTime() - t0;
        await(what + ": received", 600_000, () -> rx.count.get() >= n);
        long received = System.nanoTime() - t0;
        long cpu = cpu() - cpu0;
        long brokerCpu = broker.cpuNanos() - brokerCpu0;
        if (!what.equals("warm-up")) {
            System.out.printf("| %s | %d | %.0f | %.0f | %.2f | %.1f | %.1f |%n", what, n, n / (acked / 1e9),
                    n / (received / 1e9), enqueued / 1e3 / n, cpu / 1e3 / n, brokerCpu / 1e3 / n);
        }
    }

    private static void latency(String what, MqttPublisherComponent pub, Receiver rx, int n, int rate, boolean alarms)
            throws Exception {
        int warm = Math.min(500, n / 5);
        rx.reset();
        rx.samples = new long[n + warm];
        long interval = 1_000_000_000L / rate;
        long next = System.nanoTime();
        for (int i = 0; i < n + warm; i++) {
            while (System.nanoTime() < next) {
                LockSupport.parkNanos(next - System.nanoTime()); // pacing the offered load, not synchronisation
            }
            next += interval;
            String text = "n=" + i + " t=" + System.nanoTime();
            if (alarms) {
                pub.alarm(new Alarm(Alarm.Kind.AUTH_FAILURE, Alarm.Severity.WARNING, NODE, "s", T, text));
            } else {
                // a topic per message: a backlog must not coalesce states away (every sample must arrive)
                pub.link(new LinkTelemetry(NODE, "lat" + i, "UP", 0.02, 1000, 10, text, T));
            }
        }
        await(what + ": latency samples", 120_000, () -> rx.count.get() >= n + warm);
        long[] s = Arrays.copyOfRange(rx.samples, warm, n + warm);
        Arrays.sort(s);
        System.out.printf("| %s | %d | %d | %.0f | %.0f | %.0f | %.0f |%n", what, rate, n, pct(s, 0.50) / 1e3,
                pct(s, 0.90) / 1e3, pct(s, 0.99) / 1e3, s[s.length - 1] / 1e3);
    }

    private static double pct(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    private static void await(String what, long millis, BooleanSupplier condition) {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            LockSupport.parkNanos(200_000); // poll interval
        }
    }

    /** A configuration as SCR builds it: the given properties, the annotation's defaults for the rest. */
    static MqttPublisherComponent.Config config(Map<String, Object> props) {
        return (MqttPublisherComponent.Config) Proxy.newProxyInstance(
                MqttPublisherComponent.Config.class.getClassLoader(),
                new Class<?>[] {MqttPublisherComponent.Config.class}, (proxy, m, args) -> {
                    String key = m.getName().replace("__", "\u0000").replace('_', '.').replace('\u0000', '_');
                    Object v = props.get(key);
                    return v != null ? v : m.getDefaultValue();
                });
    }

    /** Paho subscriber at QoS 1 on every topic of the node; latency from the "t=" in the payload. */
    static final class Receiver implements MqttCallback, AutoCloseable {
        final AtomicLong count = new AtomicLong();
        volatile long[] samples;
        private final MqttAsyncClient client;

        Receiver(String url) throws MqttException {
            client = new MqttAsyncClient(url, "bench-sub", new MemoryPersistence());
            client.setCallback(this);
            MqttConnectionOptions o = new MqttConnectionOptions();
            o.setCleanStart(true);
            o.setReceiveMaximum(65535);
            client.connect(o).waitForCompletion(10_000);
            // state topics are retained: new messages only (MQTT 5 retain handling 2), one filter for all
            org.eclipse.paho.mqttv5.common.MqttSubscription sub =
                    new org.eclipse.paho.mqttv5.common.MqttSubscription("qkdv2i/" + NODE + "/#", 1);
            sub.setRetainHandling(2);
            client.subscribe(new org.eclipse.paho.mqttv5.common.MqttSubscription[] {sub})
                    .waitForCompletion(10_000);
        }

        void reset() {
            samples = null;
            count.set(0);
        }

        @Override
        public void messageArrived(String topic, MqttMessage m) {
            long now = System.nanoTime();
            if (topic.endsWith("/status")) {
                return;
            }
            long[] s = samples;
            if (s != null) {
                String p = new String(m.getPayload(), StandardCharsets.UTF_8);
                int t = p.indexOf(" t=");
                int n = p.indexOf("\"n=");
                if (t > 0 && n > 0) {
                    int i = Integer.parseInt(p.substring(n + 3, p.indexOf(' ', n)));
                    long sent = Long.parseLong(p.substring(t + 3, p.indexOf('"', t)));
                    if (i < s.length) {
                        s[i] = now - sent;
                    }
                }
            }
            count.incrementAndGet();
        }

        @Override
        public void disconnected(MqttDisconnectResponse r) {
            System.err.println("subscriber disconnected: " + r);
        }

        @Override
        public void mqttErrorOccurred(MqttException e) {
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
        }

        @Override
        public void close() throws MqttException {
            client.disconnect().waitForCompletion(5_000);
            client.close();
        }
    }

    /** Mosquitto on free ports: a plain listener and, for TLS runs, one requiring a client certificate. */
    static final class Broker implements AutoCloseable {
        static final String PW = "bench-only";
        final DevPki.Result pki;
        private final Process process;
        private final int port;
        private final int tlsPort;

        Broker(Path dir, boolean tls) throws Exception {
            String bin = null;
            for (String p : new String[] {"/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto"}) {
                if (new File(p).canExecute()) {
                    bin = p;
                }
            }
            if (bin == null) {
                throw new IllegalStateException("mosquitto not installed (apt-get install -y mosquitto)");
            }
            try (ServerSocket a = new ServerSocket(0); ServerSocket b = new ServerSocket(0)) {
                port = a.getLocalPort();
                tlsPort = b.getLocalPort();
            }
            StringBuilder conf = new StringBuilder("listener " + port + " 127.0.0.1\nallow_anonymous true\n"
                    + "user root\npersistence false\nlog_dest stderr\nmax_queued_messages 0\n");
            if (tls) {
                pki = DevPki.init(dir.resolve("pki"), List.of("broker", "pub"), List.of(), PW);
                conf.append("listener ").append(tlsPort).append(" 127.0.0.1\ncafile ").append(pki.caCertificate())
                        .append("\ncertfile ").append(dir.resolve("pki/node-broker.pem"))
                        .append("\nkeyfile ").append(dir.resolve("pki/node-broker-key.pem"))
                        .append("\nrequire_certificate true\n");
            } else {
                pki = null;
            }
            Files.writeString(dir.resolve("mosquitto.conf"), conf);
            process = new ProcessBuilder(bin, "-c", dir.resolve("mosquitto.conf").toString()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("mosquitto.log").toFile()).start();
            await("mosquitto listening", 10_000, () -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                    return true;
                } catch (IOException e) {
                    return false;
                }
            });
        }

        String url() {
            return "tcp://127.0.0.1:" + port;
        }

        String tlsUrl() {
            return "ssl://127.0.0.1:" + tlsPort;
        }

        /** utime + stime of the broker process (/proc/[pid]/stat fields 14 and 15, clock ticks of 10 ms). */
        long cpuNanos() {
            try {
                String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
            } catch (IOException | RuntimeException e) {
                return 0;
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
