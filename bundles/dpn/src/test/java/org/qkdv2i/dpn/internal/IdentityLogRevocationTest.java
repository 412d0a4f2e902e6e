package org.qkdv2i.dpn.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.qkdv2i.dpn.api.DpnException;
import org.qkdv2i.dpn.api.DpnSession;
import org.qkdv2i.dpn.api.LogEntry;
import org.qkdv2i.dpn.identitylog.EmbeddedIdentityLog;
import org.qkdv2i.zap.api.DauKind;
import org.qkdv2i.zap.api.DeviceRole;
import org.qkdv2i.zap.internal.DauComponent;
import org.qkdv2i.zap.internal.DauSettings;
import org.qkdv2i.zap.internal.identity.Measurement;
import org.qkdv2i.zap.internal.puf.EmulatedSramPuf;

/**
 * Enrolment and revocation through the real identity log (LOG's single-node embedded log as
 * the IdentityDirectory of ROOT's DAUs and of the DPN endpoints): a revocation appended to the
 * log closes the DPN session at once and refuses the next message and set-up.
 */
public class IdentityLogRevocationTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    private EmbeddedIdentityLog log;
    private final java.util.List<Endpoint> endpoints = new java.util.ArrayList<>();

    @After
    public void tearDown() {
        endpoints.forEach(Endpoint::stop);
        if (log != null) {
            log.close();
        }
    }

    private DauComponent dau(String name, DeviceRole role) throws Exception {
        EmulatedSramPuf puf = new EmulatedSramPuf(
                EmulatedSramPuf.Settings.of(name, 0.10, tmp.getRoot().toPath().resolve(name + "-puf")), new SecureRandom());
        return DauComponent.create(puf, DauSettings.of(name, DauKind.DAU_N, role, "zone-1", tmp.getRoot().toPath().resolve(name)),
                List.of(Measurement.software("org.qkdv2i.dpn", "0.1.0")), Optional.of(log), Clock.systemUTC(),
                new SecureRandom());
    }

    private TestNet.Node endpoint(DauComponent dau) throws Exception {
        TestNet.Node n = new TestNet.Node(dau, Settings.of(dau.identityRecord().name()),
                new org.qkdv2i.zap.internal.message.MessageProtectionComponent(), Clock.systemUTC());
        n.endpoint.start();
        n.endpoint.setDirectory(log);
        endpoints.add(n.endpoint);
        return n;
    }

    @Test
    public void aRevocationInTheLogClosesTheSessionAndRefusesTheNextMessage() throws Exception {
        log = EmbeddedIdentityLog.inMemory();
        DauComponent bsDau = dau("bs-E", DeviceRole.BASE_STATION);
        DauComponent rsuDau = dau("rsu-7-n", DeviceRole.RSU);
        LogEntry e1 = log.enrol(bsDau.identityRecord());
        LogEntry e2 = log.enrol(rsuDau.identityRecord());
        assertEquals(LogEntry.Type.ENROL, e2.type());
        assertTrue(e2.index() > e1.index());
        TestNet.Node bs = endpoint(bsDau);
        TestNet.Node rsu = endpoint(rsuDau);

        // first contact: the DAUs take each other's ML-DSA / ML-KEM keys from the log
        DpnSession s = bs.endpoint.connect(rsu.endpoint.listenAddress(), rsuDau.id());
        assertTrue(((Session) s).postQuantumAuthenticated());
        s.send("before".getBytes(StandardCharsets.UTF_8));
        assertEquals("before", new String(rsu.next().payload(), StandardCharsets.UTF_8));

        LogEntry revoked = log.revoke(rsuDau.id(), "RSU cabinet opened");
        assertEquals(LogEntry.Type.REVOKE, revoked.type());
        TestNet.await("session closed by the log's revocation", () -> !s.isOpen());
        try {
            s.send("after".getBytes(StandardCharsets.UTF_8));
            fail();
        } catch (DpnException e) {
            assertEquals(DpnException.Reason.REVOKED, e.reason());
        }
        TestNet.await("closed at the RSU too", () -> rsu.endpoint.sessions().isEmpty());
        try {
            bs.endpoint.connect(rsu.endpoint.listenAddress(), rsuDau.id());
            fail();
        } catch (DpnException e) {
            assertEquals(DpnException.Reason.REVOKED, e.reason());
        }
        assertTrue(rsu.inbox.isEmpty());
        bsDau.close();
        rsuDau.close();
    }
}
