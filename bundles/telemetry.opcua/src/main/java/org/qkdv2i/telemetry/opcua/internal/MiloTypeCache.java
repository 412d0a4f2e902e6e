package org.qkdv2i.telemetry.opcua.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.nodes.UaNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaObjectTypeNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaVariableTypeNode;
import org.eclipse.milo.opcua.sdk.server.nodes.factories.NodeFactory;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;

/**
 * Milo 1.0.5's {@link NodeFactory} keeps each type's instance declaration hierarchy (the
 * children an instance gets: ActiveState/Id of an AlarmConditionType, the variables of a
 * SessionDiagnosticsObjectType…) in a static cache keyed by the type's NodeId alone, kept an
 * hour after last use and shared by every server of the class loader: in OSGi, for as long as
 * the Milo bundle lives, across any number of restarts of this bundle's servers. A hierarchy
 * built against a server that is stopping (namespace 0 already unregistered: a late sink call,
 * a session set up while the port closes) holds the type alone, and every later instance of
 * that type, in every server, comes out without children. So each server forgets namespace
 * 0's types when it starts and after it stops; the next use rebuilds them from a live server.
 */
final class MiloTypeCache {

    /** NodeIds of namespace 0's object and variable types (the same in every server). */
    private static final Set<NodeId> TYPES = ConcurrentHashMap.newKeySet();

    private MiloTypeCache() {
    }

    /** Learns the types of a started server's namespace 0 and forgets them all. */
    static void learnAndForget(OpcUaServer server) {
        for (UaNode n : server.getOpcUaNamespace().getNodeManager().getNodes()) {
            if (n instanceof UaObjectTypeNode || n instanceof UaVariableTypeNode) {
                TYPES.add(n.getNodeId());
            }
        }
        forgetAll();
    }

    /** Forgets every type seen so far. */
    static void forgetAll() {
        TYPES.forEach(NodeFactory::invalidateCachedIdh);
    }

    static void forget(NodeId type) {
        NodeFactory.invalidateCachedIdh(type);
    }
}
