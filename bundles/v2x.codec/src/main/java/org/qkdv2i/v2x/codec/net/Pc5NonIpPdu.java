package org.qkdv2i.v2x.codec.net;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A PC5 non-IP PDU (3GPP TS 24.386 §7.1 and §6.1.2.2; TS 24.587 §9.3): one octet V2X message
 * family ("non-IP type") followed by the V2X message. Over LTE-V2X the PDCP SDU type is
 * "non-IP" (3).
 */
public final class Pc5NonIpPdu {
    /** V2X message family values (TS 24.386 §7.1); 0 and 5..255 are reserved. */
    public static final int FAMILY_IEEE_1609 = 1;
    public static final int FAMILY_ISO = 2;
    public static final int FAMILY_ETSI_ITS = 3;
    public static final int FAMILY_CCSA = 4;

    private final int family;
    private final byte[] payload;

    /**
     * @param family 1 (IEEE 1609: a WSMP packet follows), 2 (ISO 29281-1), 3 (ETSI ITS: a
     *        GeoNetworking packet follows) or 4 (CCSA)
     * @param payload the V2X message
     */
    public Pc5NonIpPdu(int family, byte[] payload) {
        this.family = Checks.range("V2X message family", family, FAMILY_IEEE_1609, FAMILY_CCSA);
        this.payload = Checks.notNull("payload", payload).clone();
    }

    public int family() {
        return family;
    }

    public byte[] payload() {
        return payload.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Pc5NonIpPdu p && p.family == family && Arrays.equals(p.payload, payload);
    }

    @Override
    public int hashCode() {
        return 31 * family + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "Pc5NonIpPdu[family=" + family + ", " + HexFormat.of().formatHex(payload) + "]";
    }
}
