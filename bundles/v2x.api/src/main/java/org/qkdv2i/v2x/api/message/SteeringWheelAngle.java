package org.qkdv2i.v2x.api.message;

/**
 * {@code SteeringWheelAngle}: SteeringWheelAngleValue (-511..512, 1.5 degree, left
 * positive; 512 unavailable) and SteeringWheelAngleConfidence (1..127; 126 out of range,
 * 127 unavailable).
 */
public record SteeringWheelAngle(int value, int confidence) {
    public SteeringWheelAngle {
        Check.range("steeringWheelAngleValue", value, -511, 512);
        Check.range("steeringWheelAngleConfidence", confidence, 1, 127);
    }
}
