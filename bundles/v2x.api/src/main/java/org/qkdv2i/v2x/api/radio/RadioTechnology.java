package org.qkdv2i.v2x.api.radio;

/** The air interface a {@link Radio} speaks; decides how a {@link RadioFrame} is read. */
public enum RadioTechnology {
    /**
     * IEEE 802.11p outside the context of a BSS: ETSI ITS-G5 and US WAVE/DSRC. Addresses are
     * 48-bit MAC addresses, {@link RadioFrame#protocol()} is the EtherType carried in the
     * LLC/SNAP header (0x8947 GeoNetworking, 0x88DC WSMP).
     */
    ITS_G5,
    /**
     * LTE-V2X sidelink (3GPP Rel-14 PC5, mode 4). Addresses are 24-bit Layer-2 IDs,
     * {@link RadioFrame#protocol()} is the PDCP SDU type (TS 36.323 §6.3.14: 3 = non-IP) and the
     * payload of a non-IP frame starts with the V2X message family octet (TS 24.386 §7.1).
     */
    CV2X_PC5
}
