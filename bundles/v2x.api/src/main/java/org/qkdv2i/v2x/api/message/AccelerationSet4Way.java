package org.qkdv2i.v2x.api.message;

/**
 * J2735 {@code AccelerationSet4Way}: long and lat (Acceleration -2000..2001, 0.01 m/s²; 2001
 * unavailable), vert (VerticalAcceleration -127..127, 0.02 G; -127 unavailable) and yaw
 * (YawRate -32767..32767, 0.01 degree/s).
 */
public record AccelerationSet4Way(int lon, int lat, int vert, int yaw) {
    public static final AccelerationSet4Way UNAVAILABLE = new AccelerationSet4Way(2001, 2001, -127, 0);

    public AccelerationSet4Way {
        Check.range("accelSet.long", lon, -2000, 2001);
        Check.range("accelSet.lat", lat, -2000, 2001);
        Check.range("accelSet.vert", vert, -127, 127);
        Check.range("accelSet.yaw", yaw, -32767, 32767);
    }
}
