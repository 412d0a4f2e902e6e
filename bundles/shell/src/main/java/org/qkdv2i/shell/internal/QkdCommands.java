package org.qkdv2i.shell.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.qkdv2i.kmm.api.KeyManager;

/**
 * Gogo commands {@code qkd:nodes}, {@code qkd:links}, {@code qkd:pools}, {@code qkd:saes}
 * over every KMM in the framework. KMMs come and go (dynamic, greedy): a command works on
 * the ones present when it runs, and a KMM that leaves mid-command is skipped.
 */
@Component(service = QkdCommands.class, property = {
        "osgi.command.scope=qkd",
        "osgi.command.function=nodes",
        "osgi.command.function=links",
        "osgi.command.function=pools",
        "osgi.command.function=saes"})
public class QkdCommands {

    private final Map<KeyManager, String> kmms = new ConcurrentHashMap<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindKeyManager(KeyManager kmm, Map<String, Object> props) {
        Object node = props.get(KeyManager.NODE_PROPERTY);
        kmms.put(kmm, node == null ? "?" : node.toString());
    }

    void unbindKeyManager(KeyManager kmm) {
        kmms.remove(kmm);
    }

    @Descriptor("KMM nodes in this framework: links, SAEs, keys")
    public String nodes() {
        return render(Views::nodes);
    }

    @Descriptor("QKD links per node: peer, driver present, state, QBER, secret key rate")
    public String links() {
        return render(Views::links);
    }

    @Descriptor("key pools per link: own and peer keys, capacity, delivered, expired")
    public String pools() {
        return render(Views::pools);
    }

    @Descriptor("SAEs known to each node and where they are served")
    public String saes() {
        return render(Views::saes);
    }

    private String render(Function<List<Views.Node>, String> view) {
        return view.apply(snapshot()).stripTrailing();
    }

    List<Views.Node> snapshot() {
        List<Views.Node> nodes = new ArrayList<>();
        for (Map.Entry<KeyManager, String> e : kmms.entrySet()) {
            try {
                KeyManager kmm = e.getKey();
                nodes.add(new Views.Node(e.getValue(), kmm.pools(), kmm.saes()));
            } catch (RuntimeException leftMeanwhile) {
                // a KMM being deactivated while we ask it: not part of this answer
            }
        }
        return nodes;
    }
}
