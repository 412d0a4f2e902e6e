package org.qkdv2i.dpn.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.qkdv2i.dpn.api.DpnSession;
import org.qkdv2i.dpn.internal.TestNet.Node;
import org.qkdv2i.kmm.internal.core.PeerTransport.AssignRequest;
import org.qkdv2i.kmm.internal.core.PeerTransport.AssignResult;
import org.qkdv2i.kmm.internal.core.PeerTransport.ClaimRequest;
import org.qkdv2i.kmm.internal.core.PeerTransport.ClaimResult;
import org.qkdv2i.kmm.internal.core.Directory;
import org.qkdv2i.kmm.internal.core.PeerTransport.InventoryRequest;
import org.qkdv2i.kmm.internal.core.PeerTransport.InventoryResult;
import org.qkdv2i.kmm.internal.core.KmmCore;
import org.qkdv2i.kmm.internal.core.KmmSettings;
import org.qkdv2i.kmm.internal.core.PeerTransport.PeerException;
import org.qkdv2i.kmm.internal.core.PeerTransport;
import org.qkdv2i.kmm.internal.core.Qos;
import org.qkdv2i.kmm.internal.core.PeerTransport.ReserveRequest;
import org.qkdv2i.kmm.internal.core.PeerTransport.ReserveResult;
import org.qkdv2i.qkd.api.KeyBlock;
import org.qkdv2i.qkd.api.LinkEnd;
import org.qkdv2i.qkd.api.QkdRole;
import org.qkdv2i.zap.api.DeviceRole;

/**
 * QKD key mixing between two base stations with the project's real KMM cores (E and F joined
 * by one QKD link, fed the same key blocks, wired in-process): the initiator's enc_keys-style
 * request and the responder's dec_keys-style fetch by ID give both ends the same key.
 */
public class RealKmmMixingTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    private final TestNet net = new TestNet();
    private KmmCore e;
    private KmmCore f;

    @After
    public void tearDown() throws Exception {
        net.close();
        if (e != null) {
            e.close();
        }
        if (f != null) {
            f.close();
        }
    }

    /** The two cores call each other directly (at runtime: HTTPS with mutual TLS). */
    private final PeerTransport direct = new PeerTransport() {
        private KmmCore at(String node) {
            return node.equals("E") ? e : f;
        }

        private String other(String node) {
            return node.equals("E") ? "F" : "E";
        }

        @Override
        public ReserveResult reserve(String peer, ReserveRequest req, long timeoutMillis) throws PeerException {
            return at(peer).reserve(other(peer), req);
        }

        @Override
        public InventoryResult inventory(String peer, InventoryRequest req, long timeoutMillis) throws PeerException {
            return at(peer).inventory(other(peer), req);
        }

        @Override
        public AssignResult assign(String peer, AssignRequest req, long timeoutMillis) throws PeerException {
            return at(peer).assign(other(peer), req);
        }

        @Override
        public ClaimResult claim(String peer, ClaimRequest req, long timeoutMillis) throws PeerException {
            return at(peer).claim(other(peer), req);
        }
    };

    @Test
    public void baseStationsMixKeysFromTheirKmms() throws Exception {
        Directory saes = new Directory() {
            @Override
            public Map<String, String> saes() {
                return Map.of("sae-E", "E", "sae-F", "F");
            }

            @Override
            public Optional<Qos> qos(String masterSaeId, String slaveSaeId) {
                return Optional.empty();
            }
        };
        byte[] kekE = new byte[32];
        byte[] kekF = new byte[32];
        new SecureRandom().nextBytes(kekE);
        new SecureRandom().nextBytes(kekF);
        e = new KmmCore(KmmSettings.defaults("E").withPeer(5000, 0), tmp.newFolder("E").toPath(), kekE, saes,
                Clock.systemUTC(), new SecureRandom(), ev -> { });
        f = new KmmCore(KmmSettings.defaults("F").withPeer(5000, 0), tmp.newFolder("F").toPath(), kekF, saes,
                Clock.systemUTC(), new SecureRandom(), ev -> { });
        e.setTransport(direct);
        f.setTransport(direct);
        LinkEnd endE = new LinkEnd("L-EF", "E", "F", QkdRole.TRANSMITTER);
        LinkEnd endF = new LinkEnd("L-EF", "F", "E", QkdRole.RECEIVER);
        Random r = new Random(7);
        for (int i = 0; i < 8; i++) {
            // what both ends' QKD drivers deliver: the same block, same ID
            byte[] key = new byte[32 * 16];
            r.nextBytes(key);
            UUID id = new UUID(r.nextLong(), r.nextLong());
            java.time.Instant now = java.time.Instant.now();
            e.keyBlock(endE, new KeyBlock(id, key.clone(), now, 0.01, 1e-10));
            f.keyBlock(endF, new KeyBlock(id, key, now, 0.01, 1e-10));
        }

        Node bsE = net.fake("bs-E", DeviceRole.BASE_STATION, "z",
                Settings.of("bs-E").withQkd("sae-E", Map.of("bs-F", "sae-F"), true));
        Node bsF = net.fake("bs-F", DeviceRole.BASE_STATION, "z",
                Settings.of("bs-F").withQkd("sae-F", Map.of("bs-E", "sae-E"), true));
        bsE.keyManager = e;
        bsF.keyManager = f;

        DpnSession s = bsE.endpoint.connect(bsF.endpoint.listenAddress(), bsF.dau.id());
        assertTrue(s.quantumKeyed());
        s.send("over QKD-mixed keys".getBytes(StandardCharsets.UTF_8));
        TestNet.Received got = bsF.next();
        assertEquals("over QKD-mixed keys", new String(got.payload(), StandardCharsets.UTF_8));
        DpnSession atF = got.session();
        assertTrue(atF.quantumKeyed());

        // rekeys from both sides take fresh keys (each side is master SAE for its own request)
        s.rekey();
        TestNet.await("F at epoch 1", () -> atF.epoch() == 1);
        atF.rekey();
        TestNet.await("E at epoch 2", () -> s.epoch() == 2);
        atF.send("back".getBytes(StandardCharsets.UTF_8));
        assertEquals("back", new String(bsE.next().payload(), StandardCharsets.UTF_8));
        assertArrayEquals(s.exportKey("x", 32), atF.exportKey("x", 32));
    }
}
