package org.qkdv2i.sdn.agent.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.qkdv2i.sdn.api.QkdApp;

/**
 * The applications the controller registered at this node (ETSI GS QKD 015 §5.2), in
 * memory: after a restart the controller re-pushes them (it reconciles agents that lost
 * state). Ordered by ID so GETs are stable.
 */
final class AppTable {

    private final Map<String, QkdApp> apps = new TreeMap<>();

    /** Adds or replaces; returns whether it was new. */
    synchronized boolean put(QkdApp app) {
        return apps.put(app.appId(), app) == null;
    }

    synchronized QkdApp get(String appId) {
        return apps.get(appId);
    }

    synchronized boolean remove(String appId) {
        return apps.remove(appId) != null;
    }

    synchronized List<QkdApp> all() {
        return new ArrayList<>(apps.values());
    }
}
