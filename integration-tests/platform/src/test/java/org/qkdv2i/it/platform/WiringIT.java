package org.qkdv2i.it.platform;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.fail;

import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

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
import org.qkdv2i.kmm.api.PoolStatus;
import org.qkdv2i.qkd.api.LinkState;

/**
 * Two nodes wired by DS from configuration alone; keys drawn at A are fetched at B. One
 * framework for the class; each test gets fresh node configurations (own folders and ports).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class WiringIT {

    @Inject
    BundleContext context;

    private TwoNodes nodes;

    @Configuration
    public Option[] config() {
        return Platform.options();
    }

    @Before
    public void setUp() throws Exception {
        nodes = new TwoNodes(context).configureAll();
    }

    @After
    public void tearDown() {
        nodes.close();
    }

    @Test
    public void keyManagersAppearDriversBindAndKeysFromAAreFetchedAtB() throws Exception {
        KeyManager a = nodes.keyManager(TwoNodes.A);
        KeyManager b = nodes.keyManager(TwoNodes.B);
        assertEquals(TwoNodes.A, a.nodeId());
        assertEquals(TwoNodes.B, b.nodeId());

        PoolStatus poolA = nodes.awaitOwnKeys(TwoNodes.A, 16, 30);
        nodes.awaitOwnKeys(TwoNodes.B, 16, 30);
        assertEquals(TwoNodes.B, poolA.peerNodeId());
        assertEquals(LinkState.UP, poolA.link().state());
        assertEquals(0.02, poolA.link().qber(), 1e-9);
        assertEquals(TwoNodes.KEY_BITS, poolA.keyBits());

        List<Key> sent = nodes.newKeysOnceWired(a, new KeyRequest(TwoNodes.SAE_A, TwoNodes.SAE_B, 3, 256));
        assertEquals(3, sent.size());
        List<UUID> ids = sent.stream().map(Key::id).collect(Collectors.toList());
        assertEquals("distinct IDs", 3, ids.stream().distinct().count());

        List<Key> received = b.keysById(TwoNodes.SAE_B, TwoNodes.SAE_A, ids);
        assertEquals(3, received.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(ids.get(i), received.get(i).id());
            assertArrayEquals("key " + ids.get(i), sent.get(i).bytes(), received.get(i).bytes());
            assertEquals(256, received.get(i).bits());
        }
        assertNotEquals("two keys differ", java.util.Arrays.toString(sent.get(0).bytes()),
                java.util.Arrays.toString(sent.get(1).bytes()));

        // one-time delivery: the same IDs a second time are gone
        try {
            b.keysById(TwoNodes.SAE_B, TwoNodes.SAE_A, ids);
            fail("a delivered key was delivered again");
        } catch (KeyManagerException e) {
            assertEquals(KeyManagerException.Reason.KEYS_NOT_FOUND, e.reason());
        }
        sent.forEach(Key::destroy);
        received.forEach(Key::destroy);
    }

    @Test
    public void saesOfBothNodesAreKnownToEach() {
        KeyManager a = nodes.keyManager(TwoNodes.A);
        Await.until("A knows SAE-A (local) and SAE-B (remote)", 30, java.util.concurrent.TimeUnit.SECONDS,
                () -> a.saes().stream().anyMatch(s -> s.saeId().equals(TwoNodes.SAE_A) && s.local())
                        && a.saes().stream().anyMatch(s -> s.saeId().equals(TwoNodes.SAE_B) && !s.local()
                                && s.nodeId().equals(TwoNodes.B)));
    }
}
