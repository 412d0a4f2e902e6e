package org.qkdv2i.driver.etsi014.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Clock;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.qkdv2i.qkd.api.LinkEnd;
import org.qkdv2i.qkd.api.QkdDriver;
import org.qkdv2i.qkd.api.QkdDriverConstants;
import org.qkdv2i.tls.BcNodeTls;
import org.qkdv2i.tls.NodeTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ETSI 014 link end per factory configuration {@value #PID}.
 *
 * <p>The QkdDriver service is registered by hand rather than by DS: its properties
 * ({@link QkdDriverConstants}) are named differently from the configuration keys, and DS
 * would publish the configuration (including the key store password) as service properties.
 * A key store or trust store that cannot be read does not stop the registration: the link end
 * reports DOWN with the cause, so the operator sees it in the link status.
 */
@Component(configurationPid = Etsi014LinkComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = Etsi014LinkConfig.class, factory = true)
public final class Etsi014LinkComponent {

    public static final String PID = "org.qkdv2i.driver.etsi014.Link";
    private static final Logger LOG = LoggerFactory.getLogger(Etsi014LinkComponent.class);

    private final Etsi014Driver driver;
    private final ServiceRegistration<QkdDriver> registration;

    @Activate
    public Etsi014LinkComponent(BundleContext context, Etsi014LinkConfig config) {
        LinkEnd end;
        Etsi014Driver.Settings settings;
        try {
            end = new LinkEnd(config.linkId(), config.localNode(), config.peerNode(), config.role());
            settings = new Etsi014Driver.Settings(trim(config.masterSaeId()), trim(config.slaveSaeId()),
                    config.keySizeBits(), config.keysPerRequest(), config.pollIntervalMillis(),
                    config.requestTimeoutMillis(), config.maxKeysPerSecond());
        } catch (RuntimeException e) {
            LOG.error("etsi014 link {} at node {}: bad configuration: {}", config.linkId(), config.localNode(),
                    e.getMessage());
            throw e;
        }
        KmeClient kme = null;
        String problem = null;
        try {
            NodeTls tls = saeTls(end, config);
            kme = new JettyKmeClient(config.kmeUrl(), tls, settings.requestTimeoutMillis(),
                    Etsi014Driver.THREAD_PREFIX + "http-" + end.linkId() + "-" + end.localNodeId());
        } catch (Exception e) {
            problem = "vendor KME client not usable: " + message(e);
            LOG.error("etsi014 link {} at node {}: {}", end.linkId(), end.localNodeId(), problem);
        }
        driver = new Etsi014Driver(end, settings, kme, problem, Clock.systemUTC());
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(QkdDriverConstants.LINK_ID, end.linkId());
        props.put(QkdDriverConstants.LOCAL_NODE, end.localNodeId());
        props.put(QkdDriverConstants.PEER_NODE, end.peerNodeId());
        props.put(QkdDriverConstants.ROLE, end.role().name());
        props.put(QkdDriverConstants.DRIVER_TYPE, Etsi014Driver.DRIVER_TYPE);
        props.put(Constants.SERVICE_DESCRIPTION, "QKD link end on a vendor KME over ETSI GS QKD 014");
        registration = context.registerService(QkdDriver.class, driver, props);
        LOG.info("etsi014 link {} at node {} registered: {} end, vendor KME {}, SAE {}, {} bits x {} per request",
                end.linkId(), end.localNodeId(), driver.isMaster() ? "master" : "slave", config.kmeUrl(),
                driver.isMaster() ? settings.masterSaeId() : settings.slaveSaeId(), settings.keySizeBits(),
                settings.keysPerRequest());
    }

    @Deactivate
    void deactivate() {
        try {
            registration.unregister(); // the KMM detaches while we still run
        } catch (IllegalStateException alreadyGone) {
            // bundle stopping: the framework unregistered it first
        }
        driver.close();
        LOG.info("etsi014 link {} at node {} stopped", driver.linkEnd().linkId(), driver.linkEnd().localNodeId());
    }

    /** The vendor SAE identity of this end: PKCS#12 key store plus the vendor's CA (PEM or PKCS#12). */
    static NodeTls saeTls(LinkEnd end, Etsi014LinkConfig config) throws IOException, GeneralSecurityException {
        char[] password = config.keyStorePassword() == null ? new char[0] : config.keyStorePassword().toCharArray();
        try {
            List<String> groups = config.namedGroups() == null ? null : Arrays.asList(config.namedGroups());
            Path trust = Path.of(config.trustStore());
            BouncyCastleProvider bc = new BouncyCastleProvider();
            KeyStore ks = KeyStore.getInstance("PKCS12", bc);
            try (InputStream in = Files.newInputStream(Path.of(config.keyStore()))) {
                ks.load(in, password);
            }
            KeyStore ts;
            if (isPem(trust)) {
                ts = BcNodeTls.readTrustStore(trust);
            } else {
                ts = KeyStore.getInstance("PKCS12", bc);
                try (InputStream in = Files.newInputStream(trust)) {
                    String tp = config.trustStorePassword();
                    ts.load(in, tp == null || tp.isEmpty() ? null : tp.toCharArray());
                }
            }
            return BcNodeTls.of(end.localNodeId(), ks, password, ts, groups, null);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    private static boolean isPem(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            byte[] head = in.readNBytes(64);
            return new String(head, StandardCharsets.US_ASCII).contains("-----BEGIN");
        }
    }

    private static String message(Exception e) {
        if (e instanceof NoSuchFileException) {
            return "file not found: " + e.getMessage();
        }
        Throwable t = e;
        String m = t.getMessage();
        while ((m == null || m.isBlank()) && t.getCause() != null) {
            t = t.getCause();
            m = t.getMessage();
        }
        return m == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + m;
    }

    private static String trim(String s) {
        return s == null ? null : s.trim();
    }
}
