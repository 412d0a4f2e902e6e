package org.qkdv2i.v2x.codec.net;

/**
 * GN_ADDR (EN 302 636-4-1 §6.3): 64 bits, M | ST | reserved | MID.
 *
 * @param manual M: the address was configured manually
 * @param stationType ST, ITS-S type 0..31 (the TS 102 894-2 StationType values 0..15)
 * @param reserved the 10 bits after ST; 0 from v1.3.1 on (the country code in v1.2.1)
 * @param mid the 48-bit MID, normally the LL_ADDR (MAC address) of the station
 */
public record GnAddress(boolean manual, int stationType, int reserved, long mid) {
    public GnAddress {
        Checks.range("GN_ADDR station type", stationType, 0, 31);
        Checks.range("GN_ADDR reserved", reserved, 0, 1023);
        Checks.range("GN_ADDR MID", mid, 0, 0xFFFF_FFFF_FFFFL);
    }

    /** An automatically configured address of a station type over a MAC address. */
    public static GnAddress of(int stationType, long mac) {
        return new GnAddress(false, stationType, 0, mac);
    }
}
