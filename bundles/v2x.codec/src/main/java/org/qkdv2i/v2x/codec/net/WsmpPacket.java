package org.qkdv2i.v2x.codec.net;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A WAVE Short Message (IEEE 1609.3-2016 §8.3, WSMP version 3): WSMP-N-Header (subtype,
 * option indicator, version; optional WAVE information element extension; TPID),
 * WSMP-T-Header (p-encoded PSID, optional extension, WSM length) and the WSM data (normally an
 * {@code Ieee1609Dot2Data}). TPID 0 and 1 (PSID addressing) are supported; an extension list
 * is {@code null} when absent and may be empty when present with count 0. The data is copied
 * in and out.
 */
public final class WsmpPacket {
    /** WSMP version of 1609.3-2016. */
    public static final int VERSION = 3;
    /** Largest PSID p-encoding can carry (four octets, 1609.3 §8.1.3 / 1609.12). */
    public static final long MAX_PSID = 0x1020_407FL;
    /** PSID of the SAE J2735 BSM ("vehicle-to-vehicle safety and awareness", IEEE 1609.12). */
    public static final long PSID_BSM = 0x20;

    private final int subtype;
    private final List<WaveElement> nHeaderExtension;
    private final long psid;
    private final List<WaveElement> tHeaderExtension;
    private final byte[] data;

    /**
     * @param subtype 0..15; 0 = null networking protocol (the only subtype 1609.3 defines for WSMP)
     * @param nHeaderExtension WAVE information elements of the N-header (channel, data rate, tx power), or null
     * @param psid 0..{@link #MAX_PSID}
     * @param tHeaderExtension T-header extension elements (TPID 1), or null (TPID 0)
     * @param data WSM data, at most 16383 octets
     */
    public WsmpPacket(int subtype, List<WaveElement> nHeaderExtension, long psid, List<WaveElement> tHeaderExtension,
            byte[] data) {
        this.subtype = Checks.range("WSMP subtype", subtype, 0, 15);
        this.nHeaderExtension = nHeaderExtension == null ? null : List.copyOf(nHeaderExtension);
        this.psid = Checks.range("PSID", psid, 0, MAX_PSID);
        this.tHeaderExtension = tHeaderExtension == null ? null : List.copyOf(tHeaderExtension);
        this.data = Checks.notNull("WSM data", data).clone();
        Checks.range("WSM length", this.data.length, 0, 16383);
        if (this.nHeaderExtension != null) {
            Checks.range("N-header extension count", this.nHeaderExtension.size(), 0, 16383);
        }
        if (this.tHeaderExtension != null) {
            Checks.range("T-header extension count", this.tHeaderExtension.size(), 0, 16383);
        }
    }

    /** Null-networking WSM without extensions. */
    public static WsmpPacket of(long psid, byte[] data) {
        return new WsmpPacket(0, null, psid, null, data);
    }

    public int subtype() {
        return subtype;
    }

    public List<WaveElement> nHeaderExtension() {
        return nHeaderExtension;
    }

    public long psid() {
        return psid;
    }

    public List<WaveElement> tHeaderExtension() {
        return tHeaderExtension;
    }

    /** TPID: 0 without, 1 with a T-header extension. */
    public int tpid() {
        return tHeaderExtension == null ? 0 : 1;
    }

    public byte[] data() {
        return data.clone();
    }

    /** The Channel Number element of the N-header, if present. */
    public OptionalInt channelNumber() {
        return element(WaveElement.CHANNEL_NUMBER, 0);
    }

    /** The Data Rate element (500 kb/s units), if present. */
    public OptionalInt dataRate() {
        return element(WaveElement.DATA_RATE, 0);
    }

    /** The Transmit Power Used element (dBm), if present. */
    public OptionalInt transmitPowerDbm() {
        return element(WaveElement.TRANSMIT_POWER_USED, -128);
    }

    private OptionalInt element(int id, int offset) {
        if (nHeaderExtension != null) {
            for (WaveElement e : nHeaderExtension) {
                if (e.id() == id && e.octet() >= 0) {
                    return OptionalInt.of(e.octet() + offset);
                }
            }
        }
        return OptionalInt.empty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WsmpPacket p && p.subtype == subtype && p.psid == psid
                && Objects.equals(p.nHeaderExtension, nHeaderExtension)
                && Objects.equals(p.tHeaderExtension, tHeaderExtension) && Arrays.equals(p.data, data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(subtype, nHeaderExtension, psid, tHeaderExtension, Arrays.hashCode(data));
    }

    @Override
    public String toString() {
        return "WsmpPacket[subtype=" + subtype + ", n-ext=" + nHeaderExtension + ", psid=0x" + Long.toHexString(psid)
                + ", t-ext=" + tHeaderExtension + ", data=" + HexFormat.of().formatHex(data) + "]";
    }
}
