package org.qkdv2i.it.platform;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.identity.UsernameProvider;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort;
import org.eclipse.milo.opcua.stack.core.types.enumerated.BrowseDirection;
import org.eclipse.milo.opcua.stack.core.types.enumerated.BrowseResultMask;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.BrowseDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.ReferenceDescription;

/**
 * A Milo client inside the framework (Milo comes from our wrapper bundle) that reads a node's
 * telemetry address space over the None endpoint with a user name, then disconnects.
 */
final class OpcUaRead {

    /** Namespace of the QKD-V2I address space; NodeIds are paths ({@code A/Links/A-B/State}). */
    static final String NAMESPACE = "urn:qkdv2i:telemetry";

    private OpcUaRead() {
    }

    /**
     * What one session saw. Conditions: ActiveState/Id of the link's Eavesdropping and the pool's
     * PoolEmpty condition (null: the condition or its ActiveState is missing). Session
     * diagnostics: the server made this session's SessionDiagnostics with ActualSessionTimeout
     * (Milo instantiates them from standard types, like the conditions).
     */
    record Snapshot(DateTime serverStartTime, String linkState, Boolean eavesdroppingActive, Boolean poolEmptyActive,
            Long poolOwnKeys, boolean sessionDiagnostics) {

        boolean complete() {
            return serverStartTime != null && linkState != null && eavesdroppingActive != null
                    && poolEmptyActive != null && poolOwnKeys != null && sessionDiagnostics;
        }
    }

    /** The link's State value, or null while the server cannot be reached or has no value yet. */
    static String linkState(int port, String user, String password, String node, String link) {
        Snapshot s = snapshot(port, user, password, node, link);
        return s == null ? null : s.linkState();
    }

    /** One session's view of node/link, or null while the server cannot be reached. */
    static Snapshot snapshot(int port, String user, String password, String node, String link) {
        OpcUaClient client = null;
        try {
            client = OpcUaClient.create("opc.tcp://localhost:" + port + "/qkdv2i",
                    endpoints -> endpoints.stream()
                            .filter(e -> SecurityPolicy.None.getUri().equals(e.getSecurityPolicyUri())).findFirst(),
                    transport -> { },
                    cfg -> cfg.setRequestTimeout(uint(10_000)).setIdentityProvider(new UsernameProvider(user, password)));
            client.connect();
            Object start = value(client, NodeIds.Server_ServerStatus_StartTime);
            UShort ns = client.getNamespaceTable().getIndex(NAMESPACE);
            if (ns == null) {
                return new Snapshot((DateTime) start, null, null, null, null, false);
            }
            Object state = value(client, new NodeId(ns, node + "/Links/" + link + "/State"));
            Object own = value(client, new NodeId(ns, node + "/Pools/" + link + "/OwnKeys"));
            return new Snapshot((DateTime) start, state == null ? null : state.toString(),
                    activeStateId(client, new NodeId(ns, node + "/Links/" + link + "/Eavesdropping")),
                    activeStateId(client, new NodeId(ns, node + "/Pools/" + link + "/PoolEmpty")),
                    own instanceof Long l ? l : null, sessionDiagnostics(client));
        } catch (Exception e) {
            return null; // not there yet: the caller polls
        } finally {
            if (client != null) {
                try {
                    client.disconnect();
                } catch (Exception ignored) {
                    // the server went away first
                }
            }
        }
    }

    private static Object value(OpcUaClient client, NodeId id) throws Exception {
        DataValue v = client.readValue(0, TimestampsToReturn.Both, id);
        return v.getStatusCode() != null && v.getStatusCode().isGood() ? v.getValue().getValue() : null;
    }

    /** ConditionType/ActiveState/Id (OPC 10000-9 §5.8.2), found by browsing as a client would. */
    private static Boolean activeStateId(OpcUaClient client, NodeId condition) throws Exception {
        Optional<NodeId> active = child(client, condition, "ActiveState");
        Optional<NodeId> id = active.isPresent() ? child(client, active.get(), "Id") : Optional.empty();
        return id.isPresent() && value(client, id.get()) instanceof Boolean b ? b : null;
    }

    /** This session's Server/ServerDiagnostics/SessionsDiagnosticsSummary/{session}/SessionDiagnostics/ActualSessionTimeout. */
    private static boolean sessionDiagnostics(OpcUaClient client) throws Exception {
        // Milo makes the object just after the session is activated: poll this session a while
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        do {
            for (NodeId session : children(client, NodeIds.Server_ServerDiagnostics_SessionsDiagnosticsSummary)) {
                Optional<NodeId> diag = child(client, session, "SessionDiagnostics");
                if (diag.isPresent() && child(client, diag.get(), "ActualSessionTimeout").isPresent()) {
                    return true;
                }
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // poll interval, not synchronisation
        } while (System.nanoTime() < deadline);
        return false;
    }

    private static List<NodeId> children(OpcUaClient client, NodeId parent) throws Exception {
        return refs(client, parent).stream().flatMap(r -> r.getNodeId().toNodeId(client.getNamespaceTable()).stream())
                .toList();
    }

    private static Optional<NodeId> child(OpcUaClient client, NodeId parent, String browseName) throws Exception {
        return refs(client, parent).stream().filter(r -> browseName.equals(r.getBrowseName().name())).findFirst()
                .flatMap(r -> r.getNodeId().toNodeId(client.getNamespaceTable()));
    }

    private static List<ReferenceDescription> refs(OpcUaClient client, NodeId parent) throws Exception {
        ReferenceDescription[] refs = client.browse(new BrowseDescription(parent, BrowseDirection.Forward,
                NodeIds.HierarchicalReferences, true, uint(0), uint(BrowseResultMask.All.getValue()))).getReferences();
        return refs == null ? List.of() : List.of(refs);
    }
}
