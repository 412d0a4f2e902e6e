package org.qkdv2i.v2x.api.message;

import java.util.List;

/**
 * DENM {@code RoadWorksContainerExtended}: all optional; {@code null} or, for the lists, empty
 * when absent. LightBarSirenInUse is a 2-bit BIT STRING (bit 0 lightBarActivated, bit 1
 * sirenActivated); restriction holds StationTypes (1..3 in the root, extensible);
 * recommendedPath is an ItineraryPath (1..40 positions); trafficFlowRule a TrafficRule (0..3);
 * referenceDenms 1..8 ActionIDs in the root (extensible).
 */
public record RoadWorksContainerExtended(Integer lightBarSirenInUse, ClosedLanes closedLanes,
        List<Integer> restriction, Integer speedLimit, CauseCode incidentIndication,
        List<ReferencePosition> recommendedPath, DeltaReferencePosition startingPointSpeedLimit,
        Integer trafficFlowRule, List<ActionId> referenceDenms) {
    public RoadWorksContainerExtended {
        Check.optional("lightBarSirenInUse", lightBarSirenInUse, 0, 3);
        restriction = List.copyOf(Check.notNull("restriction", restriction));
        Check.range("restriction size", restriction.size(), 0, 127);
        for (int t : restriction) {
            Check.range("stationType", t, 0, 255);
        }
        Check.optional("speedLimit", speedLimit, 1, 255);
        recommendedPath = List.copyOf(Check.notNull("recommendedPath", recommendedPath));
        Check.range("recommendedPath size", recommendedPath.size(), 0, 40);
        Check.optional("trafficFlowRule", trafficFlowRule, 0, 3);
        referenceDenms = List.copyOf(Check.notNull("referenceDenms", referenceDenms));
        Check.range("referenceDenms size", referenceDenms.size(), 0, 127);
    }
}
