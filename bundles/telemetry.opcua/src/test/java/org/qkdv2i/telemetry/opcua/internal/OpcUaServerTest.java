package org.qkdv2i.telemetry.opcua.internal;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.qkdv2i.telemetry.opcua.internal.Fixture.NODE;
import static org.qkdv2i.telemetry.opcua.internal.Fixture.OPERATOR;
import static org.qkdv2i.telemetry.opcua.internal.Fixture.OPERATOR_PW;
import static org.qkdv2i.telemetry.opcua.internal.Fixture.VIEWER;
import static org.qkdv2i.telemetry.opcua.internal.Fixture.VIEWER_PW;
import static org.qkdv2i.telemetry.opcua.internal.Fixture.await;
import static org.qkdv2i.telemetry.opcua.internal.Fixture.path;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.types.enumerated.BrowseDirection;
import org.eclipse.milo.opcua.stack.core.types.enumerated.BrowseResultMask;
import org.eclipse.milo.opcua.stack.core.types.structured.BrowseDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.ReferenceDescription;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExtensionObject;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.CallMethodRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.CallMethodResult;
import org.eclipse.milo.opcua.stack.core.types.structured.EUInformation;
import org.eclipse.milo.opcua.stack.core.types.structured.ContentFilter;
import org.eclipse.milo.opcua.stack.core.types.structured.EventFilter;
import org.eclipse.milo.opcua.stack.core.types.structured.SimpleAttributeOperand;
import org.eclipse.milo.opcua.stack.core.AttributeId;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.qkdv2i.telemetry.api.Alarm;
import org.qkdv2i.telemetry.api.LinkTelemetry;
import org.qkdv2i.telemetry.api.PoolTelemetry;
import org.qkdv2i.telemetry.api.QosTelemetry;

/**
 * One real server on a free port and real Milo clients over TCP (Basic256Sha256 SignAndEncrypt
 * unless a test says otherwise). The LinkControl behind the methods is a fake (unit test).
 */
public class OpcUaServerTest {

    private static Path pki;
    private static OpcUaTelemetryServer server;
    private static Fixture.ClientApp app;
    private static OpcUaClient operator;
    private static final Fixture.SwitchableOps OPS = new Fixture.SwitchableOps();
    private static final Fixture.FakeLinkControl LINKS = new Fixture.FakeLinkControl(Set.of("qkd-1", "qkd-2"));
    private static final List<Long> REKEYS = new CopyOnWriteArrayList<>();

