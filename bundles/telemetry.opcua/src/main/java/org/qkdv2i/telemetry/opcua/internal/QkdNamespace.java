package org.qkdv2i.telemetry.opcua.internal;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ubyte;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ushort;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.milo.opcua.sdk.core.AccessLevel;
import org.eclipse.milo.opcua.sdk.core.Reference;
import org.eclipse.milo.opcua.sdk.core.ValueRanks;
import org.eclipse.milo.opcua.sdk.server.ManagedNamespaceWithLifecycle;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.identity.Identity;
import org.eclipse.milo.opcua.sdk.server.items.DataItem;
import org.eclipse.milo.opcua.sdk.server.items.MonitoredItem;
import org.eclipse.milo.opcua.sdk.server.methods.AbstractMethodInvocationHandler;
import org.eclipse.milo.opcua.sdk.server.model.objects.AlarmConditionTypeNode;
import org.eclipse.milo.opcua.sdk.server.model.objects.BaseEventTypeNode;
import org.eclipse.milo.opcua.sdk.server.nodes.AttributeObserver;
import org.eclipse.milo.opcua.sdk.server.nodes.UaFolderNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaMethodNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaObjectNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaVariableNode;
import org.eclipse.milo.opcua.sdk.server.nodes.factories.NodeFactory;
import org.eclipse.milo.opcua.sdk.server.util.SubscriptionModel;
import org.eclipse.milo.opcua.stack.core.AttributeId;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.structured.Argument;
import org.eclipse.milo.opcua.stack.core.types.structured.EUInformation;
import org.qkdv2i.dpn.api.DpnEndpoint;
import org.qkdv2i.dpn.api.DpnException;
import org.qkdv2i.dpn.api.DpnSession;
import org.qkdv2i.kmm.api.KeyManagerException;
import org.qkdv2i.kmm.api.LinkControl;
import org.qkdv2i.telemetry.api.Alarm;
import org.qkdv2i.telemetry.api.IdentityEvent;
import org.qkdv2i.telemetry.api.KmmCounters;
import org.qkdv2i.telemetry.api.LinkTelemetry;
import org.qkdv2i.telemetry.api.PoolTelemetry;
import org.qkdv2i.telemetry.api.QosTelemetry;
import org.qkdv2i.telemetry.api.RelayTelemetry;
import org.qkdv2i.telemetry.api.V2xCounters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's address space {@code Objects/QKD-V2I/{node}/…}, its live values, its alarm
 * conditions and its methods. Values are pushed to monitored items when they change (no
 * sampling delay); other attributes are sampled by Milo's {@link SubscriptionModel}.
 */
final class QkdNamespace extends ManagedNamespaceWithLifecycle {

    static final String URI = "urn:qkdv2i:telemetry";
    private static final Logger LOG = LoggerFactory.getLogger(QkdNamespace.class);
    private static final int MAX_REASON_LENGTH = 256;
    // UNECE Rec. 20 codes as OPC 10000-8 §5.6.3 encodes them (unitId = code bytes, big-endian)
    private static final String UNECE = "http://www.opcfoundation.org/UA/units/un/cefact";
    static final EUInformation EU_BIT_PER_SECOND = eu("B10", "bit/s", "bit per second");
    static final EUInformation EU_DECIBEL = eu("2N", "dB", "decibel");
    static final EUInformation EU_BIT = eu("A99", "bit", "bit");

    private final String node;
    private final Set<String> operators;
    private final Operations ops;
    private final SubscriptionModel sampler;
    private final Map<String, UaNode> nodes = new ConcurrentHashMap<>();
    private final Map<String, AlarmConditionTypeNode> conditions = new ConcurrentHashMap<>();
    /** Per link: key authentication blocks checked and failed at the last pool update (guarded by this). */
    private final Map<String, long[]> authCounters = new java.util.HashMap<>();
    private final Map<DataItem, Runnable> pushed = new ConcurrentHashMap<>();
    private final AtomicLong sent = new AtomicLong();
    private UaFolderNode nodeFolder;

