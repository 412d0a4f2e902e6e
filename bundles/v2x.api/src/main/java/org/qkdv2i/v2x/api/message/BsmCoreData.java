package org.qkdv2i.v2x.api.message;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * SAE J2735 {@code BSMcoreData} in raw units: msgCnt (0..127), id (TemporaryID, 4 octets),
 * secMark (DSecond 0..65535 ms in the minute; 65535 unavailable), lat (-900000000..900000001,
 * 0.1 microdegree), long (-1799999999..1800000001), elev (-4096..61439, 10 cm; -4096
 * unavailable), accuracy, transmission, speed (0..8191, 0.02 m/s; 8191 unavailable), heading
 * (0..28800, 0.0125 degree; 28800 unavailable), angle (SteeringWheelAngle -126..127, 1.5
 * degree; 127 unavailable), accelSet, brakes and size. The id is copied in and out.
 */
public final class BsmCoreData {
    public static final int LATITUDE_UNAVAILABLE = 900000001;
    public static final int LONGITUDE_UNAVAILABLE = 1800000001;
    public static final int SPEED_UNAVAILABLE = 8191;
    public static final int HEADING_UNAVAILABLE = 28800;

    private final int msgCnt;
    private final byte[] id;
    private final int secMark;
    private final int lat;
    private final int lon;
    private final int elev;
    private final PositionalAccuracy accuracy;
    private final TransmissionState transmission;
    private final int speed;
    private final int heading;
    private final int angle;
    private final AccelerationSet4Way accelSet;
    private final BrakeSystemStatus brakes;
    private final VehicleSize size;

    public BsmCoreData(int msgCnt, byte[] id, int secMark, int lat, int lon, int elev, PositionalAccuracy accuracy,
            TransmissionState transmission, int speed, int heading, int angle, AccelerationSet4Way accelSet,
            BrakeSystemStatus brakes, VehicleSize size) {
        this.msgCnt = Check.range("msgCnt", msgCnt, 0, 127);
        this.id = Check.notNull("id", id).clone();
        Check.range("id length", this.id.length, 4, 4);
        this.secMark = Check.range("secMark", secMark, 0, 65535);
        this.lat = Check.range("lat", lat, -900000000, 900000001);
        this.lon = Check.range("long", lon, -1799999999, 1800000001);
        this.elev = Check.range("elev", elev, -4096, 61439);
        this.accuracy = Check.notNull("accuracy", accuracy);
        this.transmission = Check.notNull("transmission", transmission);
        this.speed = Check.range("speed", speed, 0, 8191);
        this.heading = Check.range("heading", heading, 0, 28800);
        this.angle = Check.range("angle", angle, -126, 127);
        this.accelSet = Check.notNull("accelSet", accelSet);
        this.brakes = Check.notNull("brakes", brakes);
        this.size = Check.notNull("size", size);
    }

    public int msgCnt() {
        return msgCnt;
    }

    /** A copy of the 4-octet TemporaryID. */
    public byte[] id() {
        return id.clone();
    }

    /** The TemporaryID as an unsigned 32-bit number (first octet most significant). */
    public long idAsLong() {
        return (id[0] & 0xFFL) << 24 | (id[1] & 0xFFL) << 16 | (id[2] & 0xFFL) << 8 | id[3] & 0xFFL;
    }

    public int secMark() {
        return secMark;
    }

    public int lat() {
        return lat;
    }

    /** J2735 {@code long} (a Java keyword, hence the name). */
    public int lon() {
        return lon;
    }

    public int elev() {
        return elev;
    }

    public PositionalAccuracy accuracy() {
        return accuracy;
    }

    public TransmissionState transmission() {
        return transmission;
    }

    public int speed() {
        return speed;
    }

    public int heading() {
        return heading;
    }

    public int angle() {
        return angle;
    }

    public AccelerationSet4Way accelSet() {
        return accelSet;
    }

    public BrakeSystemStatus brakes() {
        return brakes;
    }

    public VehicleSize size() {
        return size;
    }

    /** Latitude in degrees, NaN when unavailable. */
    public double latitudeDegrees() {
        return lat == LATITUDE_UNAVAILABLE ? Double.NaN : lat / 1e7;
    }

    /** Longitude in degrees, NaN when unavailable. */
    public double longitudeDegrees() {
        return lon == LONGITUDE_UNAVAILABLE ? Double.NaN : lon / 1e7;
    }

    /** Speed in m/s, NaN when unavailable. */
    public double speedMetresPerSecond() {
        return speed == SPEED_UNAVAILABLE ? Double.NaN : speed * 0.02;
    }

    /** Heading in degrees clockwise from north, NaN when unavailable. */
    public double headingDegrees() {
        return heading == HEADING_UNAVAILABLE ? Double.NaN : heading * 0.0125;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BsmCoreData b && b.msgCnt == msgCnt && Arrays.equals(b.id, id) && b.secMark == secMark
                && b.lat == lat && b.lon == lon && b.elev == elev && b.accuracy.equals(accuracy)
                && b.transmission == transmission && b.speed == speed && b.heading == heading && b.angle == angle
                && b.accelSet.equals(accelSet) && b.brakes.equals(brakes) && b.size.equals(size);
    }

    @Override
    public int hashCode() {
        return Objects.hash(msgCnt, Arrays.hashCode(id), secMark, lat, lon, elev, accuracy, transmission, speed,
                heading, angle, accelSet, brakes, size);
    }

    @Override
    public String toString() {
        return "BsmCoreData[msgCnt=" + msgCnt + ", id=" + HexFormat.of().formatHex(id) + ", secMark=" + secMark
                + ", lat=" + lat + ", long=" + lon + ", elev=" + elev + ", accuracy=" + accuracy + ", transmission="
                + transmission + ", speed=" + speed + ", heading=" + heading + ", angle=" + angle + ", accelSet="
                + accelSet + ", brakes=" + brakes + ", size=" + size + "]";
    }
}
