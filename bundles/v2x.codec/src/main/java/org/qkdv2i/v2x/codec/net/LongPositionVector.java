package org.qkdv2i.v2x.codec.net;

import java.time.Instant;

import org.qkdv2i.v2x.api.StationState;

/**
 * Long position vector (EN 302 636-4-1 §9.5.2), 24 octets.
 *
 * @param address GN_ADDR
 * @param timestamp TST, milliseconds since 2004-01-01T00:00:00Z modulo 2^32
 * @param latitude 0.1 microdegree, -900000000..900000000
 * @param longitude 0.1 microdegree, -1800000000..1800000000
 * @param positionAccurate PAI
 * @param speed S, signed 15 bits, 0.01 m/s
 * @param heading H, 0.1 degree from north clockwise, 0..3600
 */
public record LongPositionVector(GnAddress address, long timestamp, int latitude, int longitude,
        boolean positionAccurate, int speed, int heading) {
    /** 2004-01-01T00:00:00Z in Unix milliseconds, the epoch of TST. */
    public static final long ITS_EPOCH_MILLIS = 1_072_915_200_000L;

    public LongPositionVector {
        Checks.notNull("position vector address", address);
        Checks.range("TST", timestamp, 0, 0xFFFF_FFFFL);
        Checks.range("latitude", latitude, -900_000_000, 900_000_000);
        Checks.range("longitude", longitude, -1_800_000_000, 1_800_000_000);
        Checks.range("speed", speed, -16384, 16383);
        Checks.range("heading", heading, 0, 3600);
    }

    /**
     * TST for an instant: milliseconds since the ITS epoch modulo 2^32, leap seconds ignored
     * (the standard counts TAI; add the leap seconds since 2004, five so far, where it matters).
     */
    public static long timestampOf(Instant time) {
        return (time.toEpochMilli() - ITS_EPOCH_MILLIS) & 0xFFFF_FFFFL;
    }

    /** The position vector of a station state (heading 3601 "unavailable" becomes 0). */
    public static LongPositionVector of(GnAddress address, StationState state) {
        return new LongPositionVector(address, timestampOf(state.time()), state.latitude(), state.longitude(),
                state.positionAccurate(), Math.min(state.speed(), 16383), state.heading() > 3600 ? 0 : state.heading());
    }
}
