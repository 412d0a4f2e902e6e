package org.qkdv2i.v2x.api.message;

/**
 * {@code ReferencePosition}: Latitude (-900000000..900000001, 0.1 microdegree, north
 * positive; 900000001 unavailable), Longitude (-1800000000..1800000001, 0.1 microdegree,
 * east positive; 1800000001 unavailable), the position's confidence ellipse and the altitude.
 */
public record ReferencePosition(int latitude, int longitude, PosConfidenceEllipse positionConfidenceEllipse,
        Altitude altitude) {
    public static final int LATITUDE_UNAVAILABLE = 900000001;
    public static final int LONGITUDE_UNAVAILABLE = 1800000001;

    public ReferencePosition {
        Check.range("latitude", latitude, -900000000, 900000001);
        Check.range("longitude", longitude, -1800000000, 1800000001);
        Check.notNull("positionConfidenceEllipse", positionConfidenceEllipse);
        Check.notNull("altitude", altitude);
    }

    /** A position from degrees (rounded to 0.1 microdegree), confidence and altitude unavailable. */
    public static ReferencePosition ofDegrees(double latitudeDegrees, double longitudeDegrees) {
        return new ReferencePosition((int) Math.round(latitudeDegrees * 1e7), (int) Math.round(longitudeDegrees * 1e7),
                PosConfidenceEllipse.UNAVAILABLE, Altitude.UNAVAILABLE);
    }

    /** Latitude in degrees, NaN when unavailable. */
    public double latitudeDegrees() {
        return latitude == LATITUDE_UNAVAILABLE ? Double.NaN : latitude / 1e7;
    }

    /** Longitude in degrees, NaN when unavailable. */
    public double longitudeDegrees() {
        return longitude == LONGITUDE_UNAVAILABLE ? Double.NaN : longitude / 1e7;
    }
}