    QkdNamespace(OpcUaServer server, String node, Set<String> operators, Operations ops) {
        super(server, URI);
        this.node = node;
        this.operators = Set.copyOf(operators);
        this.ops = ops;
        this.sampler = new SubscriptionModel(server, this);
        getLifecycleManager().addLifecycle(sampler);
        getLifecycleManager().addStartupTask(this::buildRoot);
    }

    long sent() {
        return sent.get();
    }

    String path(String... parts) {
        return node + "/" + String.join("/", parts);
    }

    NodeId id(String path) {
        return newNodeId(path);
    }

    // ---- structure -------------------------------------------------------------------------

    private synchronized void buildRoot() {
        UaFolderNode root = folder("QKD-V2I", "QKD-V2I");
        root.addReference(new Reference(root.getNodeId(), NodeIds.Organizes, NodeIds.ObjectsFolder.expanded(), false));
        nodeFolder = folder(node, node);
        // the node folder is where events come from: clients may also subscribe to it
        nodeFolder.setEventNotifier(ubyte(1));
        root.addOrganizes(nodeFolder);
        for (String f : List.of("Links", "Pools", "Kmm", "Relay", "Qos", "Adapters")) {
            nodeFolder.addOrganizes(folder(path(f), f));
        }
        ((UaFolderNode) nodes.get(path("Adapters"))).addOrganizes(folder(path("Adapters", "DPN"), "DPN"));
        for (String dau : ops.dpnEndpointNames()) {
            dpnEndpointAdded(dau);
        }
    }

    private UaFolderNode folder(String path, String name) {
        UaFolderNode f = new UaFolderNode(getNodeContext(), newNodeId(path), newQualifiedName(name),
                LocalizedText.english(name));
        getNodeManager().addNode(f);
        nodes.put(path, f);
        return f;
    }

    private UaObjectNode object(String parentPath, String name) {
        String path = parentPath + "/" + name;
        UaNode existing = nodes.get(path);
        if (existing != null) {
            return (UaObjectNode) existing;
        }
        UaObjectNode o = UaObjectNode.builder(getNodeContext())
                .setNodeId(newNodeId(path))
                .setBrowseName(newQualifiedName(name))
                .setDisplayName(LocalizedText.english(name))
                .setTypeDefinition(NodeIds.BaseObjectType)
                .build();
        getNodeManager().addNode(o);
        ((UaFolderNode) nodes.get(parentPath)).addOrganizes(o);
        nodes.put(path, o);
        return o;
    }

    private UaVariableNode variable(UaObjectNode parent, String name, NodeId dataType, Object initial,
            EUInformation eu) {
        String path = idPath(parent) + "/" + name;
        UaVariableNode v = UaVariableNode.builder(getNodeContext())
                .setNodeId(newNodeId(path))
                .setBrowseName(newQualifiedName(name))
                .setDisplayName(LocalizedText.english(name))
                .setDataType(dataType)
                .setValueRank(ValueRanks.Scalar)
                .setTypeDefinition(NodeIds.BaseDataVariableType)
                .setAccessLevel(AccessLevel.READ_ONLY)
                .setUserAccessLevel(AccessLevel.READ_ONLY)
                .setMinimumSamplingInterval(0.0)
                .setValue(initial == null ? new DataValue(StatusCode.of(StatusCodes.Bad_WaitingForInitialData))
                        : new DataValue(new Variant(initial)))
                .build();
        getNodeManager().addNode(v);
        parent.addComponent(v);
        nodes.put(path, v);
        if (eu != null) {
            // OPC 10000-8 §5.6.3: EngineeringUnits property
            UaVariableNode p = UaVariableNode.builder(getNodeContext())
                    .setNodeId(newNodeId(path + "/EngineeringUnits"))
                    .setBrowseName(new QualifiedName(0, "EngineeringUnits"))
                    .setDisplayName(LocalizedText.english("EngineeringUnits"))
                    .setDataType(NodeIds.EUInformation)
                    .setValueRank(ValueRanks.Scalar)
                    .setTypeDefinition(NodeIds.PropertyType)
                    .setAccessLevel(AccessLevel.READ_ONLY)
                    .setUserAccessLevel(AccessLevel.READ_ONLY)
                    .setValue(new DataValue(Variant.ofStruct(eu)))
                    .build();
            getNodeManager().addNode(p);
            v.addReference(new Reference(v.getNodeId(), NodeIds.HasProperty, p.getNodeId().expanded(), true));
        }
        return v;
    }

