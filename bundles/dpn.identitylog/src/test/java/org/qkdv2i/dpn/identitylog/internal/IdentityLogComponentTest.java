package org.qkdv2i.dpn.identitylog.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.qkdv2i.dpn.identitylog.TestRecords.record;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The DS component in plain JUnit, with its configuration as an annotation proxy. */
public class IdentityLogComponentTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private static IdentityLogComponent.Config config(Map<String, Object> values) {
        return (IdentityLogComponent.Config) Proxy.newProxyInstance(IdentityLogComponentTest.class.getClassLoader(),
                new Class<?>[] {IdentityLogComponent.Config.class}, (proxy, method, args) -> {
                    Object v = values.get(method.getName());
                    return v != null ? v : method.getDefaultValue();
                });
    }

    @Test
    public void singleNodeComponentKeepsItsLogAcrossReactivation() throws Exception {
        Map<String, Object> c = new HashMap<>();
        c.put("storageDir", tmp.newFolder("log").getPath());
        c.put("selfId", "bs-e");
        IdentityLogComponent first = new IdentityLogComponent(config(c));
        first.enrol(record(1));
        first.revoke(record(1).id(), "test");
        byte[] root = first.treeHead().rootHash();
        first.deactivate();

        IdentityLogComponent second = new IdentityLogComponent(config(c));
        try {
            assertEquals(2, second.treeHead().treeSize());
            assertEquals("qkdv2i-dpn", second.treeHead().logId());
            assertTrue(java.util.Arrays.equals(root, second.treeHead().rootHash()));
            assertTrue(second.isRevoked(record(1).id()));
            assertTrue(second.find(record(1).id()).isPresent());
        } finally {
            second.deactivate();
        }
    }

    @Test
    public void badPeersRefuseActivationWithTheReason() throws Exception {
        Map<String, Object> c = new HashMap<>();
        c.put("storageDir", tmp.newFolder("bad").getPath());
        c.put("peers", new String[] {"bs-1=127.0.0.1"});
        try {
            new IdentityLogComponent(config(c)).deactivate();
            fail("activated with a bad peer");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("peer 'bs-1=127.0.0.1' is not id=host:port"));
        }
    }
}
