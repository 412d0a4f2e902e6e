package org.qkdv2i.tck;

import java.io.IOException;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.Map;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The two factory configurations of the link under test (end A, end B), named
 * {@code <pid>~tck-a} / {@code ~tck-b} and bound to any bundle ({@code "?"}), so that they survive
 * an update or reinstall of the driver bundle.
 */
final class LinkConfigs {

    private final ConfigurationAdmin cm;
    private final Profile p;
    private Configuration a;
    private Configuration b;

    LinkConfigs(ConfigurationAdmin cm, Profile p) {
        this.cm = cm;
        this.p = p;
    }

    void create() throws IOException {
        a = cm.getFactoryConfiguration(p.pid, "tck-a", "?");
        a.update(dict(p.configA, Map.of()));
        b = cm.getFactoryConfiguration(p.pid, "tck-b", "?");
        b.update(dict(p.configB, Map.of()));
    }

    /** Applies a runtime change: the end's configuration with {@code changeA}/{@code changeB} on top. */
    void update(Map<String, Object> changeA, Map<String, Object> changeB) throws IOException {
        a.update(dict(p.configA, changeA));
        b.update(dict(p.configB, changeB));
    }

    void delete() throws IOException {
        if (a != null) {
            a.delete();
            a = null;
        }
        if (b != null) {
            b.delete();
            b = null;
        }
    }

    private static Dictionary<String, Object> dict(Map<String, Object> base, Map<String, Object> change) {
        Map<String, Object> m = new LinkedHashMap<>(base);
        m.putAll(change);
        return new Hashtable<>(m);
    }

    @Override
    public String toString() {
        return (a == null ? "A: none" : "A: " + a.getPid()) + ", " + (b == null ? "B: none" : "B: " + b.getPid());
    }
}