    private static String idPath(UaNode n) {
        return (String) n.getNodeId().getIdentifier();
    }

    private void set(String path, Object value, Instant time) {
        UaNode n = nodes.get(path);
        if (n instanceof UaVariableNode v) {
            DateTime source = new DateTime(time);
            v.setValue(new DataValue(new Variant(value), StatusCode.GOOD, source, DateTime.now()));
            sent.incrementAndGet();
        }
    }

    // ---- links -----------------------------------------------------------------------------

    private UaObjectNode linkObject(String link) {
        String path = path("Links", link);
        UaNode existing = nodes.get(path);
        if (existing != null) {
            return (UaObjectNode) existing;
        }
        UaObjectNode o = object(path("Links"), link);
        o.setEventNotifier(ubyte(1));
        variable(o, "State", NodeIds.String, null, null);
        variable(o, "Qber", NodeIds.Double, null, null);
        variable(o, "SecretKeyRate", NodeIds.Double, null, EU_BIT_PER_SECOND);
        variable(o, "LossDb", NodeIds.Double, null, EU_DECIBEL);
        variable(o, "Reason", NodeIds.String, null, null);
        variable(o, "Enabled", NodeIds.Boolean, Boolean.TRUE, null);
        method(o, "Disable", "Stops taking key blocks on this link at both ends (operators only).",
                new Argument[] {new Argument("Reason", NodeIds.String, ValueRanks.Scalar, null,
                        LocalizedText.english("short operator text, logged and shown in the link status"))},
                new Argument[0], (ctx, in) -> disable(ctx, link, (String) in[0].getValue()));
        method(o, "Enable", "Takes key blocks on this link again at both ends (operators only).",
                new Argument[0], new Argument[0], (ctx, in) -> enable(ctx, link));
        condition(o, path + "/Eavesdropping", "Eavesdropping");
        return o;
    }

    synchronized void link(LinkTelemetry t) {
        linkObject(t.link());
        String p = path("Links", t.link());
        set(p + "/State", t.state(), t.time());
        set(p + "/Qber", t.qber(), t.time());
        set(p + "/SecretKeyRate", t.secretKeyRate(), t.time());
        set(p + "/LossDb", t.lossDb(), t.time());
        set(p + "/Reason", t.reason(), t.time());
        refreshEnabled(t.link(), t.time());
        if ("UP".equals(t.state())) {
            clear(p + "/Eavesdropping", "link " + t.link() + " is UP again", t.time());
        }
    }

    private void refreshEnabled(String link, Instant time) {
        ops.linkControl(node).ifPresent(lc -> set(path("Links", link, "Enabled"),
                !lc.disabledLinks().contains(link), time));
    }

    // ---- pools, KMM, relay, adapters ------------------------------------------------------------

    synchronized void pool(PoolTelemetry t) {
        String p = path("Pools", t.link());
        if (!nodes.containsKey(p)) {
            UaObjectNode o = object(path("Pools"), t.link());
            o.setEventNotifier(ubyte(1));
            variable(o, "PeerNode", NodeIds.String, null, null);
            for (String n : List.of("OwnKeys", "PeerKeys", "Capacity", "LowWater", "Delivered", "Expired",
                    "AuthBitsSpent", "AuthCheckedBlocks", "AuthFailedBlocks")) {
                variable(o, n, NodeIds.Int64, null, null);
            }
            condition(o, p + "/PoolEmpty", "PoolEmpty");
            condition(o, p + "/KeyAuthentication", "KeyAuthentication");
        }
        set(p + "/PeerNode", t.peerNode(), t.time());
        set(p + "/OwnKeys", t.ownKeys(), t.time());
        set(p + "/PeerKeys", t.peerKeys(), t.time());
        set(p + "/Capacity", t.capacity(), t.time());
        set(p + "/LowWater", t.lowWater(), t.time());
        set(p + "/Delivered", t.delivered(), t.time());
        set(p + "/Expired", t.expired(), t.time());
        // key authentication (issue 9): bits of the link's key spent on key checks, blocks checked and failed
        set(p + "/AuthBitsSpent", t.authBitsSpent(), t.time());
        set(p + "/AuthCheckedBlocks", t.authCheckedBlocks(), t.time());
        set(p + "/AuthFailedBlocks", t.authFailedBlocks(), t.time());
        if (t.ownKeys() > 0) {
            clear(p + "/PoolEmpty", "pool of link " + t.link() + " refilled (" + t.ownKeys() + " keys)", t.time());
        }
        long[] before = authCounters.put(t.link(), new long[] {t.authCheckedBlocks(), t.authFailedBlocks()});
        if (before != null && t.authCheckedBlocks() > before[0] && t.authFailedBlocks() == before[1]) {
            // blocks were checked since the last update and none failed: the two ends agree again
            clear(p + "/KeyAuthentication", "key checks on link " + t.link() + " pass again", t.time());
        }
    }

