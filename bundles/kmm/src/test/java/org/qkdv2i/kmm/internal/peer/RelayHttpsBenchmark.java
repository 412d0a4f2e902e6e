package org.qkdv2i.kmm.internal.peer;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.qkdv2i.kmm.api.Key;
import org.qkdv2i.kmm.api.KeyRequest;
import org.qkdv2i.kmm.api.VirtualLink;
import org.qkdv2i.kmm.internal.core.Directory;
import org.qkdv2i.kmm.internal.core.KmmCore;
import org.qkdv2i.kmm.internal.core.KmmSettings;
import org.qkdv2i.kmm.internal.core.PeerTransport.PeerException;
import org.qkdv2i.kmm.internal.core.Qos;
import org.qkdv2i.qkd.api.KeyBlock;
import org.qkdv2i.qkd.api.LinkEnd;
import org.qkdv2i.qkd.api.QkdRole;
import org.qkdv2i.tls.BcNodeTls;
import org.qkdv2i.tls.DevPki;
import org.qkdv2i.tls.NodeTls;

/**
 * Key relay latency over real HTTPS with mutual TLS on loopback (issue 4 benchmark): seven KMM
 * cores N0 … N6 in a chain in one JVM, each with its peer endpoint and client; for 1 … 6 hops,
 * sequential enc_keys of one 256-bit key at N0 for an SAE at N<hops> (1 hop: the adjacent node,
 * no relay — the reservation / fast delivery path, for comparison). Reports p50/p99 of the time
 * until N0 returns the key (the target's "relayed" ack has come back hop by hop) and the process
 * CPU time per key. Not a unit test (surefire skips it); run by hand:
 * <pre>
 * java -cp target/classes:target/test-classes:$(cat cp) org.qkdv2i.kmm.internal.peer.RelayHttpsBenchmark [requests [warm-up requests per row]]
 * </pre>
 */
public final class RelayHttpsBenchmark {

    private static final int NODES = 7;

    private RelayHttpsBenchmark() {
    }

    private static String node(int i) {
        return "N" + i;
    }

