package org.qkdv2i.sdn.agent.internal;

import java.lang.annotation.Annotation;
import java.util.Map;

import org.qkdv2i.kmm.api.KeyManager;
import org.qkdv2i.kmm.api.RelayRoutes;
import org.qkdv2i.tls.NodeTls;

/**
 * Test helper of the controller module: runs engineer AGENT's real ETSI GS QKD 015 agent
 * ({@link AgentComponent} of bundles/sdn.agent, on real HTTPS with mutual TLS) outside OSGi, wired
 * by hand as Declarative Services would wire it: configuration, the node's KeyManager,
 * RelayRoutes and NodeTls (all with {@code qkd.node=<node>}), then activation. It lives in the
 * agent's package only to call the DS bind methods, which are package-private.
 */
public final class RealAgent {

    private final AgentComponent component;

    private RealAgent(AgentComponent component) {
        this.component = component;
    }

    /** Starts the agent of {@code nodeId} on {@code port} (must be > 0: 0 turns the agent off). */
    public static <K extends KeyManager & RelayRoutes> RealAgent start(String nodeId, int port, NodeTls tls, K kmm,
            String controllerCn) {
        AgentComponent c = new AgentComponent(config(nodeId, port, controllerCn), null);
        Map<String, Object> props = Map.of(KeyManager.NODE_PROPERTY, nodeId);
        c.bindKeyManager(kmm, props);
        c.bindRelayRoutes(kmm, props);
        c.bindNodeTls(tls, Map.of(NodeTls.NODE_PROPERTY, nodeId));
        c.activate();
        if (c.port() <= 0) {
            throw new IllegalStateException("agent of node " + nodeId + " did not start on port " + port);
        }
        return new RealAgent(c);
    }

    public void stop() {
        component.deactivate();
    }

    private static AgentComponent.Config config(String nodeId, int port, String controllerCn) {
        return new AgentComponent.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return AgentComponent.Config.class;
            }

            @Override
            public String nodeId() {
                return nodeId;
            }

            @Override
            public String host() {
                return "127.0.0.1";
            }

            @Override
            public int port() {
                return port;
            }

            @Override
            public String[] controllers() {
                return new String[] {controllerCn};
            }

            @Override
            public String location() {
                return "rooftop-" + nodeId;
            }

            @Override
            public int maxRequestBytes() {
                return 65536;
            }
        };
    }
}
