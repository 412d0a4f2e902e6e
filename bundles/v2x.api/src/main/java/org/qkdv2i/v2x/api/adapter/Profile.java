package org.qkdv2i.v2x.api.adapter;

/** The upper layers a stack speaks. */
public enum Profile {
    /**
     * ETSI ITS (EU): CAM (EN 302 637-2) and DENM (EN 302 637-3) over BTP-B over GeoNetworking;
     * security per ETSI TS 103 097.
     */
    EU,
    /** US WAVE/DSRC: SAE J2735 BSM over WSMP (IEEE 1609.3, PSID 0x20); security per IEEE 1609.2. */
    US
}