    synchronized void kmm(KmmCounters c) {
        String p = path("Kmm");
        if (!nodes.containsKey(p + "/Pools")) {
            // the variables hang off the Kmm folder itself: Kmm/{Pools,Saes,Delivered,Expired}
            UaFolderNode f = (UaFolderNode) nodes.get(p);
            variable(f, "Pools", NodeIds.Int32, null, null);
            variable(f, "Saes", NodeIds.Int32, null, null);
            variable(f, "Delivered", NodeIds.Int64, null, null);
            variable(f, "Expired", NodeIds.Int64, null, null);
        }
        set(p + "/Pools", c.pools(), c.time());
        set(p + "/Saes", c.saes(), c.time());
        set(p + "/Delivered", c.delivered(), c.time());
        set(p + "/Expired", c.expired(), c.time());
    }

    synchronized void relay(RelayTelemetry t) {
        String p = path("Relay", t.link());
        if (!nodes.containsKey(p)) {
            UaObjectNode o = object(path("Relay"), t.link());
            variable(o, "PeerNode", NodeIds.String, null, null);
            variable(o, "KeysSent", NodeIds.Int64, null, null);
            variable(o, "KeysReceived", NodeIds.Int64, null, null);
            variable(o, "LinkKeyBits", NodeIds.Int64, null, EU_BIT);
            variable(o, "Voided", NodeIds.Int64, null, null);
        }
        set(p + "/PeerNode", t.peerNode(), t.time());
        set(p + "/KeysSent", t.keysSent(), t.time());
        set(p + "/KeysReceived", t.keysReceived(), t.time());
        set(p + "/LinkKeyBits", t.linkKeyBits(), t.time());
        set(p + "/Voided", t.voided(), t.time());
    }

    /** Allocation by agreed QoS of one key pool (issue 9): {@code Qos/{pool}} (the pool is its neighbour node). */
    synchronized void qos(QosTelemetry t) {
        String p = path("Qos", t.pool());
        if (!nodes.containsKey(p)) {
            UaObjectNode o = object(path("Qos"), t.pool());
            variable(o, "Consumers", NodeIds.Int32, null, null);
            variable(o, "Reserved", NodeIds.Int32, null, null);
            variable(o, "ServedBps", NodeIds.Double, null, EU_BIT_PER_SECOND);
            variable(o, "Served", NodeIds.Int64, null, null);
            variable(o, "Refused", NodeIds.Int64, null, null);
            variable(o, "RefillBps", NodeIds.Double, null, EU_BIT_PER_SECOND);
        }
        set(p + "/Consumers", t.consumers(), t.time());
        set(p + "/Reserved", t.reserved(), t.time());
        set(p + "/ServedBps", t.servedBps(), t.time());
        set(p + "/Served", t.served(), t.time());
        set(p + "/Refused", t.refused(), t.time());
        set(p + "/RefillBps", t.refillBps(), t.time());
    }

    synchronized void v2x(V2xCounters c) {
        if ("DPN".equals(c.adapter())) {
            LOG.warn("OPC UA node {}: V2X adapter name 'DPN' is reserved; counters not shown", node);
            return;
        }
        String p = path("Adapters", c.adapter());
        if (!nodes.containsKey(p)) {
            UaObjectNode o = object(path("Adapters"), c.adapter());
            variable(o, "Sent", NodeIds.Int64, null, null);
            variable(o, "Received", NodeIds.Int64, null, null);
            variable(o, "Rejected", NodeIds.Int64, null, null);
        }
        set(p + "/Sent", c.sent(), c.time());
        set(p + "/Received", c.received(), c.time());
        set(p + "/Rejected", c.rejected(), c.time());
    }

