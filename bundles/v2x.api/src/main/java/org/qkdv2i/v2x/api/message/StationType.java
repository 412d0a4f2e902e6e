package org.qkdv2i.v2x.api.message;

/** Named values of {@code StationType ::= INTEGER (0..255)} (TS 102 894-2). */
public final class StationType {
    public static final int UNKNOWN = 0;
    public static final int PEDESTRIAN = 1;
    public static final int CYCLIST = 2;
    public static final int MOPED = 3;
    public static final int MOTORCYCLE = 4;
    public static final int PASSENGER_CAR = 5;
    public static final int BUS = 6;
    public static final int LIGHT_TRUCK = 7;
    public static final int HEAVY_TRUCK = 8;
    public static final int TRAILER = 9;
    public static final int SPECIAL_VEHICLES = 10;
    public static final int TRAM = 11;
    public static final int ROAD_SIDE_UNIT = 15;

    private StationType() {
    }
}
