package org.qkdv2i.testdriver.internal;

import java.util.Hashtable;

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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One test link end per factory configuration {@value #PID}.
 *
 * <p>The QkdDriver service is registered by hand rather than by DS because its properties
 * ({@link QkdDriverConstants}) are named differently from the configuration keys; DS would
 * publish the configuration (including the seed) as service properties.
 */
@Component(configurationPid = TestLinkComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = TestLinkConfig.class, factory = true)
public final class TestLinkComponent {

    public static final String PID = "org.qkdv2i.testdriver.TestLink";
    private static final Logger LOG = LoggerFactory.getLogger(TestLinkComponent.class);

    private final TestLinkDriver driver;
    private final ServiceRegistration<QkdDriver> registration;

    @Activate
    public TestLinkComponent(BundleContext context, TestLinkConfig config) {
        LinkEnd end;
        try {
            end = new LinkEnd(config.linkId(), config.localNode(), config.peerNode(), config.role());
            driver = new TestLinkDriver(end, config.seed(), config.blockBits(), config.blocksPerSecond(),
                    config.qber(), System::currentTimeMillis);
        } catch (RuntimeException e) {
            LOG.error("test link {} at node {}: bad configuration: {}", config.linkId(), config.localNode(),
                    e.getMessage());
            throw e;
        }
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(QkdDriverConstants.LINK_ID, end.linkId());
        props.put(QkdDriverConstants.LOCAL_NODE, end.localNodeId());
        props.put(QkdDriverConstants.PEER_NODE, end.peerNodeId());
        props.put(QkdDriverConstants.ROLE, end.role().name());
        props.put(QkdDriverConstants.DRIVER_TYPE, "test");
        props.put(Constants.SERVICE_DESCRIPTION, "QKD test driver (shared seed), never for production");
        registration = context.registerService(QkdDriver.class, driver, props);
        LOG.info("test link {} at node {} registered ({} bits x {}/s, role {})", end.linkId(), end.localNodeId(),
                config.blockBits(), config.blocksPerSecond(), end.role());
    }

    @Deactivate
    void deactivate() {
        try {
            registration.unregister(); // the KMM detaches while we still run
        } catch (IllegalStateException alreadyGone) {
            // bundle stopping: the framework unregistered it first
        }
        driver.close();
        LOG.info("test link {} at node {} stopped", driver.linkEnd().linkId(), driver.linkEnd().localNodeId());
    }
}
