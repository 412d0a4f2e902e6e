package org.qkdv2i.kmm.internal.peer;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
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
import org.qkdv2i.kmm.internal.Await;
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
        a = new KmmCore(KmmSettings.defaults("A").withPeer(15_000, 0), tmp.newFolder("A").toPath(), kek, dir, Clock.systemUTC(),
                new SecureRandom(), e -> { });
        b = new KmmCore(KmmSettings.defaults("B").withPeer(15_000, 0), tmp.newFolder("B").toPath(), kek, dir, Clock.systemUTC(),
                new SecureRandom(), e -> { });
        byte[] block = new byte[32 * 64];
        new SecureRandom().nextBytes(block);
        UUID id = UUID.randomUUID();
        a.keyBlock(new LinkEnd("L", "A", "B", QkdRole.TRANSMITTER), new KeyBlock(id, block, Instant.now(), 0, 0));
        b.keyBlock(new LinkEnd("L", "B", "A", QkdRole.RECEIVER), new KeyBlock(id, block, Instant.now(), 0, 0));
        serverB = new PeerServer(tlsB, "127.0.0.1", 0, () -> Set.of("A"), endpoint(b));
        serverB.start();
        clientA = new HttpsPeerTransport(tlsA, () -> Map.of("B", "https://127.0.0.1:" + serverB.port()));
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
    public void aKeyReplacedAtTheMastersNodeIsVoidedAtThePeerOverMutualTls() throws Exception {
        Key old = a.newKeys(new KeyRequest("sa", "sb", 1, 256)).get(0);
        Await.until("recorded at B", () -> a.unrecordedKeys("B") == 0 && b.waitingKeys() == 1);
        List<Key> fresh = a.replaceKey(new KeyRequest("sa", "sb", 1, 256), old.id());
        assertFalse(fresh.get(0).id().equals(old.id()));
        try {
            b.keysById("sb", "sa", List.of(old.id()));
            fail("a voided key was served at the peer");
        } catch (KeyManagerException e) {
            assertEquals(KeyManagerException.Reason.KEYS_NOT_FOUND, e.reason());
            assertTrue(e.getMessage(), e.getMessage().contains("voided"));
        }
        Await.until("fresh key recorded at B", () -> a.unrecordedKeys("B") == 0);
        assertArrayEquals(fresh.get(0).bytes(), b.keysById("sb", "sa", List.of(fresh.get(0).id())).get(0).bytes());
        // a node that does not serve the master SAE cannot void its keys at the peer
        try {
            clientA.voidKeys("B", new PeerTransport.VoidKeysRequest(List.of(UUID.randomUUID()), "sb", "forged"), 15_000);
            fail("A voided keys of a master SAE it does not serve");
        } catch (PeerTransport.PeerException e) {
            assertTrue(e.refused());
        }
    }

    @Test
    public void aNodeThatIsNotAConfiguredPeerIsRefused() throws Exception {
        try (HttpsPeerTransport clientC = new HttpsPeerTransport(tlsC,
                () -> Map.of("B", "https://127.0.0.1:" + serverB.port()))) {
            clientC.reserve("B", new PeerTransport.ReserveRequest("L", "sa", List.of("sb"), List.of()), 15_000);
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
                "https://127.0.0.1:" + closedPort))) {
            a.setTransport(dead);
            a.newKeys(new KeyRequest("sa", "sb", 1, 256));
            fail();
        } catch (KeyManagerException e) {
            assertEquals(KeyManagerException.Reason.UNAVAILABLE, e.reason());
            assertEquals("peer KMM B unreachable; no detour: no virtual link joins A and B", e.getMessage());
        }
        assertEquals(before, a.pools().get(0).ownKeys());
    }

    @Test
    public void aServerWhoseCertificateNamesAnotherNodeIsRefused() throws Exception {
        // C holds a valid certificate from the same CA, with SAN localhost like every dev node,
        // and would even answer with B's data: A must still refuse to talk to it as B
        PeerServer impostor = new PeerServer(tlsC, "127.0.0.1", 0, () -> Set.of("A"), endpoint(b));
        impostor.start();
        long before = a.pools().get(0).ownKeys();
        try (HttpsPeerTransport toImpostor = new HttpsPeerTransport(tlsA,
                () -> Map.of("B", "https://localhost:" + impostor.port()))) {
            try {
                toImpostor.reserve("B", new PeerTransport.ReserveRequest("L", "sa", List.of("sb"), List.of()), 15_000);
                fail("C answered as B");
            } catch (PeerTransport.PeerException e) {
                assertFalse(e.refused());
                assertTrue(e.getMessage(), e.getMessage().contains("not peer node B"));
            }
            a.setTransport(toImpostor);
            try {
                a.newKeys(new KeyRequest("sa", "sb", 2, 256));
                fail("keys handed out after talking to the wrong node");
            } catch (KeyManagerException e) {
                assertEquals(KeyManagerException.Reason.UNAVAILABLE, e.reason());
            }
        } finally {
            impostor.close();
        }
        assertEquals(before, a.pools().get(0).ownKeys());
        assertEquals(0, b.waitingKeys());
    }

    @Test
    public void driverMessagesTravelOverMutualTlsAndRefusalsCarryTheReason() throws Exception {
        byte[] reply = clientA.driverMessage("B", "echo", "key IDs 1,2,3".getBytes(StandardCharsets.UTF_8), 15_000);
        assertEquals("echo:key IDs 1,2,3", new String(reply, StandardCharsets.UTF_8));
        try {
            clientA.driverMessage("B", "other-link", new byte[] {1}, 15_000);
            fail("a message for a link without a driver was accepted");
        } catch (PeerTransport.PeerException e) {
            assertTrue(e.refused());
            assertTrue(e.getMessage(), e.getMessage().contains("no driver of link other-link"));
        }
    }

    @Test
    public void aSlaveKmeClaimsKeysOverMutualTlsBeforeTheirRecordArrives() throws Exception {
        // a channel B -> A as well, so B's dec_keys can ask A
        PeerServer serverA = new PeerServer(tlsA, "127.0.0.1", 0, () -> Set.of("B"), endpoint(a));
        serverA.start();
        HttpsPeerTransport clientB = new HttpsPeerTransport(tlsB, () -> Map.of("A", "https://127.0.0.1:" + serverA.port()));
        try {
            b.setTransport(clientB);
            assertTrue(a.sync("L").complete()); // B confirms A's half
            List<Key> enc = a.newKeys(new KeyRequest("sa", "sb", 4, 256));
            List<Key> dec = b.keysById("sb", "sa", enc.stream().map(Key::id).collect(Collectors.toList()));
            for (int i = 0; i < 4; i++) {
                assertArrayEquals(enc.get(i).bytes(), dec.get(i).bytes());
            }
            Await.until("recorded at B", () -> a.unrecordedKeys("B") == 0);
            assertEquals(0, a.discardedUnmatched("L"));
        } finally {
            clientB.close();
            serverA.close();
        }
    }

    @Test
    public void inventoryOverMutualTlsRemovesWhatThePeerLacks() throws Exception {
        byte[] onlyA = new byte[32 * 500];
        new SecureRandom().nextBytes(onlyA);
        a.keyBlock(new LinkEnd("L", "A", "B", QkdRole.TRANSMITTER),
                // a block B's driver lost, well before the newest block B ingested
                new KeyBlock(UUID.randomUUID(), onlyA, Instant.now().minusSeconds(10), 0, 0));
        long ownBefore = a.pools().get(0).ownKeys();
        KmmCore.SyncResult r = a.sync("L");
        assertTrue(r.error(), r.complete());
        assertTrue("the peer lacked none of A's half? " + r, r.lacked() > 100);
        assertEquals(r.lacked(), r.destroyed());
        assertEquals(ownBefore - r.destroyed(), a.pools().get(0).ownKeys());
        assertEquals(r.destroyed(), a.discardedUnmatched("L"));
        // what is left at A is exactly B's copy of A's half
        assertEquals(b.pools().get(0).peerKeys(), a.pools().get(0).ownKeys());
        List<Key> enc = a.newKeys(new KeyRequest("sa", "sb", 5, 256));
        // confirmed by the sync: delivered at once, recorded at B by A's assigner (B has no channel back to A here)
        Await.until("recorded at B", () -> a.unrecordedKeys("B") == 0);
        assertEquals(5, b.keysById("sb", "sa", enc.stream().map(Key::id).collect(Collectors.toList())).size());
    }

    static PeerServer.Endpoint endpoint(KmmCore core) {
        // the one driver here is an echo on link "echo"
        return PeerServer.Endpoint.of(core, (caller, linkId, message) -> {
            if (!"echo".equals(linkId)) {
                throw new PeerTransport.PeerException("no driver of link " + linkId, true);
            }
            return ("echo:" + new String(message, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        });
    }

    private NodeTls clientTls() {
        return tlsC; // any valid identity: the connection is refused before TLS
    }
}
