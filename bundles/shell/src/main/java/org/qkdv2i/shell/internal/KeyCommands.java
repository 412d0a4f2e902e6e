package org.qkdv2i.shell.internal;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.qkdv2i.kmm.api.KeyAuthStatus;
import org.qkdv2i.kmm.api.KeyManager;
import org.qkdv2i.kmm.api.KeyManagerException;
import org.qkdv2i.kmm.api.SaeInfo;

/**
 * {@code qkd:voidkey <master SAE> <slave SAE> <key ID> [reason...]}: key replacement on an
 * operator's request (kmm.api 1.4.0 {@link KeyManager#voidKey}). The KMM serving the master SAE
 * voids the key at both ends of the pair; the master SAE gets a fresh key under a new ID with
 * its next enc_keys (or asks for one at once with the ETSI 014 extension
 * {@value KeyManager#REPLACE_KEY_EXTENSION}). {@code qkd:keyauth}: key authentication counters per
 * node and link. Works on the KMMs present (dynamic, greedy).
 */
@Component(service = KeyCommands.class, property = {
        "osgi.command.scope=qkd",
        "osgi.command.function=voidkey",
        "osgi.command.function=keyauth"})
public class KeyCommands {

    static final String USAGE = "usage: qkd:voidkey <master SAE> <slave SAE> <key ID> [reason...]";
    static final String NO_KMM = "no KMM in this framework (KeyManager services of org.qkdv2i.kmm)";

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

    @Descriptor("void a delivered key suspected compromised at both KMMs of its SAE pair (key replacement)")
    public String voidkey(@Descriptor("master SAE, the pair's key requester") String master,
            @Descriptor("slave SAE") String slave, @Descriptor("key ID (UUID)") String keyId,
            @Descriptor("why (free text, logged at both nodes)") String... reason) {
        if (master == null || slave == null || keyId == null) {
            return USAGE;
        }
        UUID id;
        try {
            id = UUID.fromString(keyId);
        } catch (IllegalArgumentException e) {
            return "'" + keyId + "' is not a key ID (UUID); " + USAGE;
        }
        if (kmms.isEmpty()) {
            return NO_KMM;
        }
        String why = "operator" + (reason == null || reason.length == 0 ? "" : ": " + String.join(" ", reason));
        for (Map.Entry<KeyManager, String> e : kmms.entrySet()) {
            String node = e.getValue();
            KeyManager kmm = e.getKey();
            try {
                if (!servesMaster(kmm, node, master)) {
                    continue;
                }
                kmm.voidKey(master, slave, id, why);
                return "node " + node + ": key " + id + " of SAE pair " + master + " -> " + slave
                        + " voided at both ends (" + why + "); the master SAE gets a fresh key with its next enc_keys";
            } catch (KeyManagerException ex) {
                return "node " + node + ": refused (" + ex.reason() + "): " + ex.getMessage();
            } catch (RuntimeException leftMeanwhile) {
                return "node " + node + ": failed: " + leftMeanwhile.getMessage();
            }
        }
        return "no KMM in this framework serves master SAE '" + master + "' (qkd:saes lists them)";
    }

    @Descriptor("key authentication per node and link: blocks authenticated, failed (alarm), expired, bits spent, waiting")
    public String keyauth() {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%-8s %-16s %13s %6s %7s %12s %7s%n", "node", "link", "authenticated", "failed",
                "expired", "bits spent", "waiting"));
        int rows = 0;
        for (KeyManager kmm : invert().values()) {
            try {
                for (KeyAuthStatus s : kmm.keyAuthentication()) {
                    out.append(String.format("%-8s %-16s %13d %6d %7d %12d %7d%n", s.nodeId(), s.linkId(),
                            s.authenticated(), s.failed(), s.expired(), s.bitsSpent(), s.waiting()));
                    rows++;
                }
            } catch (RuntimeException leftMeanwhile) {
                // a KMM leaving while we ask it: not part of this answer
            }
        }
        if (rows == 0) {
            return kmms.isEmpty() ? NO_KMM : "no KMM here authenticates key blocks (Node config keyAuthentication=true)";
        }
        return out.toString().stripTrailing();
    }

    /** Node ID → KMM, sorted by node. */
    private Map<String, KeyManager> invert() {
        Map<String, KeyManager> m = new java.util.TreeMap<>();
        kmms.forEach((k, node) -> m.put(node, k));
        return m;
    }

    private static boolean servesMaster(KeyManager kmm, String node, String master) {
        for (SaeInfo s : kmm.saes()) {
            if (s.saeId().equals(master) && s.local()) {
                return true;
            }
        }
        return false;
    }
}
