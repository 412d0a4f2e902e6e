package org.qkdv2i.console.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.qkdv2i.kmm.api.KeyManager;
import org.qkdv2i.kmm.api.LinkControl;
import org.qkdv2i.scenario.api.City;

/** Sources for tests: whatever the test puts in (services coming and going). */
final class FakeSources implements Sources {

    volatile City city;
    final Map<String, KeyManager> kmms = new ConcurrentHashMap<>();
    final Map<String, LinkControl> controls = new ConcurrentHashMap<>();
    volatile List<Map<String, Object>> sinks;

    @Override
    public City city() {
        return city;
    }

    @Override
    public Map<String, KeyManager> keyManagers() {
        return Map.copyOf(kmms);
    }

    @Override
    public Map<String, LinkControl> linkControls() {
        return Map.copyOf(controls);
    }

    @Override
    public List<Map<String, Object>> telemetrySinks() {
        return sinks;
    }
}
