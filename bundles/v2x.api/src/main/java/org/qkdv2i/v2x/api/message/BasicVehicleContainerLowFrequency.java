package org.qkdv2i.v2x.api.message;

import java.util.List;

/**
 * CAM {@code BasicVehicleContainerLowFrequency}: vehicle role, exterior lights and the path
 * history (PathHistory, 0..40 path points, most recent first).
 */
public record BasicVehicleContainerLowFrequency(VehicleRole vehicleRole, ExteriorLights exteriorLights,
        List<PathPoint> pathHistory) {
    public BasicVehicleContainerLowFrequency {
        Check.notNull("vehicleRole", vehicleRole);
        Check.notNull("exteriorLights", exteriorLights);
        pathHistory = List.copyOf(Check.notNull("pathHistory", pathHistory));
        Check.range("pathHistory size", pathHistory.size(), 0, 40);
    }
}
