package org.qkdv2i.benchmarks.v2x;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.qkdv2i.radio.udp.internal.UdpAirRadio;
import org.qkdv2i.v2x.api.StationState;
import org.qkdv2i.v2x.api.adapter.Profile;
import org.qkdv2i.v2x.api.adapter.Security;
import org.qkdv2i.v2x.api.adapter.V2xContent;
import org.qkdv2i.v2x.api.message.Acceleration;
import org.qkdv2i.v2x.api.message.BasicContainer;
import org.qkdv2i.v2x.api.message.BasicVehicleContainerHighFrequency;
import org.qkdv2i.v2x.api.message.Cam;
import org.qkdv2i.v2x.api.message.Curvature;
import org.qkdv2i.v2x.api.message.CurvatureCalculationMode;
import org.qkdv2i.v2x.api.message.DriveDirection;
import org.qkdv2i.v2x.api.message.Heading;
import org.qkdv2i.v2x.api.message.ItsPduHeader;
import org.qkdv2i.v2x.api.message.ReferencePosition;
import org.qkdv2i.v2x.api.message.Speed;
import org.qkdv2i.v2x.api.message.StationType;
import org.qkdv2i.v2x.api.message.VehicleLength;
import org.qkdv2i.v2x.api.message.YawRate;
import org.qkdv2i.v2x.api.radio.RadioTechnology;
import org.qkdv2i.v2x.codec.V2xCodecs;
import org.qkdv2i.v2x.codec.security.TrustStore;
import org.qkdv2i.v2x.itsg5.internal.ItsG5Framing;
import org.qkdv2i.v2x.itsg5.internal.stack.DevPki;
import org.qkdv2i.v2x.itsg5.internal.stack.StackConfig;
import org.qkdv2i.v2x.itsg5.internal.stack.V2xEngine;
import org.qkdv2i.zap.api.ChannelOptions;
import org.qkdv2i.zap.api.ProtectedChannel;
import org.qkdv2i.zap.internal.message.MessageProtectionComponent;

/**
 * Issue 6 end-to-end latency OBU → RSU over the virtual air: two v2x.itsg5 EU engines (the code
 * inside the {@code V2xStack} components) on two radio.udp radios 100 m apart on 127.0.0.1, no
 * simulated latency or loss. The OBU sends a CAM-size application payload with
 * {@code sendPayload} (BTP-B in a GeoNetworking SHB) unsecured, signed (ECDSA P-256 SignedData
 * with the ticket's certificate, psid 0x8A) or under the DAU-V PSK channel (1609.2 EncryptedData,
 * AES-128-CCM); latency is from just before {@code sendPayload} to the RSU listener's call, so it
 * covers protect/sign, GN/BTP encoding, the UDP datagram, radio.udp's decode and range check,
 * verify/open, decode and delivery.
 * <p>
 * Per security: a warm-up, then {@code n} messages one at a time (p50/p90/p99/max, and messages
 * per second at one in flight), then {@code n} messages with up to 16 in flight (messages per
 * second). CPU µs per message is this process's CPU time (sender, air and receiver share the
 * JVM, so it is the whole path's cost), the number to compare on a loaded shared machine. A message not
 * delivered within 1 s counts as lost. Arguments: [n (default 20000)] [warm-up (default 5000)].
 * Run: {@code mvn -B -q -o -pl benchmarks package -DskipTests && java -cp
 * "benchmarks/target/classes:benchmarks/target/lib/*" org.qkdv2i.benchmarks.v2x.V2xAirLatency}.
 */
public final class V2xAirLatency {

    private static final int PORT = 3000;
    private static final int WINDOW = 16;
    private static final long SIGNED_PAYLOAD_PSID = 0x8A; // the dev PKI's experimental psid
    private static final int RSU_LAT = 481_374_000;
    private static final int LON = 115_755_000;
    private static final int OBU_LAT = RSU_LAT + 8_993; // 100 m north (0.1 µdeg)

    private final Semaphore delivered = new Semaphore(0);
    private final AtomicLong lastDelivered = new AtomicLong(-1);
    private volatile long[] sentAt = new long[0];
    private volatile long[] latency = new long[0];

