package org.qkdv2i.it.platform;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.qkdv2i.kmm.api.Key;
import org.qkdv2i.kmm.api.KeyManager;
import org.qkdv2i.kmm.api.KeyManagerException;
import org.qkdv2i.kmm.api.KeyRequest;

/**
 * Configuration changed on a live node takes effect without restarting it: the KeyManager
 * service keeps its service ID and SCR keeps the same component configuration.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ConfigChangeIT {

    private static final String NODE_COMPONENT = "org.qkdv2i.kmm.Node";

    @Inject
    BundleContext context;

    private TwoNodes nodes;
    private KeyManager a;
    private long serviceIdA;
    private Map<Long, Integer> nodeComponents;

    @Configuration
    public Option[] config() {
        return Platform.options();
    }

    @Before
    public void setUp() throws Exception {
        nodes = new TwoNodes(context).configureAll();
        a = nodes.keyManager(TwoNodes.A);
        nodes.awaitOwnKeys(TwoNodes.A, 32, 30);
        serviceIdA = TwoNodes.serviceId(nodes.keyManagerRef(TwoNodes.A));
        // prove the pair works before changing anything
        nodes.newKeysOnceWired(a, new KeyRequest(TwoNodes.SAE_A, TwoNodes.SAE_B, 3, 256)).forEach(Key::destroy);
        nodeComponents = Components.configurations(context, NODE_COMPONENT);
        assertEquals("two KMM component configurations: " + nodeComponents, 2, nodeComponents.size());
    }

    @After
    public void tearDown() {
        nodes.close();
    }

    private void assertNotRestarted() {
        assertEquals("KeyManager of A re-registered", serviceIdA, TwoNodes.serviceId(nodes.keyManagerRef(TwoNodes.A)));
        assertEquals("KMM component configurations changed", nodeComponents,
                Components.configurations(context, NODE_COMPONENT));
    }

    /** Waits until a request for {@code number} keys is refused as a bad request; returns the message. */
    private String awaitRefused(int number) {
        return Await.value("a request for " + number + " keys to be refused", 20, TimeUnit.SECONDS, () -> {
            try {
                List<Key> keys = a.newKeys(new KeyRequest(TwoNodes.SAE_A, TwoNodes.SAE_B, number, 256));
                keys.forEach(Key::destroy);
                return null; // the change has not landed yet
            } catch (KeyManagerException e) {
                return e.reason() == KeyManagerException.Reason.BAD_REQUEST ? e.getMessage() : null;
            }
        });
    }

    private void awaitServed(int number) {
        Await.until("a request for " + number + " keys to be served", 20, TimeUnit.SECONDS, () -> {
            try {
                List<Key> keys = a.newKeys(new KeyRequest(TwoNodes.SAE_A, TwoNodes.SAE_B, number, 256));
                keys.forEach(Key::destroy);
                return keys.size() == number;
            } catch (KeyManagerException e) {
                return false;
            }
        });
    }

    @Test
    public void maxKeysPerRequestOfTheNodeChangesLive() throws Exception {
        TwoNodes.change(nodes.nodeA, "maxKeysPerRequest", 2);
        String msg = awaitRefused(3);
        assertTrue(msg, msg.contains("max_key_per_request"));
        assertEquals(2, a.status(TwoNodes.SAE_A, TwoNodes.SAE_B).maxKeyPerRequest());
        awaitServed(2);

        TwoNodes.change(nodes.nodeA, "maxKeysPerRequest", 5);
        awaitServed(3);
        assertEquals(5, a.status(TwoNodes.SAE_A, TwoNodes.SAE_B).maxKeyPerRequest());
        assertNotRestarted();
    }

    @Test
    public void saePairQosAddedAndRemovedLive() throws Exception {
        org.osgi.service.cm.Configuration qos = nodes.create(TwoNodes.QOS_PID, TwoNodes.props(
                "masterSaeId", TwoNodes.SAE_A, "slaveSaeId", TwoNodes.SAE_B, "maxKeysPerRequest", 1));
        awaitRefused(2);
        assertEquals(1, a.status(TwoNodes.SAE_A, TwoNodes.SAE_B).maxKeyPerRequest());
        awaitServed(1);

        qos.delete();
        awaitServed(2);
        assertEquals(128, a.status(TwoNodes.SAE_A, TwoNodes.SAE_B).maxKeyPerRequest());
        assertNotRestarted();
    }

    @Test
    public void keyLifetimeChangesLiveAndOldKeysExpire() throws Exception {
        long expiredBefore = nodes.pool(a).expired();
        TwoNodes.change(nodes.nodeA, "keyLifetimeSeconds", 1L);
        Await.until("keys of A to expire under the new 1 s lifetime", 30, TimeUnit.SECONDS,
                () -> nodes.pool(a).expired() > expiredBefore);
        TwoNodes.change(nodes.nodeA, "keyLifetimeSeconds", 3600L);
        // with the long lifetime back, the pool grows again
        long own = nodes.pool(a).ownKeys();
        Await.until("pool of A to grow again", 30, TimeUnit.SECONDS, () -> nodes.pool(a).ownKeys() > own + 32);
        assertNotRestarted();
    }
}
