package org.qkdv2i.it.platform;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
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
import org.osgi.framework.ServiceReference;
import org.qkdv2i.it.exam.ExamOptions;
import org.qkdv2i.kmm.api.KeyManager;
import org.qkdv2i.kmm.api.PoolStatus;
import org.qkdv2i.kmm.api.RelayRoutes;
import org.qkdv2i.kmm.api.VirtualLink;
import org.qkdv2i.sdn.api.AppStatus;
import org.qkdv2i.sdn.api.KeyPool;
import org.qkdv2i.sdn.api.QkdApp;
import org.qkdv2i.sdn.api.QkdLink;
import org.qkdv2i.sdn.api.QkdNode;
import org.qkdv2i.sdn.api.QkdlStatus;
import org.qkdv2i.sdn.api.QkdlType;
import org.qkdv2i.sdn.api.RestconfError;
import org.qkdv2i.sdn.api.json.Qkd015Json;
import org.qkdv2i.tls.DevPki;

/**
 * The SDN agents of two real nodes A–B (KMM, test driver, mutual TLS) in one framework,
 * configured through ConfigurationAdmin only: the ETSI GS QKD 015 JSON they serve matches
 * the KMM's own model (pools, driver status, RelayRoutes), and a controller's writes reach
 * the node's RelayRoutes (or come back as RFC 8040 errors when RelayRoutes refuses).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SdnAgentIT {

    static final String AGENT_PID = "org.qkdv2i.sdn.Agent";
    static final String CONTROLLER = "controller-1";
    static final char[] PW = DevPki.DEFAULT_PASSWORD.toCharArray();

    @Inject
    BundleContext context;

    private TwoNodes nodes;
    private final int agentPortA = TwoNodes.freePort();
    private final int agentPortB = TwoNodes.freePort();
    private AgentClient controllerA;
    private AgentClient controllerB;
    private AgentClient saeA;
    private final Qkd015Json json = Qkd015Json.strict();

    @Configuration
    public Option[] config() {
        return Platform.options(
                ExamOptions.fileBundle(new File(System.getProperty("qkdv2i.bundle.sdn.api")), ExamOptions.LEVEL_OURS),
                ExamOptions.fileBundle(new File(System.getProperty("qkdv2i.bundle.sdn.agent")), ExamOptions.LEVEL_OURS));
    }

    @Before
    public void setUp() throws Exception {
        nodes = new TwoNodes(context).configureAll();
        Path pki = nodes.pki.dir();
        DevPki.init(pki, List.of(), List.of(CONTROLLER), PW); // the controller's certificate, same CA
        nodes.create(AGENT_PID, TwoNodes.props("nodeId", TwoNodes.A, "port", agentPortA,
                "controllers", new String[] { CONTROLLER }, "location", "rooftop-A"));
        nodes.create(AGENT_PID, TwoNodes.props("nodeId", TwoNodes.B, "port", agentPortB,
                "controllers", new String[] { CONTROLLER }));
        Path ca = nodes.pki.caCertificate();
        controllerA = new AgentClient(nodes.pki.saeKeyStore(CONTROLLER), PW, ca, agentPortA);
        controllerB = new AgentClient(nodes.pki.saeKeyStore(CONTROLLER), PW, ca, agentPortB);
        saeA = new AgentClient(nodes.pki.saeKeyStore(TwoNodes.SAE_A), PW, ca, agentPortA);
    }

    @After
    public void tearDown() {
        nodes.close();
    }

    /** GET of the whole node once the agent listens and serves from the node's KMM. */
    private QkdNode node(AgentClient c) {
        return Await.value("the agent to serve its node", 30, TimeUnit.SECONDS, () -> {
            try {
                AgentClient.Reply r = c.get("");
                return r.status() == 200 ? json.readNode(r.body()) : null;
            } catch (Exception e) {
                throw new IllegalStateException(e.toString(), e); // not listening yet: retried
            }
        });
    }

    private RelayRoutes routes(String node) {
        return Await.value("RelayRoutes of node " + node, 30, TimeUnit.SECONDS, () -> {
            try {
                Collection<ServiceReference<RelayRoutes>> refs = context.getServiceReferences(RelayRoutes.class,
                        "(qkd.node=" + node + ")");
                return refs.isEmpty() ? null : context.getService(refs.iterator().next());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static RestconfError error(AgentClient.Reply r, int status) throws Exception {
        assertEquals(r.text(), status, r.status());
        List<RestconfError> errors = Qkd015Json.lenient().readErrors(r.body());
        assertEquals(1, errors.size());
        assertFalse("no stack trace", r.text().contains("\tat "));
        return errors.get(0);
    }

    private static String virt(String id, String first, String last, String prev, String next) {
        return "{\"etsi-qkd-sdn-node:qkd_link\":[{\"qkdl_id\":\"" + id + "\",\"qkdl_type\":\"etsi-qkd-node-types:VIRT\","
                + "\"qkdl_local\":{\"qkdn_id\":\"" + first + "\"},\"qkdl_remote\":{\"qkdn_id\":\"" + last + "\"}"
                + (prev == null ? "" : ",\"virt_prev_hop\":\"" + prev + "\"")
                + (next == null ? "" : ",\"virt_next_hop\":[\"" + next + "\"]") + "}]}";
    }

    @Test
    public void the015JsonMirrorsTheKmmModel() throws Exception {
        PoolStatus before = nodes.awaitOwnKeys(TwoNodes.A, 16, 30);
        KeyManager a = nodes.keyManager(TwoNodes.A);
        QkdNode node = node(controllerA);
        PoolStatus after = nodes.pool(a);

        assertEquals(TwoNodes.A, node.qkdnId());
        assertEquals("rooftop-A", node.qkdnLocationId());
        assertTrue(node.qkdnCapabilities().keyRelayModeEnable());
        assertEquals(1, node.qkdInterfaces().size());
        QkdLink ab = node.link(TwoNodes.LINK).orElseThrow();
        assertEquals(QkdlType.PHYS, ab.qkdlType());
        assertEquals(QkdlStatus.ACTIVE, ab.qkdlStatus());
        assertEquals(TwoNodes.A, ab.localNode());
        assertEquals(TwoNodes.B, ab.remoteNode());
        assertEquals(node.qkdInterfaces().get(0).qkdiId(), (long) ab.qkdlLocal().qkdiId());
        assertEquals("UP", ab.qkdlPerformance().driverState());
        assertEquals(before.link().qber(), ab.qkdlPerformance().qber(), 0.0005); // 3 fraction digits on the wire
        assertEquals(Math.round(before.link().secretKeyRate()), (long) ab.qkdlPerformance().skr());
        KeyPool pool = ab.qkdlPerformance().keyPool();
        assertEquals(before.capacity(), pool.capacity());
        assertEquals(before.keyBits(), pool.keyBits());
        assertTrue("own keys between the two reads of the pool: " + pool,
                pool.ownKeys() >= Math.min(before.ownKeys(), after.ownKeys())
                        && pool.ownKeys() <= Math.max(before.ownKeys(), after.ownKeys()));

        // node B sees the same link from its end
        QkdLink ba = node(controllerB).link(TwoNodes.LINK).orElseThrow();
        assertEquals(TwoNodes.B, ba.localNode());
        assertEquals(TwoNodes.A, ba.remoteNode());

        // RelayRoutes' virtual links appear as VIRT links, with this node's view
        routes(TwoNodes.A).putVirtualLink(new VirtualLink("v-A-C", "A", "C", null, "B"));
        QkdLink v = json.readLink(controllerA.get("/qkd_links/qkd_link=v-A-C").body());
        assertEquals(QkdlType.VIRT, v.qkdlType());
        assertEquals("A", v.localNode());
        assertEquals("C", v.remoteNode());
        assertEquals(null, v.virtPrevHop());
        assertEquals(List.of("B"), v.virtNextHop());
        assertEquals("its only hop (A-B) is active", QkdlStatus.ACTIVE, v.qkdlStatus());
        routes(TwoNodes.A).removeVirtualLink("v-A-C");
        assertEquals(404, controllerA.get("/qkd_links/qkd_link=v-A-C").status());
    }

    @Test
    public void controllerWritesReachRelayRoutes() throws Exception {
        node(controllerA);
        node(controllerB);
        RelayRoutes routesA = routes(TwoNodes.A);
        RelayRoutes routesB = routes(TwoNodes.B);

        // a stranger of the same PKI may read, not write
        assertEquals(200, saeA.get("").status());
        assertEquals("access-denied", error(saeA.put("/qkd_links/qkd_link=v-A-C", virt("v-A-C", "A", "C", null, "B")),
                403).errorTag());
        assertTrue(routesA.virtualLinks().isEmpty());

        AgentClient.Reply r = controllerA.put("/qkd_links/qkd_link=v-A-C", virt("v-A-C", "A", "C", null, "B"));
        assertEquals(r.text(), 201, r.status());
        assertEquals(AgentClient.ROOT + "/qkd_links/qkd_link=v-A-C", r.location());
        assertEquals(List.of(new VirtualLink("v-A-C", "A", "C", null, "B")), routesA.virtualLinks());

        // B is the middle node of A…C, but C is no peer of B: RelayRoutes refuses, the controller learns why
        RestconfError e = error(controllerB.put("/qkd_links/qkd_link=v-A-C", virt("v-A-C", "A", "C", "A", "C")), 400);
        assertEquals("invalid-value", e.errorTag());
        assertNotNull(e.errorMessage());
        assertTrue(e.errorMessage(), e.errorMessage().contains("C"));
        assertTrue(routesB.virtualLinks().isEmpty());

        // an application backed by the virtual link
        String app = "{\"etsi-qkd-sdn-node:qkd_app\":[{\"app_id\":\"app-1\",\"app_type\":\"etsi-qkd-node-types:CLIENT\","
                + "\"server_app_id\":\"SAE-A\",\"client_app_id\":[\"SAE-C\"],\"app_priority\":1,"
                + "\"app_qos\":{\"min_bandwidth\":2048},\"backing_qkdl_id\":[\"v-A-C\"],"
                + "\"local_qkdn_id\":\"A\",\"remote_qkdn_id\":\"C\"}]}";
        assertEquals(201, controllerA.put("/qkd_applications/qkd_app=app-1", app).status());
        QkdNode node = node(controllerA);
        QkdApp shown = node.app("app-1").orElseThrow();
        assertEquals(AppStatus.ON, shown.appStatus());
        assertEquals(List.of("v-A-C"), shown.backingQkdlId());
        assertEquals("the app rides the PHYS link to the next hop", List.of("app-1"),
                node.link(TwoNodes.LINK).orElseThrow().qkdlApplications());

        // reroute by replacing the link (same ID): 204, RelayRoutes holds the new view
        assertEquals(204, controllerA.put("/qkd_links/qkd_link=v-A-C", virt("v-A-C", "A", "C", null, "B")).status());
        assertEquals(1, routesA.virtualLinks().size());

        assertEquals(204, controllerA.delete("/qkd_applications/qkd_app=app-1").status());
        assertEquals(204, controllerA.delete("/qkd_links/qkd_link=v-A-C").status());
        assertTrue(routesA.virtualLinks().isEmpty());
        error(controllerA.delete("/qkd_links/qkd_link=v-A-C"), 404);
        assertEquals("PHYS links are not the controller's", 400, controllerA.delete("/qkd_links/qkd_link=A-B").status());
    }

    @Test
    public void withoutItsKmmTheAgentAnswers503() throws Exception {
        node(controllerA);
        nodes.nodeA.delete(); // node A's KMM goes away, its agent stays
        RestconfError e = Await.value("503 from agent A", 30, TimeUnit.SECONDS, () -> {
            try {
                AgentClient.Reply r = controllerA.get("");
                return r.status() == 503 ? error(r, 503) : null;
            } catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        });
        assertEquals("operation-failed", e.errorTag());
        assertTrue(e.errorMessage(), e.errorMessage().contains("node A"));
        assertEquals("node B unaffected", TwoNodes.B, node(controllerB).qkdnId());
    }
}
