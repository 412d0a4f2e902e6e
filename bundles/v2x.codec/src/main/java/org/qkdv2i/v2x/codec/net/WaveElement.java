package org.qkdv2i.v2x.codec.net;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One WAVE information element of a WSMP header extension (IEEE 1609.3-2016 §8.1.2, Annex:
 * WAVE Element IDs): an element ID octet, a length (the §8.1.3 count encoding) and the value.
 */
public final class WaveElement {
    /**
     * Transmit Power Used (§8.3.4.4): one octet, dBm + 128 (deployed OBUs/RSUs send 0x84..0x98
     * for 4..24 dBm, e.g. the captures cited in this bundle's README).
     */
    public static final int TRANSMIT_POWER_USED = 4;
    /** Channel Number (§8.3.4.2): one octet, the IEEE 802.11 channel number. */
    public static final int CHANNEL_NUMBER = 15;
    /** Data Rate (§8.3.4.3): one octet, in 500 kb/s (IEEE 802.11 rate encoding). */
    public static final int DATA_RATE = 16;
    /** Channel Load (§8.3.4.5). */
    public static final int CHANNEL_LOAD = 23;

    private final int id;
    private final byte[] value;

    public WaveElement(int id, byte[] value) {
        this.id = Checks.range("WAVE element ID", id, 0, 255);
        this.value = Checks.notNull("WAVE element value", value).clone();
        Checks.range("WAVE element length", this.value.length, 0, 16383);
    }

    public static WaveElement channelNumber(int channel) {
        return new WaveElement(CHANNEL_NUMBER, new byte[] {(byte) Checks.range("channel number", channel, 0, 255)});
    }

    /** @param halfMbps data rate in 500 kb/s units, e.g. 12 for 6 Mb/s */
    public static WaveElement dataRate(int halfMbps) {
        return new WaveElement(DATA_RATE, new byte[] {(byte) Checks.range("data rate", halfMbps, 0, 255)});
    }

    public static WaveElement transmitPowerUsed(int dbm) {
        return new WaveElement(TRANSMIT_POWER_USED,
                new byte[] {(byte) (Checks.range("transmit power", dbm, -128, 127) + 128)});
    }

    public int id() {
        return id;
    }

    public byte[] value() {
        return value.clone();
    }

    public int length() {
        return value.length;
    }

    /** The one-octet value as unsigned, or -1 if the value is not one octet. */
    int octet() {
        return value.length == 1 ? value[0] & 0xFF : -1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WaveElement e && e.id == id && Arrays.equals(e.value, value);
    }

    @Override
    public int hashCode() {
        return 31 * id + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "WaveElement[" + id + "=" + HexFormat.of().formatHex(value) + "]";
    }
}
