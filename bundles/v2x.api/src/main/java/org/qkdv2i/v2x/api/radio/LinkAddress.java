package org.qkdv2i.v2x.api.radio;

import java.util.HexFormat;

/**
 * A link-layer address: a 48-bit MAC address (ITS-G5) or a 24-bit PC5 Layer-2 ID.
 *
 * @param value the address as an unsigned number, most significant octet first on the wire
 * @param octets 6 (MAC) or 3 (PC5 Layer-2 ID)
 */
public record LinkAddress(long value, int octets) {
    /** The MAC broadcast address ff:ff:ff:ff:ff:ff (ITS-G5 broadcast). */
    public static final LinkAddress BROADCAST_MAC = mac(0xFFFF_FFFF_FFFFL);

    public LinkAddress {
        if (octets != 6 && octets != 3) {
            throw new IllegalArgumentException("a link address has 6 (MAC) or 3 (PC5 Layer-2 ID) octets, not " + octets);
        }
        if (value < 0 || value >>> (8 * octets) != 0) {
            throw new IllegalArgumentException("link address value " + Long.toHexString(value) + " does not fit "
                    + octets + " octets");
        }
    }

    public static LinkAddress mac(long value) {
        return new LinkAddress(value, 6);
    }

    /** A MAC address from its 6 octets in wire order. */
    public static LinkAddress mac(byte[] octets) {
        if (octets == null || octets.length != 6) {
            throw new IllegalArgumentException("a MAC address has 6 octets");
        }
        long v = 0;
        for (byte b : octets) {
            v = v << 8 | (b & 0xFF);
        }
        return mac(v);
    }

    /** A PC5 Layer-2 ID (TS 36.321 §6.2.4: 24 bits; source and destination). */
    public static LinkAddress layer2Id(int id) {
        return new LinkAddress(id & 0xFFFFFFFFL, 3);
    }

    /** The octets in wire order. */
    public byte[] toBytes() {
        byte[] b = new byte[octets];
        for (int i = 0; i < octets; i++) {
            b[i] = (byte) (value >>> (8 * (octets - 1 - i)));
        }
        return b;
    }

    /** True for a MAC group address (I/G bit set), which includes broadcast. */
    public boolean isGroup() {
        return octets == 6 && (value >>> 40 & 1) == 1;
    }

    /** {@code 02:00:00:00:00:01} for a MAC, {@code 0x00abcd} for a Layer-2 ID. */
    @Override
    public String toString() {
        return octets == 6 ? HexFormat.ofDelimiter(":").formatHex(toBytes()) : String.format("0x%06x", value);
    }
}
