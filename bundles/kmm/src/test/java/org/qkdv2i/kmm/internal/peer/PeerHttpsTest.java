package org.qkdv2i.kmm.internal.peer;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.junit.After;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.qkdv2i.kmm.api.Key;
import org.qkdv2i.kmm.api.KeyManagerException;
import org.qkdv2i.kmm.api.KeyRequest;
import org.qkdv2i.kmm.internal.core.Directory;
import org.qkdv2i.kmm.internal.core.KmmCore;
import org.qkdv2i.kmm.internal.core.KmmSettings;
import org.qkdv2i.kmm.internal.core.PeerTransport;
import org.qkdv2i.kmm.internal.core.Qos;
import org.qkdv2i.qkd.api.KeyBlock;
import org.qkdv2i.qkd.api.LinkEnd;
import org.qkdv2i.qkd.api.QkdRole;
import org.qkdv2i.tls.BcNodeTls;
import org.qkdv2i.tls.DevPki;
import org.qkdv2i.tls.NodeTls;

/** The reservation protocol over real HTTPS with mutual TLS and dev PKI certificates. */
public class PeerHttpsTest {

    @ClassRule
    public static TemporaryFolder pkiFolder = new TemporaryFolder();
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private static NodeTls tlsA;
    private static NodeTls tlsB;
    private static NodeTls tlsC;

    @BeforeClass
    public static void pki() throws Exception {
        Path pki = pkiFolder.getRoot().toPath();
        char[] pw = DevPki.DEFAULT_PASSWORD.toCharArray();
        DevPki.Result r = DevPki.init(pki, List.of("A", "B", "C"), List.of(), pw);
        tlsA = BcNodeTls.load("A", r.nodeKeyStore("A"), pw, r.caCertificate(), null, null);
        tlsB = BcNodeTls.load("B", r.nodeKeyStore("B"), pw, r.caCertificate(), null, null);
        tlsC = BcNodeTls.load("C", r.nodeKeyStore("C"), pw, r.caCertificate(), null, null);
    }

    private KmmCore a;
    private KmmCore b;
    private PeerServer serverB;
    private HttpsPeerTransport clientA;

    @Before
    public void setUp() throws Exception {
        Directory dir = new Directory() {
            @Override
            public Map<String, String> saes() {
                return Map.of("sa", "A", "sb", "B");
            }

            @Override
            public Optional<Qos> qos(String m, String s) {
                return Optional.empty();
            }
        };
        byte[] kek = new byte[32];
        new SecureRandom().nextBytes(kek);
        a = new KmmCore(KmmSettings.defaults("A"), tmp.newFolder("A").toPath(), kek, dir, Clock.systemUTC(),
                new SecureRandom(), e -> { });
        b = new KmmCore(KmmSettings.defaults("B"), tmp.newFolder("B").toPath(), kek, dir, Clock.systemUTC(),
                new SecureRandom(), e -> { });
        byte[] block = new byte[32 * 64];
        new SecureRandom().nextBytes(block);
        UUID id = UUID.randomUUID();
        a.keyBlock(new LinkEnd("L", "A", "B", QkdRole.TRANSMITTER), new KeyBlock(id, block, Instant.now(), 0, 0));
        b.keyBlock(new LinkEnd("L", "B", "A", QkdRole.RECEIVER), new KeyBlock(id, block, Instant.now(), 0, 0));
        serverB = new PeerServer(tlsB, "127.0.0.1", 0, () -> Set.of("A"), b::reserve);
        serverB.start();
        clientA = new HttpsPeerTransport(tlsA, () -> Map.of("B", "https://127.0.0.1:" + serverB.port()), () -> 3000);
        a.setTransport(clientA);
    }

    @After
    public void tearDown() {
        if (clientA != null) {
            clientA.close();
        }
        if (serverB != null) {
            serverB.close();
        }
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    @Test
    public void keysReservedOverMutualTlsAreServedAtThePeer() throws Exception {
        List<Key> enc = a.newKeys(new KeyRequest("sa", "sb", 3, 512));
        List<UUID> ids = enc.stream().map(Key::id).collect(Collectors.toList());
        List<Key> dec = b.keysById("sb", "sa", ids);
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(enc.get(i).bytes(), dec.get(i).bytes());
        }
    }

    @Test
    public void aNodeThatIsNotAConfiguredPeerIsRefused() throws Exception {
        try (HttpsPeerTransport clientC = new HttpsPeerTransport(tlsC,
                () -> Map.of("B", "https://127.0.0.1:" + serverB.port()), () -> 3000)) {
            clientC.reserve("B", new PeerTransport.ReserveRequest("L", "sa", List.of("sb"), List.of()));
            fail("C is not a peer of B");
        } catch (PeerTransport.PeerException e) {
            assertTrue(e.refused());
            assertTrue(e.getMessage(), e.getMessage().contains("not a configured peer"));
        }
        assertEquals(0, b.waitingKeys());
    }

    @Test
    public void anUnreachablePeerConsumesNothing() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        long before = a.pools().get(0).ownKeys();
        try (HttpsPeerTransport dead = new HttpsPeerTransport(clientTls(), () -> Map.of("B",
                "https://127.0.0.1:" + closedPort), () -> 1000)) {
            a.setTransport(dead);
            a.newKeys(new KeyRequest("sa", "sb", 1, 256));
            fail();
        } catch (KeyManagerException e) {
            assertEquals(KeyManagerException.Reason.UNAVAILABLE, e.reason());
            assertEquals("peer KMM B unreachable", e.getMessage());
        }
        assertEquals(before, a.pools().get(0).ownKeys());
    }

    private NodeTls clientTls() {
        return tlsC; // any valid identity: the connection is refused before TLS
    }
}
