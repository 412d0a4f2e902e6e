package org.qkdv2i.dpn.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.charset.StandardCharsets;

import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.qkdv2i.dpn.api.DpnException;
import org.qkdv2i.dpn.api.DpnSession;
import org.qkdv2i.dpn.internal.TestNet.Node;
import org.qkdv2i.zap.api.DauKind;
import org.qkdv2i.zap.api.DeviceRole;
import org.qkdv2i.zap.internal.DauComponent;

/** DPN sessions between ROOT's real DAUs (PUF-rooted identities, ZAP unit authentication). */
public class RealDauSessionTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    private final TestNet net = new TestNet();

    @After
    public void tearDown() {
        net.close();
    }

    @Test
    public void firstContactIsPostQuantumLaterSetUpsKmacAndRevocationRefuses() throws Exception {
        DauComponent bsDau = RealZap.dau(tmp.getRoot().toPath(), "bs-E", DauKind.DAU_N, DeviceRole.BASE_STATION, "z",
                0.10, net.directory);
        DauComponent rsuDau = RealZap.dau(tmp.getRoot().toPath(), "rsu-7-n", DauKind.DAU_N, DeviceRole.RSU, "z", 0.10,
                net.directory);
        net.directory.enrol(bsDau.identityRecord());
        net.directory.enrol(rsuDau.identityRecord());
        Node bs = net.add(bsDau, Settings.of("bs-E"));
        Node rsu = net.add(rsuDau, Settings.of("rsu-7-n"));
        Policy bothWays = Policy.parse(new String[] {"BASE_STATION<>RSU"}, false, new String[0], new String[0]);
        bs.policy = bothWays;
        rsu.policy = bothWays;

        DpnSession s = bs.endpoint.connect(rsu.endpoint.listenAddress(), rsu.dau.id());
        assertTrue("no relation yet: ML-DSA + ML-KEM", ((Session) s).postQuantumAuthenticated());
        s.send("one".getBytes(StandardCharsets.UTF_8));
        assertEquals("one", new String(rsu.next().payload(), StandardCharsets.UTF_8));
        s.close();
        TestNet.await("closed at the RSU", () -> rsu.endpoint.sessions().isEmpty());

        // ZAP: the responder's relation is confirmed at once, the initiator's only once the peer
        // used it, so the RSU's set-up towards the base station runs KMAC over the new relation ...
        DpnSession back = rsu.endpoint.connect(bs.endpoint.listenAddress(), bs.dau.id());
        assertFalse("enrolled relation: KMAC", ((Session) back).postQuantumAuthenticated());
        back.close();
        TestNet.await("closed at the base station", () -> bs.endpoint.sessions().isEmpty());
        // ... and from then on the base station's too
        DpnSession s2 = bs.endpoint.connect(rsu.endpoint.listenAddress(), rsu.dau.id());
        assertFalse("enrolled relation: KMAC", ((Session) s2).postQuantumAuthenticated());
        s2.send("two".getBytes(StandardCharsets.UTF_8));
        TestNet.Received r = rsu.next();
        assertEquals("two", new String(r.payload(), StandardCharsets.UTF_8));
        r.session().send("up".getBytes(StandardCharsets.UTF_8));
        assertEquals("up", new String(bs.next().payload(), StandardCharsets.UTF_8));

        net.directory.revoke(rsuDau.id());
        try {
            s2.send("x".getBytes(StandardCharsets.UTF_8));
            fail();
        } catch (DpnException e) {
            assertEquals(DpnException.Reason.REVOKED, e.reason());
        }
        try {
            bs.endpoint.connect(rsu.endpoint.listenAddress(), rsu.dau.id());
            fail();
        } catch (DpnException e) {
            assertEquals(DpnException.Reason.REVOKED, e.reason());
        }
        assertTrue(bs.endpoint.sessions().isEmpty());
    }
}