    private V2xAirLatency() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 5_000;
        new V2xAirLatency().run(n, warmup);
    }

    private void run(int n, int warmup) throws Exception {
        DevPki pki = new DevPki(Instant.now().minusSeconds(3600));
        TrustStore trust = new TrustStore();
        trust.addRoot(pki.rootCertificate());
        trust.addCertificate(pki.authorityCertificate());

        int obuPort = freePort();
        int rsuPort = freePort();
        UdpAirRadio obuRadio = radio("obu", "02:00:00:00:02:01", obuPort, rsuPort, OBU_LAT);
        UdpAirRadio rsuRadio = radio("rsu", "02:00:00:00:01:01", rsuPort, obuPort, RSU_LAT);
        V2xEngine obu = engine("obu", 1001, StationType.PASSENGER_CAR, pki, trust);
        V2xEngine rsu = engine("rsu", 7001, StationType.ROAD_SIDE_UNIT, pki, trust);
        obu.setStateProvider(() -> new StationState(1001, StationType.PASSENGER_CAR, OBU_LAT, LON, true, 1389, 900,
                Instant.now()));
        obu.setRadio(obuRadio);
        rsu.setRadio(rsuRadio);
        AtomicLong frameOctets = new AtomicLong();
        rsuRadio.subscribe(f -> frameOctets.set(f.payloadLength()));
        rsu.addListener(m -> {
            long now = System.nanoTime();
            if (m.content() instanceof V2xContent.Payload p) {
                int seq = ByteBuffer.wrap(p.data()).getInt();
                if (seq >= 0 && seq < latency.length && latency[seq] == 0) {
                    latency[seq] = now - sentAt[seq];
                    lastDelivered.set(seq);
                    delivered.release();
                }
            }
        }, null, null);

        // the DAU-V's channels, one per end, one 16-octet key
        MessageProtectionComponent protection = new MessageProtectionComponent();
        byte[] psk = new byte[16];
        new SecureRandom().nextBytes(psk);
        ProtectedChannel obuChannel = protection.ieee1609Psk(psk, ChannelOptions.datagram("v2i", Clock.systemUTC()));
        ProtectedChannel rsuChannel = protection.ieee1609Psk(psk, ChannelOptions.datagram("v2i", Clock.systemUTC()));
        AutoCloseable registration = rsu.registerPsk(psk, rsuChannel);
        Arrays.fill(psk, (byte) 0);

        byte[] cam = camBytes();
        System.out.printf(Locale.ROOT, "OBU -> RSU over radio.udp on 127.0.0.1 (100 m, free space, no latency/loss); "
                + "payload %d octets (a UPER CAM with basic + high-frequency containers); %d messages, warm-up %d; "
                + "%d CPUs%n%n", cam.length, n, warmup, Runtime.getRuntime().availableProcessors());
        System.out.println("| security | frame octets | one in flight: p50 µs | p90 µs | p99 µs | max µs | msgs/s "
                + "| CPU µs/msg | lost | 16 in flight: msgs/s | CPU µs/msg | lost |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
        Object[][] modes = { { "unsecured", Security.unsecured() },
                { "ECDSA P-256 signed (certificate)", Security.signed(SIGNED_PAYLOAD_PSID) },
                { "PSK AES-128-CCM (DAU-V channel)", Security.psk(obuChannel) } };
        for (Object[] mode : modes) {
            Security sec = (Security) mode[1];
            oneInFlight(obu, sec, cam, warmup); // JIT warm-up, not printed
            long cpuA = processCpuNanos();
            long t0 = System.nanoTime();
            int lost = oneInFlight(obu, sec, cam, n);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double cpuPerMsgA = (processCpuNanos() - cpuA) / 1e3 / (n - lost);
            long[] ok = Arrays.stream(latency).filter(v -> v > 0).sorted().toArray();
            long cpu0 = processCpuNanos();
            long t1 = System.nanoTime();
            int lostPipelined = pipelined(obu, sec, cam, n);
            double seconds2 = (System.nanoTime() - t1) / 1e9;
            double cpuPerMsg = (processCpuNanos() - cpu0) / 1e3 / (n - lostPipelined);
            System.out.printf(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f | %.1f | %,.0f | %.1f | %d | %,.0f | %.1f | %d |%n",
                    mode[0], frameOctets.get(), pct(ok, 50), pct(ok, 90), pct(ok, 99), ok[ok.length - 1] / 1e3,
                    (n - lost) / seconds, cpuPerMsgA, lost, (n - lostPipelined) / seconds2, cpuPerMsg, lostPipelined);
        }
        System.out.printf(Locale.ROOT, "%nRSU stack: %s%nOBU radio: %s%nRSU radio: %s%n", rsu.statistics(),
                obuRadio.statistics(), rsuRadio.statistics());
        registration.close();
        obuChannel.close();
        rsuChannel.close();
        obu.close();
        rsu.close();
    }

    /** Sends {@code n} messages, each after the previous one arrived; returns how many were lost. */
    private int oneInFlight(V2xEngine obu, Security sec, byte[] cam, int n) throws Exception {
        reset(n);
        int lost = 0;
        for (int i = 0; i < n; i++) {
            byte[] payload = cam.clone();
            ByteBuffer.wrap(payload).putInt(i);
            sentAt[i] = System.nanoTime();
            obu.sendPayload(PORT, payload, 1, sec);
            if (!delivered.tryAcquire(1, TimeUnit.SECONDS)) {
                lost++;
            }
        }
        return lost;
    }

    /** Sends {@code n} messages with at most {@link #WINDOW} in flight; returns how many were lost. */
    private int pipelined(V2xEngine obu, Security sec, byte[] cam, int n) throws Exception {
        reset(n);
        int lost = 0;
        int inFlight = 0;
        for (int i = 0; i < n; i++) {
            if (inFlight == WINDOW) {
                if (delivered.tryAcquire(1, TimeUnit.SECONDS)) {
                    inFlight--;
                } else {
                    lost++;
                    inFlight--;
                }
            }
            byte[] payload = cam.clone();
            ByteBuffer.wrap(payload).putInt(i);
            sentAt[i] = System.nanoTime();
            obu.sendPayload(PORT, payload, 1, sec);
            inFlight++;
        }
        while (inFlight > 0) {
            if (!delivered.tryAcquire(1, TimeUnit.SECONDS)) {
                lost++;
            }
            inFlight--;
        }
        return lost;
    }

    private void reset(int n) {
        delivered.drainPermits();
        sentAt = new long[n];
        latency = new long[n];
    }

    private static double pct(long[] sorted, double p) {
        int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e3;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** A vehicle CAM as the stack generates one (basic and high-frequency containers), UPER-encoded. */
    private static byte[] camBytes() {
        Cam cam = new Cam(ItsPduHeader.cam(1001), Cam.generationDeltaTimeOf(123_456_789L),
                new BasicContainer(StationType.PASSENGER_CAR, ReferencePosition.ofDegrees(48.1383, 11.5755)),
                BasicVehicleContainerHighFrequency.of(new Heading(900, 10), new Speed(1389, 5), DriveDirection.FORWARD,
                        new VehicleLength(45, 0), 18, Acceleration.UNAVAILABLE, new Curvature(0, 7),
                        CurvatureCalculationMode.UNAVAILABLE, new YawRate(0, 8)),
                null);
        return V2xCodecs.cam().encode(cam);
    }

    private static V2xEngine engine(String name, long stationId, int stationType, DevPki pki, TrustStore trust) {
        StackConfig c = new StackConfig(name, Profile.EU, stationId, stationType, false, true, false,
                StackConfig.CAM_MIN, StackConfig.CAM_MAX, StackConfig.LF_INTERVAL, StackConfig.BSM_INTERVAL,
                Duration.ofSeconds(2), 10);
        return new V2xEngine(c, new ItsG5Framing(null, null, null), Clock.systemUTC(), pki.ticket(), trust);
    }

    /** A radio.udp radio as DS would make it from a configuration (annotation defaults for the rest). */
    private static UdpAirRadio radio(String id, String mac, int port, int peerPort, int lat) throws IOException {
        Map<String, Object> values = Map.of("radio_id", id, "radio_technology", RadioTechnology.ITS_G5,
                "address", mac, "bind", "127.0.0.1:" + port, "peers", new String[] { "127.0.0.1:" + peerPort },
                "position", String.format(Locale.ROOT, "%.7f,%.7f", lat / 1e7, LON / 1e7));
        UdpAirRadio.Config config = (UdpAirRadio.Config) Proxy.newProxyInstance(V2xAirLatency.class.getClassLoader(),
                new Class<?>[] { UdpAirRadio.Config.class }, (proxy, method, a) -> {
                    Object v = values.get(method.getName());
                    if (v != null) {
                        return v;
                    }
                    if (method.getDefaultValue() != null) {
                        return method.getDefaultValue();
                    }
                    return switch (method.getName()) {
                        case "annotationType" -> UdpAirRadio.Config.class;
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == a[0];
                        case "toString" -> "Config" + values;
                        default -> throw new IllegalArgumentException("no value for " + method.getName());
                    };
                });
        return new UdpAirRadio(config);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
