package org.qkdv2i.scenario.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.felix.cm.PersistenceManager;
import org.osgi.service.component.annotations.Component;

/**
 * ConfigurationAdmin's store for the city demo: in memory only, like Felix's own {@code memory}
 * store (no configuration, and no password or authentication key in one, ever reaches the disk),
 * but CACHABLE. Felix's {@code memory} store is marked not cachable, so every
 * {@code listConfigurations} deep-copies every stored configuration before filtering; SCR calls
 * it once per configuration event (to read the change count), which made a city's start
 * O(configurations²): 5,300 configurations for 1,050 devices, ~28 M dictionary copies and most of
 * the start-up CPU and GC (issue 8, docs/benchmarks.md "city start-up at scale"). Felix wraps a
 * store without that mark in its caching proxy, which filters its cache first and copies only the
 * matches. Selected with the framework property {@code felix.cm.pm=}{@value #NAME} (demo.bndrun);
 * elsewhere it is registered and unused.
 */
@Component(service = PersistenceManager.class, property = PersistenceManager.PROPERTY_NAME + "=" + MemoryConfigurations.NAME)
public final class MemoryConfigurations implements PersistenceManager {

    static final String NAME = "qkdv2i.memory";

    private final Map<String, Hashtable<String, Object>> store = new ConcurrentHashMap<>();
    /** Full listings served (the caching proxy asks once; a test seam). */
    final AtomicInteger listings = new AtomicInteger();

    @Override
    public boolean exists(String pid) {
        return store.containsKey(pid);
    }

    /** A copy of the configuration, or null if there is none (as Felix's memory store answers). */
    @Override
    @SuppressWarnings("rawtypes")
    public Dictionary load(String pid) {
        Hashtable<String, Object> d = store.get(pid);
        return d == null ? null : new Hashtable<>(d);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Enumeration getDictionaries() {
        listings.incrementAndGet();
        List<Dictionary<String, Object>> all = new ArrayList<>();
        store.values().forEach(d -> all.add(new Hashtable<>(d)));
        return Collections.enumeration(all);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public void store(String pid, Dictionary properties) {
        Hashtable<String, Object> copy = new Hashtable<>();
        for (Enumeration<?> keys = properties.keys(); keys.hasMoreElements();) {
            Object k = keys.nextElement();
            copy.put(k.toString(), properties.get(k));
        }
        store.put(pid, copy);
    }

    @Override
    public void delete(String pid) {
        store.remove(pid);
    }
}
