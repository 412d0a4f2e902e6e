package org.qkdv2i.v2x.codec.security;

/** Provider Service Identifiers (ITS-AIDs) this platform signs and checks (ISO TS 17419). */
public final class Psid {
    private Psid() {
    }

    /** SAE J2735 Basic Safety Message (IEEE 1609.12: 0x20). */
    public static final long BSM = 32;
    /** ETSI CA basic service, the CAM (ETSI TS 102 965). */
    public static final long CAM = 36;
    /** ETSI DEN basic service, the DENM. */
    public static final long DENM = 37;
}
