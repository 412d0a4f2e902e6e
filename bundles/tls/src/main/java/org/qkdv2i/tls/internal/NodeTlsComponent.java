package org.qkdv2i.tls.internal;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.qkdv2i.tls.BcNodeTls;
import org.qkdv2i.tls.NodeTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node TLS identity per factory configuration of PID {@code org.qkdv2i.tls.NodeTls},
 * registered as a {@link NodeTls} service with {@code qkd.node=<nodeId>}. The service is
 * registered by hand because its {@code qkd.node} property comes from the {@code nodeId}
 * option; a bad key store fails activation with one log line and registers nothing.
 */
@Component(configurationPid = NodeTlsComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = NodeTlsComponent.Config.class, factory = true)
public final class NodeTlsComponent {

    static final String PID = "org.qkdv2i.tls.NodeTls";
    private static final Logger LOG = LoggerFactory.getLogger(NodeTlsComponent.class);

    @ObjectClassDefinition(pid = PID, name = "QKD-V2I node TLS identity",
            description = "Key, certificate and trusted CAs of one node for mutual TLS on Bouncy Castle JSSE.")
    public @interface Config {
        @AttributeDefinition(description = "Node ID; the service gets qkd.node=<nodeId>")
        String nodeId();

        @AttributeDefinition(description = "PKCS#12 key store with the node key and certificate chain")
        String keyStore();

        @AttributeDefinition(type = AttributeType.PASSWORD, description = "Password of the key store and its key")
        String keyStorePassword();

        @AttributeDefinition(description = "PEM bundle of the CA certificates trusted for SAE and peer certificates")
        String trustStore();

        @AttributeDefinition(description = "TLS named groups, most preferred first (hybrid post-quantum first)")
        String[] namedGroups() default { "X25519MLKEM768", "x25519", "secp256r1", "secp384r1" };

        @AttributeDefinition(description = "TLS protocol versions")
        String[] protocols() default { "TLSv1.3", "TLSv1.2" };
    }

    private final ServiceRegistration<NodeTls> registration;

    @Activate
    public NodeTlsComponent(BundleContext context, Config config, @Reference BcProviders providers) throws Exception {
        String nodeId = config.nodeId() == null ? "" : config.nodeId().trim();
        if (nodeId.isEmpty() || config.keyStore() == null || config.trustStore() == null) {
            LOG.error("node TLS not started: configuration {} needs nodeId, keyStore and trustStore", PID);
            throw new IllegalArgumentException("nodeId, keyStore and trustStore are required");
        }
        char[] password = config.keyStorePassword() == null ? new char[0] : config.keyStorePassword().toCharArray();
        BcNodeTls tls;
        try {
            tls = BcNodeTls.load(nodeId, providers.bouncyCastle(), Path.of(config.keyStore()), password,
                    Path.of(config.trustStore()), list(config.namedGroups()), list(config.protocols()));
        } catch (Exception e) {
            LOG.error("node {}: TLS identity not loaded from {} / {}: {}", nodeId, config.keyStore(),
                    config.trustStore(), e.toString());
            throw e;
        } finally {
            Arrays.fill(password, '\0');
        }
        // the first handshake's class initialisation, while this thread registers the identity and
        // its users (ETSI 014 server, KMM peer endpoint) start their servers with it
        HandshakeWarmUp.startFor(tls);
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(NodeTls.NODE_PROPERTY, nodeId);
        props.put(Constants.SERVICE_DESCRIPTION, "TLS identity of node " + nodeId);
        registration = context.registerService(NodeTls.class, tls, props);
        LOG.info("node {}: TLS identity loaded from {}, groups {}, protocols {}", nodeId, config.keyStore(),
                tls.namedGroups(), tls.protocols());
    }

    @Deactivate
    void deactivate() {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // bundle stopping: the framework unregistered it already
        }
    }

    private static List<String> list(String[] values) {
        return values == null ? List.of() : Arrays.asList(values);
    }
}
