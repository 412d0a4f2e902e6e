package org.qkdv2i.v2x.api.message;

/**
 * {@code ClosedLanes} (TS 102 894-2): optional inner and outer HardShoulderStatus (0
 * availableForStopping, 1 closed, 2 availableForDriving; {@code null} when absent) and
 * optional DrivingLaneStatus (BIT STRING SIZE(1..13); {@code drivingLaneStatusSize} 0 when
 * absent, bit {@code n} of {@code drivingLaneStatus} is named bit {@code n}: lane n closed).
 */
public record ClosedLanes(Integer innerhardShoulderStatus, Integer outerhardShoulderStatus, int drivingLaneStatusSize,
        int drivingLaneStatus) {
    public ClosedLanes {
        Check.optional("innerhardShoulderStatus", innerhardShoulderStatus, 0, 2);
        Check.optional("outerhardShoulderStatus", outerhardShoulderStatus, 0, 2);
        Check.range("drivingLaneStatus size", drivingLaneStatusSize, 0, 13);
        Check.range("drivingLaneStatus", drivingLaneStatus, 0, (1 << drivingLaneStatusSize) - 1);
    }
}
