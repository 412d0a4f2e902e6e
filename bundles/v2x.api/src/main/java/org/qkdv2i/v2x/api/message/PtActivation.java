package org.qkdv2i.v2x.api.message;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * {@code PtActivation}: PtActivationType (0..255: 0 undefined, 1 R09.16, 2 VDV-50149) and
 * PtActivationData (OCTET STRING SIZE(1..20)); the data is copied in and out.
 */
public final class PtActivation {
    private final int type;
    private final byte[] data;

    public PtActivation(int type, byte[] data) {
        this.type = Check.range("ptActivationType", type, 0, 255);
        this.data = Check.notNull("ptActivationData", data).clone();
        Check.range("ptActivationData length", this.data.length, 1, 20);
    }

    public int type() {
        return type;
    }

    public byte[] data() {
        return data.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PtActivation p && p.type == type && Arrays.equals(p.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * type + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "PtActivation[type=" + type + ", data=" + HexFormat.of().formatHex(data) + "]";
    }
}
