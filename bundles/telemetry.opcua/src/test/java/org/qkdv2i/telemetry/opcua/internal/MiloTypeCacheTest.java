package org.qkdv2i.telemetry.opcua.internal;

import static org.junit.Assert.assertEquals;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.qkdv2i.telemetry.opcua.internal.Fixture.NODE;
import static org.qkdv2i.telemetry.opcua.internal.Fixture.OPERATOR;
import static org.qkdv2i.telemetry.opcua.internal.Fixture.OPERATOR_PW;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.server.NodeManager;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.UaNodeManager;
import org.eclipse.milo.opcua.sdk.server.model.objects.AlarmConditionTypeNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaNodeContext;
import org.eclipse.milo.opcua.sdk.server.nodes.UaObjectTypeNode;
import org.eclipse.milo.opcua.sdk.server.nodes.factories.NodeFactory;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.junit.Test;
import org.qkdv2i.telemetry.api.LinkTelemetry;
import org.qkdv2i.telemetry.api.PoolTelemetry;

/**
 * Milo 1.0.5 caches type hierarchies statically (see {@link MiloTypeCache}): work that reaches a
 * stopping server must not leave the next server's alarm conditions and session diagnostics
 * without children. This is what a bundle restart under load did in OSGi.
 */
public class MiloTypeCacheTest {

    @Test
    public void typesBuiltWhileAServerStoppedDoNotStripTheNextServersInstances() throws Exception {
        Path pki = Files.createTempDirectory("opcua-pki-typecache");
        Fixture.ClientApp app = Fixture.ClientApp.create("typecache-client");
        app.trustIn(pki);
        OpcUaTelemetryServer first = new OpcUaTelemetryServer(Fixture.settings(pki, Fixture.freePort(),
                List.of(SecurityPolicy.Basic256Sha256), false), new Fixture.SwitchableOps());
        first.start();
        OpcUaServer stopped = first.milo();
        first.close();
        // A server being stopped, seen by work that reaches it meanwhile (a sink call, a session set
        // up while the port closes): the type's node is still found, its hierarchy no longer is.
        // Milo builds the instance declaration hierarchy then, and caches it for every server.
        UaNodeManager stopping = new UaNodeManager();
        UaNodeContext ctx = new UaNodeContext() {
            @Override
            public OpcUaServer getServer() {
                return stopped;
            }

            @Override
            public NodeManager<UaNode> getNodeManager() {
                return stopping;
            }
        };
        for (NodeId type : List.of(NodeIds.AlarmConditionType, NodeIds.SessionDiagnosticsObjectType)) {
            stopping.addNode(new UaObjectTypeNode(ctx, type, new QualifiedName(0, "T"), LocalizedText.english("T"),
                    LocalizedText.NULL_VALUE, uint(0), uint(0), false));
        }
        stopped.getAddressSpaceManager().register(stopping);
        UaNode late = new NodeFactory(ctx).createNode(new NodeId(2, "late-condition"), NodeIds.AlarmConditionType);
        assertNull("the hierarchy Milo cached has no ActiveState", ((AlarmConditionTypeNode) late).getActiveStateNode());
        new NodeFactory(ctx).createNode(new NodeId(2, "late-session"), NodeIds.SessionDiagnosticsObjectType);
        stopped.getAddressSpaceManager().unregister(stopping);

        OpcUaTelemetryServer second = new OpcUaTelemetryServer(Fixture.settings(pki, Fixture.freePort(),
                List.of(SecurityPolicy.Basic256Sha256), false), new Fixture.SwitchableOps());
        second.start();
        try {
            second.link(new LinkTelemetry(NODE, "qkd-1", "UP", 0.02, 900.0, 3.0, "", Instant.now()));
            second.pool(new PoolTelemetry(NODE, "qkd-1", "peer", 0, 0, 100, 10, 0, 0, Instant.now()));
            for (String c : List.of("Links/qkd-1/Eavesdropping", "Pools/qkd-1/PoolEmpty")) {
                AlarmConditionTypeNode cond = second.namespace().conditionNode(NODE + "/" + c);
                assertNotNull("condition " + c, cond);
                assertNotNull("ActiveState of " + c, cond.getActiveStateNode());
                assertNotNull("AckedState of " + c, cond.getAckedStateNode());
            }
            // inactive until a POOL_EMPTY alarm: ActiveState/Id is false
            assertEquals(Boolean.FALSE, second.namespace().conditionNode(NODE + "/Pools/qkd-1/PoolEmpty")
                    .getActiveStateNode().getId());

            // a session gets its diagnostics object with all its variables
            OpcUaClient client = app.connect(second, SecurityPolicy.Basic256Sha256, OPERATOR, OPERATOR_PW);
            try {
                Fixture.await("session diagnostics with ActualSessionTimeout", 10_000, () -> {
                    try {
                        for (NodeId session : Fixture.browse(client,
                                NodeIds.Server_ServerDiagnostics_SessionsDiagnosticsSummary).values()) {
                            Map<String, NodeId> children = Fixture.browse(client, session);
                            NodeId diag = children.get("SessionDiagnostics");
                            if (diag != null && Fixture.browse(client, diag).containsKey("ActualSessionTimeout")) {
                                return true;
                            }
                        }
                        return false;
                    } catch (Exception e) {
                        return false;
                    }
                });
            } finally {
                client.disconnect();
            }
            assertTrue(second.status().connected());
        } finally {
            second.close();
        }
    }
}
