package org.qkdv2i.it.platform;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.qkdv2i.dpn.api.DpnEndpoint;
import org.qkdv2i.dpn.api.DpnException;
import org.qkdv2i.dpn.api.DpnMessageHandler;
import org.qkdv2i.dpn.api.DpnSession;
import org.qkdv2i.dpn.api.IdentityLog;
import org.qkdv2i.dpn.api.LogEntry;
import org.qkdv2i.dpn.api.SignedTreeHead;
import org.qkdv2i.it.exam.ExamOptions;
import org.qkdv2i.zap.api.DeviceAuthenticationUnit;
import org.qkdv2i.zap.api.DeviceId;
import org.qkdv2i.zap.api.IdentityDirectory;

/**
 * The issue-5 security bundles in Felix, wired by DS and configured through ConfigurationAdmin
 * only, on top of two real KMM nodes A and B (test driver link A–B, mutual TLS): emulated SRAM
 * PUFs, three DAUs (base stations bs-E at node A and bs-F at node B, road-side unit rsu-7),
 * a single-node identity log, the default DPN policy and one DPN endpoint per DAU on real TCP
 * sockets. Base stations mix a QKD key from their KMMs into their session; the RSU's session is
 * keyed from ZAP alone; a revocation in the log closes the RSU's session and refuses the next
 * set-up; a DAU leaving takes its endpoint with it and coming back restores it.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DpnIT {

    static final String PUF_PID = "org.qkdv2i.zap.EmulatedSramPuf";
    static final String DAU_PID = "org.qkdv2i.zap.Dau";
    static final String LOG_PID = "org.qkdv2i.dpn.IdentityLog";
    static final String ENDPOINT_PID = "org.qkdv2i.dpn.Endpoint";

    @Inject
    BundleContext context;

    private TwoNodes nodes;
    private final Map<String, BlockingQueue<String>> inbox = new ConcurrentHashMap<>();
    private final java.util.List<ServiceRegistration<?>> handlers = new java.util.ArrayList<>();
    private final Map<String, org.osgi.service.cm.Configuration> dauConfigs = new ConcurrentHashMap<>();

    @Configuration
    public Option[] config() {
        return Platform.options(ours("zap.api"), ours("zap"), ours("dpn.api"), ours("dpn"), ours("dpn.identitylog"));
    }

    private static Option ours(String name) {
        return ExamOptions.fileBundle(new File(System.getProperty("qkdv2i.bundle." + name)), ExamOptions.LEVEL_OURS);
    }

    @Before
    public void setUp() throws Exception {
        nodes = new TwoNodes(context).configureAll();
        nodes.create(LOG_PID + "", TwoNodes.props("logId", "it-log", "selfId", "bs-E",
                "storageDir", nodes.dir.resolve("idlog").toString()));
        device("bs-E", "BASE_STATION", "DAU_N", "core", TwoNodes.A, TwoNodes.SAE_A, TwoNodes.SAE_B);
        device("bs-F", "BASE_STATION", "DAU_N", "core", TwoNodes.B, TwoNodes.SAE_B, TwoNodes.SAE_A);
        device("rsu-7", "RSU", "DAU_N", "core", null, null, null);
        for (String dau : new String[] { "bs-E", "bs-F", "rsu-7" }) {
            BlockingQueue<String> q = new LinkedBlockingQueue<>();
            inbox.put(dau, q);
            Hashtable<String, Object> p = new Hashtable<>();
            p.put(DeviceAuthenticationUnit.NAME, dau);
            handlers.add(context.registerService(DpnMessageHandler.class,
                    (session, payload) -> q.add(new String(payload, StandardCharsets.UTF_8)), p));
        }
    }

    /** A PUF, a DAU and a DPN endpoint for one device; QKD mixing where a KMM node is named. */
    private org.osgi.service.cm.Configuration device(String name, String role, String kind, String zone, String kmmNode,
            String sae, String peerSae) throws Exception {
        String state = nodes.dir.resolve("dev-" + name).toString();
        nodes.create(PUF_PID, TwoNodes.props("puf.device", name, "meanBitErrorRate", 0.10, "stateDir", state + "/puf"));
        org.osgi.service.cm.Configuration dau = nodes.create(DAU_PID, TwoNodes.props("name", name, "kind", kind,
                "role", role, "zone", zone, "hardware", "it-" + name, "stateDir", state + "/dau",
                "puf.target", "(puf.device=" + name + ")"));
        dauConfigs.put(name, dau);
        Hashtable<String, Object> ep = TwoNodes.props("dauName", name, "host", "127.0.0.1", "port", 0,
                "rekeySeconds", 0L, "sessionSetupTimeoutMillis", 20_000);
        if (kmmNode != null) {
            ep.put("qkdNodeId", kmmNode);
            ep.put("qkdSaeId", sae);
            ep.put("qkdPeerSaeId", new String[] { peerSae });
            ep.put("quantumKeyRequired", true);
        }
        nodes.create(ENDPOINT_PID, ep);
        return dau;
    }

    @After
    public void tearDown() {
        handlers.forEach(ServiceRegistration::unregister);
        nodes.close();
    }

    private <S> S await(Class<S> type, String filter) {
        return Await.value(type.getSimpleName() + " " + filter, 60, TimeUnit.SECONDS, () -> {
            ServiceReference<S> ref = ref(type, filter);
            return ref == null ? null : context.getService(ref);
        });
    }

    private <S> ServiceReference<S> ref(Class<S> type, String filter) {
        try {
            Collection<ServiceReference<S>> refs = context.getServiceReferences(type, filter);
            return refs.isEmpty() ? null : refs.iterator().next();
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private DpnEndpoint endpoint(String dau) {
        return await(DpnEndpoint.class, "(dau.name=" + dau + ")");
    }

    private DeviceAuthenticationUnit dau(String name) {
        return await(DeviceAuthenticationUnit.class, "(dau.name=" + name + ")");
    }

    private LogEntry enrol(IdentityLog log, String dau) throws Exception {
        return log.enrol(dau(dau).identityRecord());
    }

    private String next(String dau) throws InterruptedException {
        String m = inbox.get(dau).poll(30, TimeUnit.SECONDS);
        if (m == null) {
            fail("no message reached " + dau + " within 30 s");
        }
        return m;
    }

    @Test
    public void baseStationsMixAQkdKeyTheRsuSessionIsKeyedByZapAlone() throws Exception {
        IdentityLog log = await(IdentityLog.class, null);
        for (String d : new String[] { "bs-E", "bs-F", "rsu-7" }) {
            LogEntry e = enrol(log, d);
            assertEquals(LogEntry.Type.ENROL, e.type());
            assertEquals(dau(d).id(), e.deviceId());
        }
        SignedTreeHead head = log.treeHead();
        assertEquals("three enrolments in the log", 3, head.treeSize());
        assertEquals(32, head.rootHash().length);
        IdentityDirectory directory = await(IdentityDirectory.class, null);
        assertTrue(directory.find(dau("rsu-7").id()).isPresent());

        // the KMMs must have key for the base stations' QKD mixing
        nodes.awaitOwnKeys(TwoNodes.A, 4, 60);
        nodes.awaitOwnKeys(TwoNodes.B, 4, 60);

        DpnEndpoint e = endpoint("bs-E");
        DpnEndpoint f = endpoint("bs-F");
        DpnSession ef = Await.value("bs-E -> bs-F session", 60, TimeUnit.SECONDS, () -> {
            try {
                return e.connect(f.listenAddress(), f.deviceId());
            } catch (DpnException ex) {
                throw new IllegalStateException(ex.reason() + ": " + ex.getMessage(), ex); // KMM peers still wiring
            }
        });
        assertTrue("a QKD key from the KMMs is mixed into the base stations' session", ef.quantumKeyed());
        assertEquals(f.deviceId(), ef.peer().id());
        ef.send("handover context for vehicle 42".getBytes(StandardCharsets.UTF_8));
        assertEquals("handover context for vehicle 42", next("bs-F"));

        ef.rekey();
        assertEquals(1, ef.epoch());
        ef.send("after rekey".getBytes(StandardCharsets.UTF_8));
        assertEquals("after rekey", next("bs-F"));

        DpnEndpoint rsu = endpoint("rsu-7");
        DpnSession er = e.connect(rsu.listenAddress(), rsu.deviceId());
        assertFalse("an RSU has no QKD link: ZAP keys only", er.quantumKeyed());
        er.send("downstream".getBytes(StandardCharsets.UTF_8));
        assertEquals("downstream", next("rsu-7"));
        byte[] pskAtBs = er.exportKey("v2x-psk", 16);
        DpnSession atRsu = Await.value("the session at rsu-7", 30, TimeUnit.SECONDS,
                () -> rsu.sessions().stream().filter(s -> s.sessionId() == er.sessionId()).findFirst().orElse(null));
        assertArrayEquals("both ends export the same keying material", pskAtBs, atRsu.exportKey("v2x-psk", 16));
        atRsu.send("upstream".getBytes(StandardCharsets.UTF_8));
        assertEquals("upstream", next("bs-E"));
    }

    @Test
    public void aRevocationClosesTheSessionAndRefusesTheNextSetUp() throws Exception {
        IdentityLog log = await(IdentityLog.class, null);
        enrol(log, "bs-E");
        enrol(log, "rsu-7");
        DpnEndpoint e = endpoint("bs-E");
        DpnEndpoint rsu = endpoint("rsu-7");
        DeviceId rsuId = rsu.deviceId();
        DpnSession s = e.connect(rsu.listenAddress(), rsuId);
        s.send("before".getBytes(StandardCharsets.UTF_8));
        assertEquals("before", next("rsu-7"));

        LogEntry revoked = log.revoke(rsuId, "stolen RSU");
        assertEquals(LogEntry.Type.REVOKE, revoked.type());
        Await.until("the session to the revoked RSU to close", 30, TimeUnit.SECONDS, () -> !s.isOpen());
        try {
            s.send("after".getBytes(StandardCharsets.UTF_8));
            fail("a message to a revoked device was sent");
        } catch (DpnException expected) {
            assertTrue(expected.reason() + ": " + expected.getMessage(),
                    expected.reason() == DpnException.Reason.REVOKED || expected.reason() == DpnException.Reason.CLOSED);
        }
        InetSocketAddress at = rsu.listenAddress();
        try {
            e.connect(at, rsuId);
            fail("a session to a revoked device was set up");
        } catch (DpnException expected) {
            assertTrue(expected.reason() + ": " + expected.getMessage(),
                    expected.reason() == DpnException.Reason.REVOKED
                            || expected.reason() == DpnException.Reason.AUTHENTICATION_FAILED);
        }
        assertTrue(inbox.get("rsu-7").isEmpty());
    }

    @Test
    public void aDauLeavingTakesItsEndpointAlongAndItsReturnRestoresIt() throws Exception {
        DpnEndpoint before = endpoint("rsu-7");
        DeviceId id = before.deviceId();
        org.osgi.service.cm.Configuration dauConfig = dauConfigs.get("rsu-7");
        Hashtable<String, Object> props = new Hashtable<>();
        for (String k : java.util.Collections.list(dauConfig.getProperties().keys())) {
            props.put(k, dauConfig.getProperties().get(k));
        }
        dauConfig.delete();
        Await.until("rsu-7's endpoint to withdraw with its DAU", 30, TimeUnit.SECONDS,
                () -> ref(DpnEndpoint.class, "(dau.name=rsu-7)") == null);

        props.remove("service.pid");
        props.remove("service.factoryPid");
        nodes.create(DAU_PID, props);
        DpnEndpoint after = endpoint("rsu-7");
        assertEquals("the same PUF and measurement give the same identity", id, after.deviceId());
    }
}