    /** A DpnEndpoint with two sessions (proxies: only sessions() and rekey() matter here). */
    static org.qkdv2i.dpn.api.DpnEndpoint dpnEndpoint(List<Long> rekeys, boolean failFirst, boolean failSecond) {
        List<org.qkdv2i.dpn.api.DpnSession> sessions = new java.util.ArrayList<>();
        for (long id : new long[] {7, 8}) {
            boolean fail = id == 7 ? failFirst : failSecond;
            sessions.add((org.qkdv2i.dpn.api.DpnSession) java.lang.reflect.Proxy.newProxyInstance(
                    OpcUaServerTest.class.getClassLoader(), new Class<?>[] {org.qkdv2i.dpn.api.DpnSession.class},
                    (p, m, a) -> switch (m.getName()) {
                        case "sessionId" -> id;
                        case "isOpen" -> true;
                        case "rekey" -> {
                            if (fail) {
                                throw new org.qkdv2i.dpn.api.DpnException(org.qkdv2i.dpn.api.DpnException.Reason.UNREACHABLE, "peer gone");
                            }
                            rekeys.add(id);
                            yield null;
                        }
                        default -> throw new UnsupportedOperationException(m.getName());
                    }));
        }
        return (org.qkdv2i.dpn.api.DpnEndpoint) java.lang.reflect.Proxy.newProxyInstance(
                OpcUaServerTest.class.getClassLoader(), new Class<?>[] {org.qkdv2i.dpn.api.DpnEndpoint.class},
                (p, m, a) -> {
                    if (m.getName().equals("sessions")) {
                        return sessions;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
    }

    @BeforeClass
    public static void start() throws Exception {
        pki = Files.createTempDirectory("opcua-pki");
        app = Fixture.ClientApp.create("scada");
        app.trustIn(pki);
        OPS.linkControl = LINKS;
        OPS.dpn.put("dau-A", dpnEndpoint(REKEYS, false, false));
        server = new OpcUaTelemetryServer(Fixture.settings(pki, Fixture.freePort(),
                List.of(SecurityPolicy.Basic256Sha256, SecurityPolicy.Aes256_Sha256_RsaPss), false), OPS);
        server.start();
        server.link(link("qkd-1", "UP", 0.021, 1200.0));
        operator = app.connect(server, SecurityPolicy.Basic256Sha256, OPERATOR, OPERATOR_PW);
    }

    @AfterClass
    public static void stop() throws Exception {
        if (operator != null) {
            operator.disconnect();
        }
        if (server != null) {
            server.close();
        }
    }

    static LinkTelemetry link(String link, String state, double qber, double skr) {
        return new LinkTelemetry(NODE, link, state, qber, skr, 3.5, state.equals("UP") ? "" : "test", Instant.now());
    }

    @Test
    public void browsesTheAddressSpace() throws Exception {
        NodeId node = path(operator, "QKD-V2I", NODE);
        assertTrue(Fixture.browse(operator, node).keySet().containsAll(Set.of("Links", "Pools", "Kmm", "Relay", "Adapters")));
        NodeId link = path(operator, "QKD-V2I", NODE, "Links", "qkd-1");
        assertTrue(Fixture.browse(operator, link).keySet().containsAll(
                Set.of("State", "Qber", "SecretKeyRate", "LossDb", "Reason", "Enabled", "Disable", "Enable")));
    }

    @Test
    public void conditionsAreInTheAddressSpaceWithTheirActiveState() throws Exception {
        server.link(link("qkd-1", "UP", 0.02, 1200.0));
        NodeId link = path(operator, "QKD-V2I", NODE, "Links", "qkd-1");
        // the link's HasCondition reference (OPC 10000-9 §5.12) leads to a node clients can browse
        ReferenceDescription[] refs = operator.browse(new BrowseDescription(link, BrowseDirection.Forward,
                NodeIds.HasCondition, false, uint(0), uint(BrowseResultMask.All.getValue()))).getReferences();
        assertEquals(1, refs.length);
        NodeId condition = refs[0].getNodeId().toNodeId(operator.getNamespaceTable()).orElseThrow();
        assertEquals(server.namespace().id(NODE + "/Links/qkd-1/Eavesdropping"), condition);
        NodeId active = Fixture.browse(operator, condition).get("ActiveState");
        NodeId id = Fixture.browse(operator, active).get("Id");
        assertEquals(Boolean.FALSE, operator.readValue(0, TimestampsToReturn.Both, id).getValue().getValue());
    }

    @Test
    public void readsLiveValuesWithTypesAndUnits() throws Exception {
        server.link(link("qkd-1", "UP", 0.031, 1500.0));
        NodeId qber = path(operator, "QKD-V2I", NODE, "Links", "qkd-1", "Qber");
        DataValue v = operator.readValue(0, TimestampsToReturn.Both, qber);
        assertEquals(0.031, (Double) v.getValue().getValue(), 1e-12);
        assertTrue(v.getStatusCode().isGood());
        NodeId state = path(operator, "QKD-V2I", NODE, "Links", "qkd-1", "State");
        assertEquals("UP", operator.readValue(0, TimestampsToReturn.Both, state).getValue().getValue());
        NodeId eu = path(operator, "QKD-V2I", NODE, "Links", "qkd-1", "SecretKeyRate", "EngineeringUnits");
        Object raw = operator.readValue(0, TimestampsToReturn.Both, eu).getValue().getValue();
        EUInformation info = (EUInformation) ((ExtensionObject) raw).decode(operator.getStaticEncodingContext());
        assertEquals("bit/s", info.getDisplayName().text());
    }

    @Test
    public void poolsCarryTheKeyAuthenticationCounters() throws Exception {
        // issue 9: bits of the link's key spent on key checks, blocks checked and failed
        server.pool(new PoolTelemetry(NODE, "qkd-1", "bs-2", 40, 38, 1000, 100, 7, 1, 768, 42, 2, Instant.now()));
        for (Object[] e : new Object[][] {{"AuthBitsSpent", 768L}, {"AuthCheckedBlocks", 42L}, {"AuthFailedBlocks", 2L},
            {"OwnKeys", 40L}}) {
            NodeId n = path(operator, "QKD-V2I", NODE, "Pools", "qkd-1", (String) e[0]);
            assertEquals((String) e[0], e[1], operator.readValue(0, TimestampsToReturn.Both, n).getValue().getValue());
        }
    }

    @Test
    public void qosSummaryPerPoolIsReadableWithUnits() throws Exception {
        // issue 9: allocation by agreed QoS of the pool towards neighbour bs-2
        server.qos(new QosTelemetry(NODE, "bs-2", 2, 1, 3200.5, 150, 17, 4000, Instant.now()));
        for (Object[] e : new Object[][] {{"Consumers", 2}, {"Reserved", 1}, {"ServedBps", 3200.5}, {"Served", 150L},
            {"Refused", 17L}, {"RefillBps", 4000.0}}) {
            NodeId n = path(operator, "QKD-V2I", NODE, "Qos", "bs-2", (String) e[0]);
            assertEquals((String) e[0], e[1], operator.readValue(0, TimestampsToReturn.Both, n).getValue().getValue());
        }
        NodeId eu = path(operator, "QKD-V2I", NODE, "Qos", "bs-2", "ServedBps", "EngineeringUnits");
        Object raw = operator.readValue(0, TimestampsToReturn.Both, eu).getValue().getValue();
        assertEquals("bit/s", ((EUInformation) ((ExtensionObject) raw).decode(operator.getStaticEncodingContext()))
                .getDisplayName().text());
        server.qos(new QosTelemetry(NODE, "bs-2", 2, 0, 100, 160, 40, 50, Instant.now()));
        NodeId refused = path(operator, "QKD-V2I", NODE, "Qos", "bs-2", "Refused");
        assertEquals(40L, operator.readValue(0, TimestampsToReturn.Both, refused).getValue().getValue());
    }

    @Test
    public void subscriptionDeliversDataChanges() throws Exception {
        NodeId skr = path(operator, "QKD-V2I", NODE, "Links", "qkd-1", "SecretKeyRate");
        OpcUaSubscription sub = new OpcUaSubscription(operator, 50.0);
        List<Double> seen = new CopyOnWriteArrayList<>();
        OpcUaMonitoredItem item = OpcUaMonitoredItem.newDataItem(skr);
        item.setSamplingInterval(0.0);
        item.setDataValueListener((i, dv) -> seen.add((Double) dv.getValue().getValue()));
        sub.addMonitoredItem(item);
        sub.create();
        sub.synchronizeMonitoredItems(); // creates the items on the server
        try {
            server.link(link("qkd-1", "UP", 0.02, 4242.0));
            await("data change 4242", 10_000, () -> seen.contains(4242.0));
            server.link(link("qkd-1", "UP", 0.02, 4343.0));
            await("data change 4343", 10_000, () -> seen.contains(4343.0));
        } finally {
            sub.delete();
        }
    }

    private static SimpleAttributeOperand field(NodeId type, String... path) {
        QualifiedName[] qn = new QualifiedName[path.length];
        for (int i = 0; i < path.length; i++) {
            qn[i] = new QualifiedName(0, path[i]);
        }
        return new SimpleAttributeOperand(type, qn, AttributeId.Value.uid(), null);
    }

    @Test
    public void eavesdroppingRaisesAnAlarmConditionThatClearsWhenTheLinkIsUpAgain() throws Exception {
        EventFilter filter = new EventFilter(new SimpleAttributeOperand[] {
                field(NodeIds.BaseEventType, "EventType"),
                field(NodeIds.BaseEventType, "SourceNode"),
                field(NodeIds.BaseEventType, "Severity"),
                field(NodeIds.BaseEventType, "Message"),
                field(NodeIds.AlarmConditionType, "ActiveState", "Id"),
                field(NodeIds.ConditionType, "ConditionName"),
                field(NodeIds.ConditionType, "Retain")}, new ContentFilter(null));
        OpcUaSubscription sub = new OpcUaSubscription(operator, 50.0);
        List<Variant[]> events = new CopyOnWriteArrayList<>();
        OpcUaMonitoredItem item = OpcUaMonitoredItem.newEventItem(NodeIds.Server, filter);
        item.setQueueSize(uint(1000));
        item.setEventValueListener((i, fields) -> events.add(fields));
        sub.addMonitoredItem(item);
        sub.create();
        sub.synchronizeMonitoredItems(); // creates the items on the server
        try {
            // qkd-2 first appears through the alarm itself
            server.alarm(new Alarm(Alarm.Kind.EAVESDROPPING, Alarm.Severity.CRITICAL, NODE, "qkd-2", Instant.now(),
                    "QBER 0.19 above threshold on qkd-2"));
            NodeId linkNode = path(operator, "QKD-V2I", NODE, "Links", "qkd-2");
            await("active eavesdropping condition", 10_000, () -> events.stream().anyMatch(
                    f -> Boolean.TRUE.equals(f[4].getValue()) && "Eavesdropping".equals(f[5].getValue())));
            Variant[] active = events.stream().filter(f -> Boolean.TRUE.equals(f[4].getValue())).findFirst().get();
            assertEquals(NodeIds.AlarmConditionType, active[0].getValue());
            assertEquals(linkNode, active[1].getValue());
            assertEquals(900, ((UShort) active[2].getValue()).intValue());
            assertEquals("QBER 0.19 above threshold on qkd-2", ((LocalizedText) active[3].getValue()).text());
            assertEquals(Boolean.TRUE, active[6].getValue());

            server.link(link("qkd-2", "UP", 0.02, 900.0));
            await("inactive condition", 10_000, () -> events.stream().anyMatch(
                    f -> Boolean.FALSE.equals(f[4].getValue()) && "Eavesdropping".equals(f[5].getValue())));
            Variant[] inactive = events.stream().filter(f -> Boolean.FALSE.equals(f[4].getValue())).findFirst().get();
            assertEquals(Boolean.FALSE, inactive[6].getValue());
        } finally {
            sub.delete();
        }
    }

    @Test
    public void poolEmptyConditionClearsWhenRefilledAndOtherAlarmsAreEvents() throws Exception {
        EventFilter filter = new EventFilter(new SimpleAttributeOperand[] {
                field(NodeIds.BaseEventType, "EventType"),
                field(NodeIds.BaseEventType, "Message"),
                field(NodeIds.AlarmConditionType, "ActiveState", "Id"),
                field(NodeIds.ConditionType, "ConditionName"),
                field(NodeIds.BaseEventType, "Severity")}, new ContentFilter(null));
        OpcUaSubscription sub = new OpcUaSubscription(operator, 50.0);
        List<Variant[]> events = new CopyOnWriteArrayList<>();
        OpcUaMonitoredItem item = OpcUaMonitoredItem.newEventItem(NodeIds.Server, filter);
        item.setQueueSize(uint(1000));
        item.setEventValueListener((i, fields) -> events.add(fields));
        sub.addMonitoredItem(item);
        sub.create();
        sub.synchronizeMonitoredItems(); // creates the items on the server
        try {
            server.pool(new PoolTelemetry(NODE, "qkd-1", "bs-2", 0, 0, 1000, 100, 50, 1, Instant.now()));
            server.alarm(new Alarm(Alarm.Kind.POOL_EMPTY, Alarm.Severity.MAJOR, NODE, "qkd-1", Instant.now(), "pool empty"));
            await("pool empty active", 10_000, () -> events.stream().anyMatch(
                    f -> "PoolEmpty".equals(f[3].getValue()) && Boolean.TRUE.equals(f[2].getValue())));
            server.pool(new PoolTelemetry(NODE, "qkd-1", "bs-2", 10, 10, 1000, 100, 50, 1, Instant.now()));
            await("pool empty inactive", 10_000, () -> events.stream().anyMatch(
                    f -> "PoolEmpty".equals(f[3].getValue()) && Boolean.FALSE.equals(f[2].getValue())));
            // a burst of link-down events: none lost while subscribed (queue 1000)
            for (int i = 0; i < 200; i++) {
                server.alarm(new Alarm(Alarm.Kind.LINK_DOWN, Alarm.Severity.MAJOR, NODE, "qkd-1", Instant.now(),
                        "down #" + i));
            }
            await("200 link-down events", 10_000, () -> events.stream().filter(
                    f -> ((LocalizedText) f[1].getValue()).text().startsWith("LINK_DOWN: down #")).count() == 200);
            Variant[] down = events.stream().filter(f -> ((LocalizedText) f[1].getValue()).text()
                    .equals("LINK_DOWN: down #0")).findFirst().get();
            assertEquals(NodeIds.SystemEventType, down[0].getValue());
            assertEquals(700, ((UShort) down[4].getValue()).intValue());
        } finally {
            sub.delete();
        }
    }

    @Test
    public void keyAuthenticationRaisesAnAlarmConditionThatClearsWhenChecksPassAgain() throws Exception {
        EventFilter filter = new EventFilter(new SimpleAttributeOperand[] {
                field(NodeIds.BaseEventType, "EventType"),
                field(NodeIds.BaseEventType, "Message"),
                field(NodeIds.AlarmConditionType, "ActiveState", "Id"),
                field(NodeIds.ConditionType, "ConditionName"),
                field(NodeIds.BaseEventType, "Severity"),
                field(NodeIds.BaseEventType, "SourceNode")}, new ContentFilter(null));
        OpcUaSubscription sub = new OpcUaSubscription(operator, 50.0);
        List<Variant[]> events = new CopyOnWriteArrayList<>();
        OpcUaMonitoredItem item = OpcUaMonitoredItem.newEventItem(NodeIds.Server, filter);
        item.setQueueSize(uint(1000));
        item.setEventValueListener((i, fields) -> events.add(fields));
        sub.addMonitoredItem(item);
        sub.create();
        sub.synchronizeMonitoredItems();
        try {
            server.pool(new PoolTelemetry(NODE, "qkd-9", "bs-2", 40, 38, 1000, 100, 7, 1, 512, 20, 0, Instant.now()));
            server.alarm(new Alarm(Alarm.Kind.KEY_AUTHENTICATION, Alarm.Severity.MAJOR, NODE, "qkd-9", Instant.now(),
                    "key authentication failed on link qkd-9: key-check values differ"));
            await("key authentication active", 10_000, () -> events.stream().anyMatch(
                    f -> "KeyAuthentication".equals(f[3].getValue()) && Boolean.TRUE.equals(f[2].getValue())));
            Variant[] active = events.stream().filter(f -> "KeyAuthentication".equals(f[3].getValue())
                    && Boolean.TRUE.equals(f[2].getValue())).findFirst().get();
            assertEquals(NodeIds.AlarmConditionType, active[0].getValue());
            assertEquals("key authentication failed on link qkd-9: key-check values differ",
                    ((LocalizedText) active[1].getValue()).text());
            assertEquals(path(operator, "QKD-V2I", NODE, "Pools", "qkd-9"), active[5].getValue());
            assertEquals(Boolean.TRUE, server.namespace().conditionNode(NODE + "/Pools/qkd-9/KeyAuthentication")
                    .getActiveStateNode().getId());

            // the failed blocks show in the counters: still active; checks that pass clear it
            server.pool(new PoolTelemetry(NODE, "qkd-9", "bs-2", 40, 38, 1000, 100, 7, 1, 768, 22, 2, Instant.now()));
            assertEquals(Boolean.TRUE, server.namespace().conditionNode(NODE + "/Pools/qkd-9/KeyAuthentication")
                    .getActiveStateNode().getId());
            server.pool(new PoolTelemetry(NODE, "qkd-9", "bs-2", 40, 38, 1000, 100, 7, 1, 1024, 30, 2, Instant.now()));
            await("key authentication inactive", 10_000, () -> events.stream().anyMatch(
                    f -> "KeyAuthentication".equals(f[3].getValue()) && Boolean.FALSE.equals(f[2].getValue())));
        } finally {
            sub.delete();
        }
    }

    private CallMethodResult call(OpcUaClient client, String link, String method, Variant... args) throws Exception {
        NodeId obj = path(client, "QKD-V2I", NODE, "Links", link);
        NodeId m = Fixture.browse(client, obj).get(method);
        assertNotNull(method, m);
        return client.call(List.of(new CallMethodRequest(obj, m, args))).getResults()[0];
    }

    @Test
    public void operatorDisablesAndEnablesALinkThroughLinkControl() throws Exception {
        server.link(link("qkd-1", "UP", 0.02, 1000.0));
        CallMethodResult r = call(operator, "qkd-1", "Disable", new Variant("maintenance"));
        assertTrue(r.getStatusCode().toString(), r.getStatusCode().isGood());
        assertTrue(LINKS.disabled.contains("qkd-1"));
        assertTrue(LINKS.calls.stream().anyMatch(c -> c.startsWith("disable qkd-1 maintenance")));
        NodeId enabled = path(operator, "QKD-V2I", NODE, "Links", "qkd-1", "Enabled");
        assertEquals(Boolean.FALSE, operator.readValue(0, TimestampsToReturn.Both, enabled).getValue().getValue());

        r = call(operator, "qkd-1", "Enable");
        assertTrue(r.getStatusCode().isGood());
        assertFalse(LINKS.disabled.contains("qkd-1"));
        assertEquals(Boolean.TRUE, operator.readValue(0, TimestampsToReturn.Both, enabled).getValue().getValue());
    }

    @Test
    public void methodErrorsAreOpcUaStatusCodes() throws Exception {
        // a link LinkControl does not know
        server.link(link("qkd-9", "UP", 0.02, 1000.0));
        assertEquals(StatusCodes.Bad_NotFound, call(operator, "qkd-9", "Disable", new Variant("x")).getStatusCode().value());
        // a reason that is too long
        assertEquals(StatusCodes.Bad_InvalidArgument,
                call(operator, "qkd-1", "Disable", new Variant("x".repeat(300))).getStatusCode().value());
        // a wrong argument type
        StatusCode wrongType = call(operator, "qkd-1", "Disable", new Variant(42)).getStatusCode();
        assertTrue(wrongType.toString(), wrongType.isBad());
        // no LinkControl service (it left)
        OPS.linkControl = null;
        try {
            assertEquals(StatusCodes.Bad_NotSupported, call(operator, "qkd-1", "Enable").getStatusCode().value());
        } finally {
            OPS.linkControl = LINKS;
        }
        assertFalse(LINKS.disabled.contains("qkd-9"));
    }

    @Test
    public void rekeyMovesEveryDpnSessionOfTheDau() throws Exception {
        NodeId dau = path(operator, "QKD-V2I", NODE, "Adapters", "DPN", "dau-A");
        NodeId rekey = Fixture.browse(operator, dau).get("Rekey");
        CallMethodResult r = operator.call(List.of(new CallMethodRequest(dau, rekey, new Variant[0]))).getResults()[0];
        assertTrue(r.getStatusCode().toString(), r.getStatusCode().isGood());
        assertEquals(2L, ((org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger) r.getOutputArguments()[0]
                .getValue()).longValue());
        assertTrue(REKEYS.containsAll(List.of(7L, 8L)));
        // every session failing is an error, some failing is a count
        OPS.dpn.put("dau-B", dpnEndpoint(REKEYS, true, true));
        OPS.dpn.put("dau-C", dpnEndpoint(REKEYS, true, false));
        server.dpnEndpointAdded("dau-B");
        server.dpnEndpointAdded("dau-C");
        NodeId b = path(operator, "QKD-V2I", NODE, "Adapters", "DPN", "dau-B");
        assertEquals(StatusCodes.Bad_InternalError, operator.call(List.of(new CallMethodRequest(b,
                Fixture.browse(operator, b).get("Rekey"), new Variant[0]))).getResults()[0].getStatusCode().value());
        NodeId c = path(operator, "QKD-V2I", NODE, "Adapters", "DPN", "dau-C");
        CallMethodResult rc = operator.call(List.of(new CallMethodRequest(c, Fixture.browse(operator, c).get("Rekey"),
                new Variant[0]))).getResults()[0];
        assertEquals(1L, ((org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger) rc.getOutputArguments()[0]
                .getValue()).longValue());
        // an endpoint that leaves takes its node with it
        OPS.dpn.remove("dau-B");
        server.dpnEndpointRemoved("dau-B");
        assertFalse(Fixture.browse(operator, path(operator, "QKD-V2I", NODE, "Adapters", "DPN")).containsKey("dau-B"));
    }

    @Test
    public void onlyOperatorsMayCallMethods() throws Exception {
        OpcUaClient viewer = app.connect(server, SecurityPolicy.Basic256Sha256, VIEWER, VIEWER_PW);
        try {
            int before = LINKS.calls.size();
            CallMethodResult r = call(viewer, "qkd-1", "Disable", new Variant("not allowed"));
            assertEquals(StatusCodes.Bad_UserAccessDenied, r.getStatusCode().value());
            assertEquals(before, LINKS.calls.size());
            // but a viewer reads
            NodeId state = path(viewer, "QKD-V2I", NODE, "Links", "qkd-1", "State");
            assertEquals("UP", viewer.readValue(0, TimestampsToReturn.Both, state).getValue().getValue());
        } finally {
            viewer.disconnect();
        }
    }

    @Test
    public void aes256Sha256RsaPssEndpointWorks() throws Exception {
        OpcUaClient c = app.connect(server, SecurityPolicy.Aes256_Sha256_RsaPss, OPERATOR, OPERATOR_PW);
        try {
            NodeId state = path(c, "QKD-V2I", NODE, "Links", "qkd-1", "State");
            assertEquals("UP", c.readValue(0, TimestampsToReturn.Both, state).getValue().getValue());
        } finally {
            c.disconnect();
        }
    }

    @Test
    public void wrongPasswordAndUnknownUserAreRejected() throws Exception {
        for (String[] cred : new String[][] {{OPERATOR, "wrong"}, {"mallory", OPERATOR_PW}}) {
            try {
                app.connect(server, SecurityPolicy.Basic256Sha256, cred[0], cred[1]).disconnect();
                fail("connected as " + cred[0] + " with a wrong password");
            } catch (Exception e) {
                assertTrue(e.toString(), statusOf(e) == StatusCodes.Bad_UserAccessDenied
                        || statusOf(e) == StatusCodes.Bad_IdentityTokenRejected);
            }
        }
    }

    @Test
    public void untrustedClientCertificateIsRejectedAndQuarantined() throws Exception {
        Fixture.ClientApp stranger = Fixture.ClientApp.create("stranger");
        try {
            stranger.connect(server, SecurityPolicy.Basic256Sha256, OPERATOR, OPERATOR_PW).disconnect();
            fail("an untrusted client certificate was accepted");
        } catch (Exception e) {
            long sc = statusOf(e);
            assertTrue(e.toString(), sc == StatusCodes.Bad_SecurityChecksFailed || sc == StatusCodes.Bad_CertificateUntrusted);
        }
        Path rejected = pki.resolve("rejected");
        await("certificate in rejected/", 20_000, () -> { // written by the server after the handshake: CI may be slow
            try (var files = Files.walk(rejected)) {
                return files.filter(Files::isRegularFile).anyMatch(f -> {
                    try {
                        return java.util.Arrays.equals(Files.readAllBytes(f), stranger.cert().getEncoded());
                    } catch (Exception x) {
                        return false;
                    }
                });
            } catch (Exception x) {
                return false;
            }
        });
    }

    @Test
    public void aRejectedCertificateMovedToTrustedIsAcceptedWithoutARestart() throws Exception {
        Fixture.ClientApp late = Fixture.ClientApp.create("late-scada");
        try {
            late.connect(server, SecurityPolicy.Basic256Sha256, OPERATOR, OPERATOR_PW).disconnect();
            fail("accepted before being trusted");
        } catch (Exception expected) {
            // untrusted
        }
        late.trustIn(pki);
        long deadline = System.nanoTime() + 30_000_000_000L; // each try is a full OPC UA handshake: slow on a loaded CI
        while (true) {
            try {
                late.connect(server, SecurityPolicy.Basic256Sha256, OPERATOR, OPERATOR_PW).disconnect();
                break;
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200); // retry interval; the trust-list watcher decides when it is picked up
            }
        }
    }

    @Test
    public void noneIsRefusedWhenNotEnabled() throws Exception {
        try {
            app.connect(server, SecurityPolicy.None, OPERATOR, OPERATOR_PW).disconnect();
            fail("a session over security policy None was accepted");
        } catch (Exception e) {
            // GetEndpoints is allowed over None (discovery); everything else is refused
            assertEquals(e.toString(), StatusCodes.Bad_SecurityPolicyRejected, statusOf(e));
        }
    }

    @Test
    public void serverKeyIsInAPasswordProtectedPkcs12() throws Exception {
        Path p12 = pki.resolve(ServerPki.KEYSTORE_FILE);
        assertTrue(Files.exists(p12));
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12", Fixture.BC);
        try (var in = Files.newInputStream(p12)) {
            ks.load(in, "server-store-pw".toCharArray());
        }
        assertArrayEquals(server.certificate().getEncoded(), ks.getCertificate("server").getEncoded());
        try (var in = Files.newInputStream(p12)) {
            java.security.KeyStore other = java.security.KeyStore.getInstance("PKCS12", Fixture.BC);
            other.load(in, "wrong".toCharArray());
            fail("PKCS12 opened with a wrong password");
        } catch (java.io.IOException expected) {
            // the MAC check fails
        }
    }

    @Test
    public void statusNamesTheEndpointAndCountsUpdates() {
        long before = server.status().sent();
        server.link(link("qkd-1", "UP", 0.0201, 1001.0));
        var st = server.status();
        assertTrue(st.connected());
        assertTrue(st.endpoint().startsWith(server.endpointUrl()));
        assertTrue(st.sent() > before);
    }

    static long statusOf(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.eclipse.milo.opcua.stack.core.UaException ua) {
                return ua.getStatusCode().value();
            }
        }
        return StatusCodes.Bad_UnexpectedError;
    }
}
