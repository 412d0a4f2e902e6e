package org.qkdv2i.v2x.codec.net;

/**
 * LT field of the basic header (EN 302 636-4-1 §9.6.4): multiplier (6 bits) x base (2 bits:
 * 0 = 50 ms, 1 = 1 s, 2 = 10 s, 3 = 100 s).
 */
public record GnLifetime(int multiplier, int base) {
    /** 60 s, itsGnDefaultPacketLifetime (EN 302 636-4-1 Annex H). */
    public static final GnLifetime DEFAULT = new GnLifetime(6, 2);

    private static final long[] BASE_MILLIS = {50, 1_000, 10_000, 100_000};

    public GnLifetime {
        Checks.range("lifetime multiplier", multiplier, 0, 63);
        Checks.range("lifetime base", base, 0, 3);
    }

    /** The field's octet. */
    public int octet() {
        return multiplier << 2 | base;
    }

    public static GnLifetime ofOctet(int octet) {
        return new GnLifetime((octet & 0xFF) >>> 2, octet & 3);
    }

    public long millis() {
        return multiplier * BASE_MILLIS[base];
    }
}
