package org.qkdv2i.v2x.api.adapter;

import org.osgi.annotation.versioning.ConsumerType;
import org.qkdv2i.v2x.api.StationState;

/**
 * Where this station is and how it moves (GNSS/odometry, or the scenario engine in the
 * simulation). The CAM and BSM generators read it at every check (every 50 ms by default), so it
 * must be quick and thread-safe. A stack selects a provider with its {@code stationState.target}
 * filter, e.g. by a {@link #STATION} service property.
 */
@ConsumerType
@FunctionalInterface
public interface StationStateProvider {
    /** Optional service property (String): which station (vehicle, RSU) this provider describes. */
    String STATION = "v2x.station";

    /**
     * The latest state, or {@code null} while unknown (then no CAM/BSM is generated). The stack
     * uses position, speed, heading and time; station ID and type come from the stack's configuration.
     */
    StationState stationState();
}
