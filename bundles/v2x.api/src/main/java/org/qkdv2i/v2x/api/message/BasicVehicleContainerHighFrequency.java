package org.qkdv2i.v2x.api.message;

/**
 * CAM {@code BasicVehicleContainerHighFrequency} (EN 302 637-2 v1.4.1): nine mandatory data
 * frames and seven optional ones ({@code null} when absent).
 *
 * @param lanePosition LanePosition (-1..14: -1 off the road, 0 hard shoulder, 1 outermost lane)
 * @param performanceClass PerformanceClass (0..7: 0 unavailable, 1 class A, 2 class B)
 */
public record BasicVehicleContainerHighFrequency(Heading heading, Speed speed, DriveDirection driveDirection,
        VehicleLength vehicleLength, int vehicleWidth, Acceleration longitudinalAcceleration, Curvature curvature,
        CurvatureCalculationMode curvatureCalculationMode, YawRate yawRate, AccelerationControl accelerationControl,
        Integer lanePosition, SteeringWheelAngle steeringWheelAngle, Acceleration lateralAcceleration,
        Acceleration verticalAcceleration, Integer performanceClass, CenDsrcTollingZone cenDsrcTollingZone)
        implements HighFrequencyContainer {

    /** VehicleWidth unavailable (1..62, 10 cm; 61 out of range). */
    public static final int VEHICLE_WIDTH_UNAVAILABLE = 62;

    public BasicVehicleContainerHighFrequency {
        Check.notNull("heading", heading);
        Check.notNull("speed", speed);
        Check.notNull("driveDirection", driveDirection);
        Check.notNull("vehicleLength", vehicleLength);
        Check.range("vehicleWidth", vehicleWidth, 1, 62);
        Check.notNull("longitudinalAcceleration", longitudinalAcceleration);
        Check.notNull("curvature", curvature);
        Check.notNull("curvatureCalculationMode", curvatureCalculationMode);
        Check.notNull("yawRate", yawRate);
        Check.optional("lanePosition", lanePosition, -1, 14);
        Check.optional("performanceClass", performanceClass, 0, 7);
    }

    /** A container with the mandatory data frames only. */
    public static BasicVehicleContainerHighFrequency of(Heading heading, Speed speed, DriveDirection driveDirection,
            VehicleLength vehicleLength, int vehicleWidth, Acceleration longitudinalAcceleration, Curvature curvature,
            CurvatureCalculationMode curvatureCalculationMode, YawRate yawRate) {
        return new BasicVehicleContainerHighFrequency(heading, speed, driveDirection, vehicleLength, vehicleWidth,
                longitudinalAcceleration, curvature, curvatureCalculationMode, yawRate, null, null, null, null, null,
                null, null);
    }
}
