package org.qkdv2i.scenario.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.Collection;
import java.util.Dictionary;
import java.util.Hashtable;

import org.apache.felix.cm.impl.SimpleFilter;
import org.apache.felix.cm.impl.persistence.CachingPersistenceManagerProxy;
import org.apache.felix.cm.impl.persistence.ExtPersistenceManager;
import org.apache.felix.cm.impl.persistence.PersistenceManagerTracker;
import org.junit.Test;

/** The city's ConfigurationAdmin store: in memory, and cached by Felix (issue 8, city start-up at scale). */
public class MemoryConfigurationsTest {

    private static Hashtable<String, Object> config(String pid, String factoryPid, String name) {
        Hashtable<String, Object> d = new Hashtable<>();
        d.put("service.pid", pid);
        d.put("service.factoryPid", factoryPid);
        d.put("name", name);
        return d;
    }

    @Test
    public void storesLoadsAndDeletesCopies() throws Exception {
        MemoryConfigurations pm = new MemoryConfigurations();
        Hashtable<String, Object> d = config("f~1", "f", "a");
        pm.store("f~1", d);
        d.put("name", "changed by the caller");
        assertTrue(pm.exists("f~1"));
        @SuppressWarnings("unchecked")
        Dictionary<String, Object> loaded = pm.load("f~1");
        assertEquals("a", loaded.get("name"));
        loaded.put("name", "changed by a reader");
        assertEquals("a", pm.load("f~1").get("name"));
        assertNull(pm.load("f~2"));
        pm.delete("f~1");
        assertFalse(pm.exists("f~1"));
        assertFalse(pm.getDictionaries().hasMoreElements());
    }

    /**
     * The point of the class: Felix puts it behind its caching proxy (Felix's own memory store is
     * marked not cachable), so SCR's listConfigurations per configuration event filters the cache
     * instead of deep-copying every stored configuration each time.
     */
    @Test
    public void felixCachesItAndListsFromTheCache() throws Exception {
        MemoryConfigurations pm = new MemoryConfigurations();
        ExtPersistenceManager proxy = PersistenceManagerTracker.createPersistenceManagerProxy(pm);
        assertTrue(proxy instanceof CachingPersistenceManagerProxy);
        for (int i = 0; i < 1000; i++) {
            proxy.store("f~" + i, config("f~" + i, "f", "device-" + i));
        }
        for (int i = 0; i < 1000; i += 10) {
            Collection<Dictionary> found = proxy.getDictionaries(SimpleFilter.parse("(service.pid=f~" + i + ")"));
            assertEquals(1, found.size());
            assertEquals("device-" + i, found.iterator().next().get("name"));
        }
        assertTrue("listed the store " + pm.listings.get() + " times", pm.listings.get() <= 1);
    }
}