    synchronized void dpnEndpointAdded(String dau) {
        if (nodeFolder == null) {
            return; // built with the root
        }
        String parent = path("Adapters", "DPN");
        if (nodes.containsKey(parent + "/" + dau)) {
            return;
        }
        UaObjectNode o = object(parent, dau);
        method(o, "Rekey", "Moves every DPN session of this DAU to fresh keys now (operators only).",
                new Argument[0], new Argument[] {new Argument("Rekeyed", NodeIds.UInt32, ValueRanks.Scalar, null,
                        LocalizedText.english("sessions moved to the next key epoch"))},
                (ctx, in) -> rekey(ctx, dau));
    }

    synchronized void dpnEndpointRemoved(String dau) {
        String path = path("Adapters", "DPN", dau);
        UaNode o = nodes.remove(path);
        if (o != null) {
            nodes.keySet().removeIf(k -> k.startsWith(path + "/"));
            ((UaFolderNode) nodes.get(path("Adapters", "DPN"))).removeOrganizes(o);
            for (UaNode c : new ArrayList<>(((UaObjectNode) o).getComponentNodes())) {
                c.delete();
            }
            o.delete();
        }
    }

    // ---- events and conditions --------------------------------------------------------------

    private void condition(UaObjectNode source, String path, String name) {
        try {
            AlarmConditionTypeNode c = alarmCondition(path);
            if (c.getActiveStateNode() == null) {
                // Milo's static type cache held AlarmConditionType without its children (MiloTypeCache)
                LOG.warn("OPC UA node {}: condition {} came without ActiveState; type hierarchy rebuilt", node, path);
                c.delete();
                MiloTypeCache.forget(NodeIds.AlarmConditionType);
                c = alarmCondition(path);
                if (c.getActiveStateNode() == null) {
                    c.delete();
                    throw new UaException(StatusCodes.Bad_InternalError, "AlarmConditionType without ActiveState");
                }
            }
            c.setBrowseName(newQualifiedName(name));
            c.setDisplayName(LocalizedText.english(name));
            c.setEventType(NodeIds.AlarmConditionType);
            c.setSourceNode(source.getNodeId());
            c.setSourceName(idPath(source));
            c.setConditionName(name);
            c.setConditionClassId(NodeIds.SystemConditionClassType);
            c.setConditionClassName(LocalizedText.english("SystemConditionClassType"));
            c.setBranchId(NodeId.NULL_VALUE);
            c.setEnabledState(LocalizedText.english("Enabled"));
            c.getEnabledStateNode().setId(true);
            state(c, false, "inactive", ushort(1), Instant.now());
            source.addReference(new Reference(source.getNodeId(), NodeIds.HasCondition, c.getNodeId().expanded(), true));
            conditions.put(path, c);
        } catch (UaException e) {
            LOG.error("OPC UA node {}: condition {} not created: {}", node, path, e.getMessage());
        }
    }

    // in this namespace (not the event factory's hidden node manager): the source's HasCondition
    // reference leads somewhere, and clients can browse and read the condition's ActiveState/Id
    private AlarmConditionTypeNode alarmCondition(String path) throws UaException {
        return (AlarmConditionTypeNode) new NodeFactory(getNodeContext()).createNode(newNodeId(path),
                NodeIds.AlarmConditionType);
    }

    /** The condition at {@code path} (e.g. {@code A/Pools/A-B/PoolEmpty}), or null. */
    AlarmConditionTypeNode conditionNode(String path) {
        return conditions.get(path);
    }

