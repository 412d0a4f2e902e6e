package org.qkdv2i.console.internal;

import java.util.List;
import java.util.Map;

/**
 * The telemetry sinks as plain maps. Implemented by {@link TelemetrySinks}, the only class that
 * touches the optionally imported telemetry API, so the console runs without it.
 */
public interface SinkDirectory {

    List<Map<String, Object>> sinks();
}
