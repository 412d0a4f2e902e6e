package org.qkdv2i.v2x.codec.security;

import java.time.Instant;

/**
 * IEEE 1609.2 §6.4.12–6.4.14 times: Time64 counts TAI microseconds and Time32 TAI seconds since
 * 2004-01-01 00:00:00 UTC. TAI runs ahead of UTC by the leap seconds inserted since then (five, up
 * to 2016-12-31; none announced after it, IERS Bulletin C).
 */
public final class ItsTime {
    private ItsTime() {
    }

    /** 2004-01-01T00:00:00Z in Unix seconds. */
    public static final long EPOCH_UNIX_SECONDS = 1_072_915_200L;

    /** Unix seconds of the first second after each leap second inserted since 2004. */
    private static final long[] LEAPS = {
        1_136_073_600L, // 2006-01-01
        1_230_768_000L, // 2009-01-01
        1_341_100_800L, // 2012-07-01
        1_435_708_800L, // 2015-07-01
        1_483_228_800L, // 2017-01-01
    };

    private static int leapsBefore(long unixSeconds) {
        int n = 0;
        for (long l : LEAPS) {
            if (unixSeconds >= l) {
                n++;
            }
        }
        return n;
    }

    /** Time64 of an instant (microsecond precision). */
    public static long time64(Instant t) {
        long s = t.getEpochSecond();
        return (s - EPOCH_UNIX_SECONDS + leapsBefore(s)) * 1_000_000L + t.getNano() / 1000;
    }

    /** Time32 of an instant (whole seconds). */
    public static long time32(Instant t) {
        long s = t.getEpochSecond();
        return s - EPOCH_UNIX_SECONDS + leapsBefore(s);
    }

    /** The UTC instant of a Time64 (a time inside a leap second maps to the second after it). */
    public static Instant fromTime64(long time64) {
        long taiSeconds = Math.floorDiv(time64, 1_000_000L);
        long micros = Math.floorMod(time64, 1_000_000L);
        return Instant.ofEpochSecond(unixSeconds(taiSeconds), micros * 1000);
    }

    /** The UTC instant of a Time32. */
    public static Instant fromTime32(long time32) {
        return Instant.ofEpochSecond(unixSeconds(time32));
    }

    private static long unixSeconds(long taiSeconds) {
        long u = taiSeconds + EPOCH_UNIX_SECONDS;
        for (int i = LEAPS.length; i > 0; i--) {
            if (u - i >= LEAPS[i - 1]) {
                return u - i;
            }
        }
        return u;
    }
}