    private static void state(AlarmConditionTypeNode c, boolean active, String message, org.eclipse.milo.opcua
            .stack.core.types.builtin.unsigned.UShort severity, Instant time) {
        DateTime now = new DateTime(time);
        c.setActiveState(LocalizedText.english(active ? "Active" : "Inactive"));
        c.getActiveStateNode().setId(active);
        c.getActiveStateNode().setTransitionTime(now);
        c.setAckedState(LocalizedText.english(active ? "Unacknowledged" : "Acknowledged"));
        c.getAckedStateNode().setId(!active);
        c.setRetain(active);
        c.setSeverity(severity);
        c.setMessage(LocalizedText.english(message));
        c.setTime(now);
        c.setReceiveTime(DateTime.now());
        c.setEventId(newEventId());
    }

    private void raise(String conditionPath, Alarm a) {
        AlarmConditionTypeNode c = conditions.get(conditionPath);
        if (c == null) {
            return;
        }
        state(c, true, a.text().isEmpty() ? a.kind() + " on " + a.subject() : a.text(), severity(a.severity()),
                a.time());
        fire(c);
    }

    private void clear(String conditionPath, String message, Instant time) {
        AlarmConditionTypeNode c = conditions.get(conditionPath);
        if (c == null || !Boolean.TRUE.equals(c.getActiveStateNode().getId())) {
            return;
        }
        state(c, false, message, ushort(100), time);
        fire(c);
        LOG.info("OPC UA node {}: condition {} inactive: {}", node, conditionPath, message);
    }

    private void fire(BaseEventTypeNode e) {
        getServer().getEventNotifier().fire(e);
        sent.incrementAndGet();
    }

    synchronized void alarm(Alarm a) {
        switch (a.kind()) {
            case EAVESDROPPING -> {
                linkObject(a.subject());
                raise(path("Links", a.subject(), "Eavesdropping"), a);
            }
            case POOL_EMPTY -> {
                if (!nodes.containsKey(path("Pools", a.subject()))) {
                    pool(new PoolTelemetry(node, a.subject(), "", 0, 0, 0, 0, 0, 0, a.time()));
                }
                raise(path("Pools", a.subject(), "PoolEmpty"), a);
            }
            case KEY_AUTHENTICATION -> { // issue 9: the link's two ends held different key material
                if (!nodes.containsKey(path("Pools", a.subject()))) {
                    pool(new PoolTelemetry(node, a.subject(), "", 0, 0, 0, 0, 0, 0, a.time()));
                    authCounters.remove(a.subject()); // placeholder counters: the first real update is the base
                }
                raise(path("Pools", a.subject(), "KeyAuthentication"), a);
            }
            default -> event(a);
        }
    }

    private void event(Alarm a) {
        UaNode source = nodes.getOrDefault(path("Links", a.subject()), nodeFolder);
        plainEvent(source, severity(a.severity()), a.kind() + ": " + (a.text().isEmpty() ? a.subject() : a.text()),
                a.time());
    }

    synchronized void identity(IdentityEvent e) {
        plainEvent(nodeFolder, ushort(300), e.source() + " " + e.kind() + " " + e.subject()
                + (e.detail().isEmpty() ? "" : ": " + e.detail()), e.time());
    }

    private void plainEvent(UaNode source, org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort severity,
            String message, Instant time) {
        try {
            BaseEventTypeNode e = getServer().getEventFactory()
                    .createEvent(newNodeId(UUID.randomUUID()), NodeIds.SystemEventType);
            e.setBrowseName(newQualifiedName("event"));
            e.setDisplayName(LocalizedText.english("event"));
            e.setEventId(newEventId());
            e.setEventType(NodeIds.SystemEventType);
            e.setSourceNode(source.getNodeId());
            e.setSourceName(idPath(source));
            e.setTime(new DateTime(time));
            e.setReceiveTime(DateTime.now());
            e.setMessage(LocalizedText.english(message));
            e.setSeverity(severity);
            fire(e);
            e.delete();
        } catch (UaException ex) {
            LOG.error("OPC UA node {}: event '{}' not fired: {}", node, message, ex.getMessage());
        }
    }

    /** OPC 10000-5 §6.4.2: Severity 1..1000. */
    static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort severity(Alarm.Severity s) {
        return ushort(switch (s) {
            case INFO -> 200;
            case WARNING -> 500;
            case MAJOR -> 700;
            case CRITICAL -> 900;
        });
    }

    private static ByteString newEventId() {
        UUID u = UUID.randomUUID();
        return ByteString.of(ByteBuffer.allocate(16).putLong(u.getMostSignificantBits())
                .putLong(u.getLeastSignificantBits()).array());
    }

