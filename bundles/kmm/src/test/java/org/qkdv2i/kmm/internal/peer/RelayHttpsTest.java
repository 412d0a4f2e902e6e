package org.qkdv2i.kmm.internal.peer;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.junit.After;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.qkdv2i.kmm.api.Key;
import org.qkdv2i.kmm.api.KeyRequest;
import org.qkdv2i.kmm.api.RelayStats;
import org.qkdv2i.kmm.api.VirtualLink;
import org.qkdv2i.kmm.internal.core.Directory;
import org.qkdv2i.kmm.internal.core.KmmCore;
import org.qkdv2i.kmm.internal.core.KmmSettings;
import org.qkdv2i.kmm.internal.core.PeerTransport.ExtVoid;
import org.qkdv2i.kmm.internal.core.PeerTransport.PeerException;
import org.qkdv2i.kmm.internal.core.Qos;
import org.qkdv2i.qkd.api.KeyBlock;
import org.qkdv2i.qkd.api.LinkEnd;
import org.qkdv2i.qkd.api.QkdRole;
import org.qkdv2i.tls.BcNodeTls;
import org.qkdv2i.tls.DevPki;
import org.qkdv2i.tls.NodeTls;

/** Key relay A → B → C over the peer endpoints: real HTTPS, mutual TLS, dev PKI certificates. */
public class RelayHttpsTest {

    @ClassRule
    public static TemporaryFolder pkiFolder = new TemporaryFolder();
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private static final List<String> NODES = List.of("A", "B", "C");
    private static final Map<String, NodeTls> TLS = new LinkedHashMap<>();

    @BeforeClass
    public static void pki() throws Exception {
        char[] pw = DevPki.DEFAULT_PASSWORD.toCharArray();
        DevPki.Result r = DevPki.init(pkiFolder.getRoot().toPath(), NODES, List.of(), pw);
        for (String n : NODES) {
            TLS.put(n, BcNodeTls.load(n, r.nodeKeyStore(n), pw, r.caCertificate(), null, null));
        }
    }

    private final Map<String, KmmCore> cores = new LinkedHashMap<>();
    private final List<PeerServer> servers = new ArrayList<>();
    private final List<HttpsPeerTransport> clients = new ArrayList<>();
    private final Map<String, String> urls = new LinkedHashMap<>();

    /** Whether A and C are neighbours too (QKD link L-AC), with A - B - C as their detour. */
    private boolean adjacentEnds;

    private List<String> neighbours(String n) {
        int i = NODES.indexOf(n);
        List<String> out = new ArrayList<>();
        if (i > 0) {
            out.add(NODES.get(i - 1));
        }
        if (i < NODES.size() - 1) {
            out.add(NODES.get(i + 1));
        }
        if (adjacentEnds && (n.equals("A") || n.equals("C"))) {
            out.add(n.equals("A") ? "C" : "A");
        }
        return out;
    }

    private void feed(String x, String y, int blocks) {
        for (int b = 0; b < blocks; b++) {
            byte[] key = new byte[32 * 64];
            new SecureRandom().nextBytes(key);
            UUID id = UUID.randomUUID();
            Instant created = Instant.now();
            cores.get(x).keyBlock(new LinkEnd("L-" + x + y, x, y, QkdRole.TRANSMITTER),
                    new KeyBlock(id, key.clone(), created, 0, 0));
            cores.get(y).keyBlock(new LinkEnd("L-" + x + y, y, x, QkdRole.RECEIVER),
                    new KeyBlock(id, key, created, 0, 0));
        }
    }

