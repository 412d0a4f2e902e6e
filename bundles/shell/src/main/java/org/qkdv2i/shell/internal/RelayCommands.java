package org.qkdv2i.shell.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.qkdv2i.kmm.api.KeyManager;
import org.qkdv2i.kmm.api.RelayRoutes;

/**
 * Gogo command {@code qkd:relays}: the virtual links through every node in the framework and
 * the key relayed over each physical link with the link key it cost (ETSI GS QKD 020 relay).
 * Nodes come and go (dynamic, greedy); one leaving mid-command is skipped.
 */
@Component(service = RelayCommands.class, property = {
        "osgi.command.scope=qkd",
        "osgi.command.function=relays"})
public class RelayCommands {

    private final Map<RelayRoutes, String> routes = new ConcurrentHashMap<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindRelayRoutes(RelayRoutes r, Map<String, Object> props) {
        Object node = props.get(KeyManager.NODE_PROPERTY);
        routes.put(r, node == null ? "?" : node.toString());
    }

    void unbindRelayRoutes(RelayRoutes r) {
        routes.remove(r);
    }

    @Descriptor("virtual links through each node, and keys relayed per link with the link key they cost")
    public String relays() {
        List<Views.Relays> nodes = new ArrayList<>();
        for (Map.Entry<RelayRoutes, String> e : routes.entrySet()) {
            try {
                nodes.add(new Views.Relays(e.getValue(), e.getKey().virtualLinks(), e.getKey().relayStats()));
            } catch (RuntimeException leftMeanwhile) {
                // a KMM being deactivated while we ask it: not part of this answer
            }
        }
        return Views.relays(nodes).stripTrailing();
    }
}