    // ---- methods ---------------------------------------------------------------------------

    @FunctionalInterface
    private interface Body {
        Variant[] call(AbstractMethodInvocationHandler.InvocationContext ctx, Variant[] in) throws UaException;
    }

    private void method(UaObjectNode owner, String name, String description, Argument[] in, Argument[] out,
            Body body) {
        String path = idPath(owner) + "/" + name;
        UaMethodNode m = UaMethodNode.builder(getNodeContext())
                .setNodeId(newNodeId(path))
                .setBrowseName(newQualifiedName(name))
                .setDisplayName(LocalizedText.english(name))
                .setDescription(LocalizedText.english(description))
                .setExecutable(true)
                .setUserExecutable(true)
                .build();
        m.setInputArguments(in);
        m.setOutputArguments(out);
        m.setInvocationHandler(new AbstractMethodInvocationHandler(m) {
            @Override
            public Argument[] getInputArguments() {
                return in;
            }

            @Override
            public Argument[] getOutputArguments() {
                return out;
            }

            @Override
            protected Variant[] invoke(InvocationContext ctx, Variant[] inputs) throws UaException {
                return body.call(ctx, inputs);
            }
        });
        getNodeManager().addNode(m);
        owner.addComponent(m);
        nodes.put(path, m);
    }

    /** The calling user if an operator; otherwise Bad_UserAccessDenied (and a log line). */
    private String operator(AbstractMethodInvocationHandler.InvocationContext ctx, String what) throws UaException {
        String user = ctx.getSession().map(s -> s.getIdentity()).filter(i -> i instanceof Identity.UsernameIdentity)
                .map(i -> ((Identity.UsernameIdentity) i).getUsername()).orElse("");
        if (!operators.contains(user)) {
            LOG.warn("OPC UA node {}: {} refused for user '{}': not an operator", node, what, user);
            throw new UaException(StatusCodes.Bad_UserAccessDenied, "only operators may call " + what);
        }
        return user;
    }

    private LinkControl linkControl(String what) throws UaException {
        return ops.linkControl(node).orElseThrow(() -> {
            LOG.warn("OPC UA node {}: {} not possible: no LinkControl service for this node", node, what);
            return new UaException(StatusCodes.Bad_NotSupported, "no link control for node " + node);
        });
    }

    private Variant[] disable(AbstractMethodInvocationHandler.InvocationContext ctx, String link, String reason)
            throws UaException {
        String what = "Disable(" + link + ")";
        String user = operator(ctx, what);
        String r = reason == null ? "" : reason.strip();
        if (r.length() > MAX_REASON_LENGTH) {
            LOG.warn("OPC UA node {}: {} by {} refused: reason longer than {} characters", node, what, user,
                    MAX_REASON_LENGTH);
            throw new UaException(StatusCodes.Bad_InvalidArgument, "reason longer than " + MAX_REASON_LENGTH);
        }
        LinkControl lc = linkControl(what);
        try {
            lc.disable(link, r.isEmpty() ? "disabled by OPC UA user " + user : r + " (OPC UA user " + user + ")");
        } catch (KeyManagerException e) {
            throw linkFailure(what, user, e);
        } catch (RuntimeException e) {
            LOG.error("OPC UA node {}: {} by {} failed: {}", node, what, user, e.toString());
            throw new UaException(StatusCodes.Bad_InternalError, "link control failed");
        }
        LOG.info("OPC UA node {}: link {} disabled by {} ({})", node, link, user, r);
        synchronized (this) {
            set(path("Links", link, "Enabled"), false, Instant.now());
        }
        return new Variant[0];
    }

    private Variant[] enable(AbstractMethodInvocationHandler.InvocationContext ctx, String link) throws UaException {
        String what = "Enable(" + link + ")";
        String user = operator(ctx, what);
        LinkControl lc = linkControl(what);
        try {
            lc.enable(link);
        } catch (KeyManagerException e) {
            throw linkFailure(what, user, e);
        } catch (RuntimeException e) {
            LOG.error("OPC UA node {}: {} by {} failed: {}", node, what, user, e.toString());
            throw new UaException(StatusCodes.Bad_InternalError, "link control failed");
        }
        LOG.info("OPC UA node {}: link {} enabled by {}", node, link, user);
        synchronized (this) {
            set(path("Links", link, "Enabled"), true, Instant.now());
        }
        return new Variant[0];
    }