    private void start() throws Exception {
        Directory dir = new Directory() {
            @Override
            public Map<String, String> saes() {
                return Map.of("sa", "A", "sc", "C");
            }

            @Override
            public Optional<Qos> qos(String m, String s) {
                return Optional.empty();
            }
        };
        for (String n : NODES) {
            byte[] kek = new byte[32];
            new SecureRandom().nextBytes(kek);
            Path data = tmp.newFolder(n).toPath();
            KmmCore core = new KmmCore(KmmSettings.defaults(n).withPeer(15_000, 0), data, kek, dir, Clock.systemUTC(),
                    new SecureRandom(), e -> { });
            cores.put(n, core);
            Set<String> peers = Set.copyOf(neighbours(n));
            core.setPeerNodes(peers);
            PeerServer server = new PeerServer(TLS.get(n), "127.0.0.1", 0, () -> peers,
                    PeerServer.Endpoint.of(core, (c, l, m) -> {
                        throw new PeerException("no drivers here", true);
                    }));
            server.start();
            servers.add(server);
            urls.put(n, "https://127.0.0.1:" + server.port());
            core.setRelayCallbackUrl(urls.get(n) + KmmCore.EXT_ACK_PATH);
        }
        for (String n : NODES) {
            HttpsPeerTransport client = new HttpsPeerTransport(TLS.get(n), () -> urls);
            clients.add(client);
            cores.get(n).setTransport(client);
        }
        for (int i = 0; i + 1 < NODES.size(); i++) {
            feed(NODES.get(i), NODES.get(i + 1), 4);
        }
        if (adjacentEnds) {
            feed("A", "C", 1);
            assertTrue(cores.get("A").sync("L-AC").complete());
        }
        // as a node does when its peer channel starts: a sync per link opens (warms) the TLS connections,
        // whose first handshake takes seconds on a busy machine
        for (int i = 0; i + 1 < NODES.size(); i++) {
            String l = "L-" + NODES.get(i) + NODES.get(i + 1);
            assertTrue(cores.get(NODES.get(i)).sync(l).complete());
            assertTrue(cores.get(NODES.get(i + 1)).sync(l).complete());
        }
        cores.get("A").putVirtualLink(new VirtualLink("V-AC", "A", "C", null, "B"));
        cores.get("B").putVirtualLink(new VirtualLink("V-AC", "A", "C", "A", "C"));
        cores.get("C").putVirtualLink(new VirtualLink("V-AC", "A", "C", "B", null));
    }

    @After
    public void stop() {
        clients.forEach(HttpsPeerTransport::close);
        servers.forEach(PeerServer::close);
        cores.values().forEach(KmmCore::close);
    }

    @Test
    public void keysRelayedOverMutualTlsAreServedAtTheTargetWithTheSameBytesAndStrangersAreRefused() throws Exception {
        start();

        List<Key> enc = cores.get("A").newKeys(new KeyRequest("sa", "sc", 2, 512));
        List<Key> dec = cores.get("C").keysById("sc", "sa", enc.stream().map(Key::id).toList());

        assertEquals(2, dec.size());
        for (int i = 0; i < 2; i++) {
            assertEquals(enc.get(i).id(), dec.get(i).id());
            assertArrayEquals(enc.get(i).bytes(), dec.get(i).bytes());
        }
        // 2 keys of 512 bits + MAC key: 5 stored keys of 256 bits per hop
        RelayStats bc = cores.get("C").relayStats().get(0);
        assertEquals(new RelayStats("L-BC", "B", 0, 2, 5 * 256, 0), bc);

        // a node that is not a peer is refused at the relay endpoints: C calls A directly, A's only peer is B
        HttpsPeerTransport fromC = clients.get(2);
        try {
            fromC.extVoid("A", new ExtVoid(List.of(UUID.randomUUID()), "V-AC", "C"), 5000);
            fail("A accepted a void from C");
        } catch (PeerException e) {
            assertTrue(e.getMessage(), e.refused() && e.getMessage().contains("not a configured peer")
                    && e.getMessage().contains("403"));
        }
    }

    @Test
    public void neighboursWhoseDirectPoolIsEmptyGetKeysOverTheDetourAndDecKeysFindsBothKinds() throws Exception {
        adjacentEnds = true; // A - C directly, and V-AC over B: the SDN controller's detour
        start();
        KmmCore a = cores.get("A");
        int own = (int) a.pools().stream().filter(p -> p.linkId().equals("L-AC")).mapToLong(p -> p.ownKeys()).sum();
        assertTrue(own > 0);

        List<Key> enc = new ArrayList<>(a.newKeys(new KeyRequest("sa", "sc", own, 256))); // direct: drains A's half
        enc.addAll(a.newKeys(new KeyRequest("sa", "sc", 2, 256))); // over the detour
        List<Key> dec = cores.get("C").keysById("sc", "sa", enc.stream().map(Key::id).toList());

        assertEquals(own + 2, dec.size());
        for (int i = 0; i < dec.size(); i++) {
            assertEquals(enc.get(i).id(), dec.get(i).id());
            assertArrayEquals(enc.get(i).bytes(), dec.get(i).bytes());
        }
        RelayStats ab = a.relayStats().stream().filter(r -> r.linkId().equals("L-AB")).findFirst().orElseThrow();
        assertEquals("only the last 2 keys relayed", 2, ab.keysSent());
    }
}
