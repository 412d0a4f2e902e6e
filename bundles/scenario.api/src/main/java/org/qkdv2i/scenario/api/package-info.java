/**
 * The city scenario as its viewers and operators see it: a {@link org.qkdv2i.scenario.api.City}
 * (snapshot, events, controls) implemented by the scenario engine, and the
 * {@link org.qkdv2i.scenario.api.CityListener} whiteboard through which the engine pushes events
 * (the web console, the demo's terminal).
 */
@Version("1.1.0")
@Export
package org.qkdv2i.scenario.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
