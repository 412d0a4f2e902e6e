package org.qkdv2i.shell.internal;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.qkdv2i.kmm.api.KeyManager;
import org.qkdv2i.kmm.api.QosStatus;

/**
 * {@code qkd:qos}: the allocation by agreed QoS under scarcity (kmm.api 1.5.0
 * {@link KeyManager#qosAllocation}) per node, pool and consumer (ETSI 014 SAE pair or ETSI 004
 * stream): priority, guaranteed minimum, maximum, whether the minimum is reserved now, the rate served
 * over the last 10 s and the requests refused because key was scarce. Rates in bit/s of stored key.
 * Works on the KMMs present (dynamic, greedy).
 */
@Component(service = QosCommands.class, property = {
        "osgi.command.scope=qkd",
        "osgi.command.function=qos"})
public class QosCommands {

    static final String NO_KMM = "no KMM in this framework (KeyManager services of org.qkdv2i.kmm)";
    static final String NONE = "no SAE pair or key stream has asked for key from a link pool yet";

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

    @Descriptor("allocation by agreed QoS per node, pool and SAE pair/stream: priority (higher wins), min and max "
            + "bit/s, minimum reserved now, served bit/s (last 10 s), requests served and refused (key scarce)")
    public String qos() {
        if (kmms.isEmpty()) {
            return NO_KMM;
        }
        Map<String, KeyManager> byNode = new TreeMap<>();
        kmms.forEach((k, node) -> byNode.put(node, k));
        Table t = new Table("node", "pool", "consumer", "priority", "min bit/s", "max bit/s", "reserved",
                "served bit/s", "served", "refused", "pool refill bit/s");
        for (KeyManager kmm : byNode.values()) {
            try {
                for (QosStatus s : kmm.qosAllocation()) {
                    t.row(s.nodeId(), s.pool(), s.consumer(), s.priority(), Math.round(s.minBps()),
                            s.maxBps() > 0 ? Math.round(s.maxBps()) : null, s.reserved() ? "yes" : "no",
                            Math.round(s.servedBps()), s.served(), s.refused(), Math.round(s.refillBps()));
                }
            } catch (RuntimeException leftMeanwhile) {
                // a KMM leaving while we ask it: not part of this answer
            }
        }
        return t.render(NONE).stripTrailing();
    }
}
