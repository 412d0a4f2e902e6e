package org.qkdv2i.it.platform;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import java.util.Optional;

import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.identity.UsernameProvider;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;

/**
 * A Milo client inside the framework (Milo comes from our wrapper bundle) that reads one value of
 * a node's telemetry address space over the None endpoint with a user name, then disconnects.
 */
final class OpcUaRead {

    /** Namespace of the QKD-V2I address space; NodeIds are paths ({@code A/Links/A-B/State}). */
    static final String NAMESPACE = "urn:qkdv2i:telemetry";

    private OpcUaRead() {
    }

    /** The link's State value, or null while the server cannot be reached or has no value yet. */
    static String linkState(int port, String user, String password, String node, String link) {
        OpcUaClient client = null;
        try {
            client = OpcUaClient.create("opc.tcp://localhost:" + port + "/qkdv2i",
                    endpoints -> endpoints.stream()
                            .filter(e -> SecurityPolicy.None.getUri().equals(e.getSecurityPolicyUri())).findFirst(),
                    transport -> { },
                    cfg -> cfg.setRequestTimeout(uint(10_000)).setIdentityProvider(new UsernameProvider(user, password)));
            client.connect();
            UShort ns = client.getNamespaceTable().getIndex(NAMESPACE);
            if (ns == null) {
                return null;
            }
            DataValue v = client.readValue(0, TimestampsToReturn.Both,
                    new NodeId(ns, node + "/Links/" + link + "/State"));
            return v.getStatusCode() != null && v.getStatusCode().isGood()
                    ? Optional.ofNullable(v.getValue().getValue()).map(Object::toString).orElse(null) : null;
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
}