    public static void main(String[] args) throws Exception {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        // untimed requests per row, all rows before the first timed one: 50 left the first relay row (2 hops)
        // measuring the JIT and the store settling
        int warmUp = args.length > 1 ? Integer.parseInt(args[1]) : Math.max(50, requests / 4);
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        Path tmp = Files.createTempDirectory("kmm-relay-bench");
        char[] pw = DevPki.DEFAULT_PASSWORD.toCharArray();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            ids.add(node(i));
        }
        DevPki.Result pki = DevPki.init(tmp.resolve("pki"), ids, List.of(), pw);
        Map<String, String> saes = new HashMap<>();
        for (int i = 0; i < NODES; i++) {
            saes.put("s" + i, node(i));
        }
        Directory dir = new Directory() {
            @Override
            public Map<String, String> saes() {
                return saes;
            }

            @Override
            public Optional<Qos> qos(String m, String s) {
                return Optional.empty();
            }
        };
        KmmCore[] cores = new KmmCore[NODES];
        PeerServer[] servers = new PeerServer[NODES];
        HttpsPeerTransport[] clients = new HttpsPeerTransport[NODES];
        Map<String, String> urls = new LinkedHashMap<>();
        try {
            for (int i = 0; i < NODES; i++) {
                byte[] kek = new byte[32];
                new SecureRandom().nextBytes(kek);
                cores[i] = new KmmCore(KmmSettings.defaults(node(i)).withPeer(5000, 0), tmp.resolve(node(i)), kek, dir,
                        Clock.systemUTC(), new SecureRandom(), e -> { });
                NodeTls tls = BcNodeTls.load(node(i), pki.nodeKeyStore(node(i)), pw, pki.caCertificate(), null, null);
                Set<String> peers = Set.copyOf(neighbours(i));
                cores[i].setPeerNodes(peers);
                servers[i] = new PeerServer(tls, "127.0.0.1", 0, () -> peers, PeerServer.Endpoint.of(cores[i],
                        (c, l, m) -> {
                            throw new PeerException("no drivers here", true);
                        }));
                servers[i].start();
                urls.put(node(i), "https://127.0.0.1:" + servers[i].port());
                cores[i].setRelayCallbackUrl(urls.get(node(i)) + KmmCore.EXT_ACK_PATH);
                clients[i] = new HttpsPeerTransport(tls, () -> urls);
                cores[i].setTransport(clients[i]);
            }
            SecureRandom random = new SecureRandom();
            for (int i = 0; i + 1 < NODES; i++) {
                String link = "L-" + i + (i + 1);
                // every run spends 2 stored keys of the sender's half per key per hop; N0-N1 carries all six runs
                for (int b = 0; b < NODES * (requests + warmUp) * 4 / 64 + 20; b++) {
                    byte[] key = new byte[32 * 64];
                    random.nextBytes(key);
                    UUID id = UUID.randomUUID();
                    Instant created = Instant.now().minusSeconds(60);
                    cores[i].keyBlock(new LinkEnd(link, node(i), node(i + 1), QkdRole.TRANSMITTER),
                            new KeyBlock(id, key.clone(), created, 0, 0));
                    cores[i + 1].keyBlock(new LinkEnd(link, node(i + 1), node(i), QkdRole.RECEIVER),
                            new KeyBlock(id, key, created, 0, 0));
                }
                cores[i].sync(link, true); // confirmed: pads the next node holds
                cores[i + 1].sync(link, true);
            }
            for (int hops = 2; hops < NODES; hops++) {
                for (int i = 0; i <= hops; i++) {
                    cores[i].putVirtualLink(new VirtualLink("V-" + hops, node(0), node(hops),
                            i == 0 ? null : node(i - 1), i == hops ? null : node(i + 1)));
                }
            }
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            // warm-up pass over every row before any is timed: the JIT of each row's path, the TLS
            // connections, and the stores' first checkpoints after the set-up's burst of ~70,000 stored
            // keys per link end (timed right after the set-up, the first row measured those, not the relay)
            for (int hops = 1; hops < NODES; hops++) {
                for (int w = 0; w < warmUp; w++) {
                    cores[0].newKeys(new KeyRequest("s0", "s" + hops, 1, 256)).forEach(Key::destroy);
                }
            }
            System.out.println("hops | keys/s | p50 ms | p99 ms | p99/hop ms | CPU ms/key");
            for (int hops = 1; hops < NODES; hops++) {
                String slave = "s" + hops;
                long[] lat = new long[requests];
                long cpu0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                for (int r = 0; r < requests; r++) {
                    long s = System.nanoTime();
                    cores[0].newKeys(new KeyRequest("s0", slave, 1, 256)).forEach(Key::destroy);
                    lat[r] = System.nanoTime() - s;
                }
                double wall = (System.nanoTime() - t0) / 1e9;
                double cpuMs = (os.getProcessCpuTime() - cpu0) / 1e6;
                Arrays.sort(lat);
                double p99 = lat[(int) (requests * 0.99)] / 1e6;
                System.out.printf("%d | %.0f | %.2f | %.2f | %.2f | %.2f%n", hops, requests / wall,
                        lat[requests / 2] / 1e6, p99, p99 / hops, cpuMs / requests);
            }
        } finally {
            for (int i = 0; i < NODES; i++) {
                if (clients[i] != null) {
                    clients[i].close();
                }
                if (servers[i] != null) {
                    servers[i].close();
                }
                if (cores[i] != null) {
                    cores[i].close();
                }
            }
        }
    }

    private static List<String> neighbours(int i) {
        List<String> out = new ArrayList<>();
        if (i > 0) {
            out.add(node(i - 1));
        }
        if (i < NODES - 1) {
            out.add(node(i + 1));
        }
        return out;
    }
}
