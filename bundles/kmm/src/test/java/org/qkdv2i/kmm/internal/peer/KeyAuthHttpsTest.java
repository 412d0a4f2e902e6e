package org.qkdv2i.kmm.internal.peer;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.After;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.qkdv2i.kmm.api.Key;
import org.qkdv2i.kmm.api.KeyEvent;
import org.qkdv2i.kmm.api.KeyRequest;
import org.qkdv2i.kmm.api.PoolStatus;
import org.qkdv2i.kmm.internal.Await;
import org.qkdv2i.kmm.internal.core.Directory;
import org.qkdv2i.kmm.internal.core.KmmCore;
import org.qkdv2i.kmm.internal.core.KmmSettings;
import org.qkdv2i.kmm.internal.core.Qos;
import org.qkdv2i.qkd.api.KeyBlock;
import org.qkdv2i.qkd.api.LinkEnd;
import org.qkdv2i.qkd.api.QkdRole;
import org.qkdv2i.tls.BcNodeTls;
import org.qkdv2i.tls.DevPki;
import org.qkdv2i.tls.NodeTls;

/**
 * Key authentication between two KMM cores over real HTTPS with mutual TLS: a block both drivers
 * delivered alike is stored and served; one with a flipped bit at B is destroyed at both ends,
 * raises KEY_AUTHENTICATION_FAILED at both and never reaches an SAE.
 */
public class KeyAuthHttpsTest {

    @ClassRule
    public static TemporaryFolder pkiFolder = new TemporaryFolder();
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private static NodeTls tlsA;
    private static NodeTls tlsB;

    @BeforeClass
    public static void pki() throws Exception {
        Path pki = pkiFolder.getRoot().toPath();
        char[] pw = DevPki.DEFAULT_PASSWORD.toCharArray();
        DevPki.Result r = DevPki.init(pki, List.of("A", "B"), List.of(), pw);
        tlsA = BcNodeTls.load("A", r.nodeKeyStore("A"), pw, r.caCertificate(), null, null);
        tlsB = BcNodeTls.load("B", r.nodeKeyStore("B"), pw, r.caCertificate(), null, null);
    }

    private static final LinkEnd END_A = new LinkEnd("L", "A", "B", QkdRole.TRANSMITTER);
    private static final LinkEnd END_B = new LinkEnd("L", "B", "A", QkdRole.RECEIVER);

    private final List<KeyEvent> events = new CopyOnWriteArrayList<>();
    private KmmCore a;
    private KmmCore b;
    private PeerServer serverA;
    private PeerServer serverB;
    private HttpsPeerTransport clientA;
    private HttpsPeerTransport clientB;

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
        a = new KmmCore(KmmSettings.defaults("A").withPeer(15_000, 0), tmp.newFolder("A").toPath(), kek, dir,
                Clock.systemUTC(), new SecureRandom(), events::add);
        b = new KmmCore(KmmSettings.defaults("B").withPeer(15_000, 0), tmp.newFolder("B").toPath(), kek, dir,
                Clock.systemUTC(), new SecureRandom(), events::add);
        a.setKeyAuthentication(true);
        b.setKeyAuthentication(true);
        a.driverName("L", "sim-A");
        b.driverName("L", "sim-B");
        serverA = new PeerServer(tlsA, "127.0.0.1", 0, () -> Set.of("B"), PeerHttpsTest.endpoint(a));
        serverA.start();
        serverB = new PeerServer(tlsB, "127.0.0.1", 0, () -> Set.of("A"), PeerHttpsTest.endpoint(b));
        serverB.start();
        clientA = new HttpsPeerTransport(tlsA, () -> Map.of("B", "https://127.0.0.1:" + serverB.port()));
        clientB = new HttpsPeerTransport(tlsB, () -> Map.of("A", "https://127.0.0.1:" + serverA.port()));
        a.setTransport(clientA);
        b.setTransport(clientB);
    }

    @After
    public void tearDown() {
        for (AutoCloseable c : new AutoCloseable[] {clientA, clientB, serverA, serverB, a, b}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // closing
            }
        }
    }

    private static long stored(KmmCore core) {
        return core.pools().stream().mapToLong(p -> p.ownKeys() + p.peerKeys()).sum();
    }

    @Test
    public void aFlippedBitAtOneEndNeverReachesAnSaeAndGoodBlocksAreServed() throws Exception {
        byte[] bad = new byte[32 * 64 + 32];
        new SecureRandom().nextBytes(bad);
        byte[] flipped = bad.clone();
        flipped[7] ^= 0x01;
        UUID badId = UUID.randomUUID();
        a.keyBlock(END_A, new KeyBlock(badId, bad, Instant.now(), 0, 0));
        b.keyBlock(END_B, new KeyBlock(badId, flipped, Instant.now(), 0, 0));
        Await.until("alarm at both ends", () -> events.stream()
                .filter(e -> e.type() == KeyEvent.Type.KEY_AUTHENTICATION_FAILED).count() == 2);
        for (KeyEvent e : events) {
            if (e.type() == KeyEvent.Type.KEY_AUTHENTICATION_FAILED) {
                assertEquals("L", e.linkId());
                assertTrue(e.detail(), e.detail().contains("sim-" + e.nodeId()) && e.detail().contains(badId.toString()));
            }
        }
        assertEquals(0, stored(a));
        assertEquals(0, stored(b));
        assertEquals(0, a.blocksAwaitingAuthentication() + b.blocksAwaitingAuthentication());

        byte[] good = new byte[32 * 64 + 32];
        new SecureRandom().nextBytes(good);
        UUID goodId = UUID.randomUUID();
        Instant t = Instant.now();
        b.keyBlock(END_B, new KeyBlock(goodId, good, t, 0, 0));
        a.keyBlock(END_A, new KeyBlock(goodId, good, t, 0, 0));
        Await.until("good block stored at both ends", () -> stored(a) == 64 && stored(b) == 64);
        PoolStatus p = a.pools().get(0);
        assertEquals("L", p.linkId());
        assertTrue(a.keyAuthStats().get(0).bitsSpent() == 512 && a.keyAuthStats().get(0).failed() == 1);
        List<Key> enc = a.newKeys(new KeyRequest("sa", "sb", 4, 256));
        List<Key> dec = b.keysById("sb", "sa", enc.stream().map(Key::id).toList());
        for (int i = 0; i < enc.size(); i++) {
            byte[] k = enc.get(i).bytes();
            assertArrayEquals(k, dec.get(i).bytes());
            for (int off = 0; off + 32 <= bad.length; off += 32) {
                assertTrue("bad block material reached an SAE",
                        !java.util.Arrays.equals(k, 0, 32, bad, off, off + 32)
                                && !java.util.Arrays.equals(k, 0, 32, flipped, off, off + 32));
            }
        }
    }
}