    private UaException linkFailure(String what, String user, KeyManagerException e) {
        LOG.warn("OPC UA node {}: {} by {} refused: {} {}", node, what, user, e.reason(), e.getMessage());
        if (e.reason() == KeyManagerException.Reason.BAD_REQUEST) {
            return new UaException(StatusCodes.Bad_NotFound, "not a physical link of node " + node);
        }
        return new UaException(StatusCodes.Bad_InternalError, "link control failed: " + e.reason());
    }

    private Variant[] rekey(AbstractMethodInvocationHandler.InvocationContext ctx, String dau) throws UaException {
        String what = "Rekey(" + dau + ")";
        String user = operator(ctx, what);
        DpnEndpoint ep = ops.dpnEndpoint(dau).orElseThrow(() -> {
            LOG.warn("OPC UA node {}: {} by {} not possible: no DPN endpoint {}", node, what, user, dau);
            return new UaException(StatusCodes.Bad_NotFound, "no DPN endpoint " + dau);
        });
        int ok = 0;
        int failed = 0;
        for (DpnSession s : ep.sessions()) {
            try {
                s.rekey();
                ok++;
            } catch (DpnException | RuntimeException e) {
                failed++;
                LOG.warn("OPC UA node {}: rekey of DPN session {} of {} failed: {}", node, s.sessionId(), dau,
                        e.getMessage());
            }
        }
        LOG.info("OPC UA node {}: {} by {}: {} sessions rekeyed, {} failed", node, what, user, ok, failed);
        if (ok == 0 && failed > 0) {
            throw new UaException(StatusCodes.Bad_InternalError, failed + " sessions could not be rekeyed");
        }
        return new Variant[] {new Variant(uint(ok))};
    }

    // ---- monitored items: push values on change ----------------------------------------------

    @Override
    public void onDataItemsCreated(List<DataItem> items) {
        List<DataItem> sampled = new ArrayList<>();
        for (DataItem item : items) {
            UaNode n = item.getReadValueId().getAttributeId().equals(AttributeId.Value.uid())
                    ? getNodeManager().get(item.getReadValueId().getNodeId()) : null;
            if (n instanceof UaVariableNode v && item.getReadValueId().getIndexRange() == null) {
                AttributeObserver o = (node, attr, value) -> {
                    if (attr == AttributeId.Value) {
                        item.setValue((DataValue) value);
                    }
                };
                v.addAttributeObserver(o);
                pushed.put(item, () -> v.removeAttributeObserver(o));
                item.setValue(v.getValue());
            } else {
                sampled.add(item);
            }
        }
        if (!sampled.isEmpty()) {
            sampler.onDataItemsCreated(sampled);
        }
    }

    @Override
    public void onDataItemsModified(List<DataItem> items) {
        List<DataItem> sampled = items.stream().filter(i -> !pushed.containsKey(i)).toList();
        if (!sampled.isEmpty()) {
            sampler.onDataItemsModified(sampled);
        }
    }

    @Override
    public void onDataItemsDeleted(List<DataItem> items) {
        List<DataItem> sampled = new ArrayList<>();
        for (DataItem item : items) {
            Runnable remove = pushed.remove(item);
            if (remove != null) {
                remove.run();
            } else {
                sampled.add(item);
            }
        }
        if (!sampled.isEmpty()) {
            sampler.onDataItemsDeleted(sampled);
        }
    }

    @Override
    public void onMonitoringModeChanged(List<MonitoredItem> items) {
        sampler.onMonitoringModeChanged(items.stream().filter(i -> !pushed.containsKey(i)).toList());
    }

    private static EUInformation eu(String code, String symbol, String description) {
        int unitId = 0;
        for (char ch : code.toCharArray()) {
            unitId = (unitId << 8) | ch;
        }
        return new EUInformation(UNECE, unitId, LocalizedText.english(symbol), LocalizedText.english(description));
    }
}
