package org.qkdv2i.console.internal;

import java.util.List;
import java.util.Map;

import org.qkdv2i.kmm.api.KeyManager;
import org.qkdv2i.kmm.api.LinkControl;
import org.qkdv2i.scenario.api.City;

/**
 * What the console shows and controls. Looked up on every request and every snapshot, because
 * each of these services may come and go while the console runs.
 */
interface Sources {

    /** The running scenario, or null when none is. */
    City city();

    /** The KMMs in this framework by node ID (a snapshot; empty when none). */
    Map<String, KeyManager> keyManagers();

    /** The link controls (kmm.api 1.2.0) by node ID (a snapshot; empty when none). */
    Map<String, LinkControl> linkControls();

    /**
     * Telemetry sinks as plain maps (adapter, node, endpoint, connected, counters), or null when
     * no telemetry API is installed (the console imports it optionally).
     */
    List<Map<String, Object>> telemetrySinks();
}
