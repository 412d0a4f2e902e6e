package org.qkdv2i.radio.udp.internal;

/** Distance between two positions and the path-loss models of the virtual air. */
public enum PathLoss {
    /** No RSSI is modelled; only the range cut-off applies. */
    NONE,
    /**
     * Friis free-space path loss, FSPL(dB) = 20 log10(4 pi d f / c) = 20 log10(d/m) +
     * 20 log10(f/MHz) - 27.55 (ITU-R P.525-4 eq. (4), written for metres and MHz).
     */
    FREE_SPACE,
    /**
     * Log-distance model, PL(d) = FSPL(d0) + 10 n log10(d / d0) with d0 = 1 m and exponent n
     * (2 = free space; 2.7..3.5 for urban streets; Rappaport, Wireless Communications, eq. 4.68).
     */
    LOG_DISTANCE;

    /** Mean Earth radius (IUGG), metres. */
    static final double EARTH_RADIUS_M = 6_371_008.8;
    /** Distances below one metre are treated as one metre (the models' reference distance). */
    static final double MIN_DISTANCE_M = 1.0;

    /** Path loss in dB at {@code distanceM} and {@code frequencyMhz}; 0 for {@link #NONE}. */
    double lossDb(double distanceM, double frequencyMhz, double exponent) {
        double d = Math.max(MIN_DISTANCE_M, distanceM);
        return switch (this) {
            case NONE -> 0;
            case FREE_SPACE -> freeSpaceDb(d, frequencyMhz);
            case LOG_DISTANCE -> freeSpaceDb(MIN_DISTANCE_M, frequencyMhz) + 10 * exponent * Math.log10(d / MIN_DISTANCE_M);
        };
    }

    static double freeSpaceDb(double distanceM, double frequencyMhz) {
        return 20 * Math.log10(distanceM) + 20 * Math.log10(frequencyMhz) - 27.55;
    }

    /**
     * Great-circle (haversine) distance in metres between two positions in 0.1 microdegree, as
     * {@code StationState} and GeoNetworking carry them, on a sphere: within 0.5 % of the WGS84
     * ellipsoid distance, plenty for a radio range.
     */
    static double distanceM(int lat1, int lon1, int lat2, int lon2) {
        double p1 = Math.toRadians(lat1 / 1e7);
        double p2 = Math.toRadians(lat2 / 1e7);
        double dp = p2 - p1;
        double dl = Math.toRadians((lon2 - (double) lon1) / 1e7);
        double h = Math.sin(dp / 2) * Math.sin(dp / 2) + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) * Math.sin(dl / 2);
        return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
    }

    /**
     * Centre frequency of a channel: IEEE 802.11 5 GHz numbering f = 5000 + 5 n MHz (n = 180 ->
     * 5900 MHz, the ITS-G5 control channel) for ITS-G5; for PC5 the E-UTRA band 47 EARFCN,
     * f = 5855 + 0.1 (N - 54540) MHz (TS 36.101 Table 5.7.3-1), rounded to whole MHz.
     * Returns 0 when the channel has no known frequency.
     */
    static int centreFrequencyMhz(boolean itsG5, int channel) {
        if (itsG5) {
            return channel > 0 && channel <= 200 ? 5000 + 5 * channel : 0;
        }
        return channel >= 54540 && channel <= 55239 ? (int) Math.round(5855 + 0.1 * (channel - 54540)) : 0;
    }
}
