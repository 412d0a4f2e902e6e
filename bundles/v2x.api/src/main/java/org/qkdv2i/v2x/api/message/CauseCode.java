package org.qkdv2i.v2x.api.message;

/** {@code CauseCode}: CauseCodeType and SubCauseCodeType, both 0..255 (TS 102 894-2). */
public record CauseCode(int causeCode, int subCauseCode) {
    public static final int TRAFFIC_CONDITION = 1;
    public static final int ACCIDENT = 2;
    public static final int ROADWORKS = 3;
    public static final int HAZARDOUS_LOCATION_OBSTACLE_ON_THE_ROAD = 10;
    public static final int WRONG_WAY_DRIVING = 14;
    public static final int STATIONARY_VEHICLE = 94;
    public static final int EMERGENCY_VEHICLE_APPROACHING = 95;
    public static final int COLLISION_RISK = 97;
    public static final int DANGEROUS_SITUATION = 99;

    public CauseCode {
        Check.range("causeCode", causeCode, 0, 255);
        Check.range("subCauseCode", subCauseCode, 0, 255);
    }
}
