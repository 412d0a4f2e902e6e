package org.qkdv2i.radio.udp.internal;

import java.nio.ByteBuffer;
import java.time.Instant;

import org.qkdv2i.v2x.api.radio.FrameMetadata;
import org.qkdv2i.v2x.api.radio.LinkAddress;
import org.qkdv2i.v2x.api.radio.RadioFrame;
import org.qkdv2i.v2x.api.radio.RadioTechnology;
import org.qkdv2i.v2x.api.radio.SidelinkParameters;

/**
 * The virtual-air datagram: a fixed 64-octet big-endian header carrying the frame's addresses,
 * protocol and transmit metadata plus the sender's position, then the frame payload. Layout
 * (offset, octets): 0 magic "QVA" + version 1 (4); 4 technology 1 = ITS_G5, 2 = CV2X_PC5 (1);
 * 5 flags (1, see FLAG_*; bit 7 reserved 0); 6 protocol (2); 8 sender instance (8, random per
 * activation: drops own multicast echoes); 16 sequence number (4); 20 source (6) and 26
 * destination (6) addresses (a PC5 Layer-2 ID in the last 3 octets, the first 3 zero); 32
 * latitude and 36 longitude in 0.1 microdegree (4 + 4, as ITS); 40 channel (4); 44 centre
 * frequency MHz (4); 48 tx power in 0.01 dBm (2, signed); 50 user priority (1); 51 PPPP (1); 52
 * PPPR (1, 0 = none); 53 sender role (1, see ROLE_*; bits 3..7 zero); 54 tx time, ns since the epoch (8); 62 payload length
 * (2); 64 payload. A field whose flag is clear is written as zero and ignored on reading.
 */
final class AirDatagram {
    static final int HEADER_LENGTH = 64;
    static final int MAGIC = 0x5156_4101; // "QVA", version 1
    static final int FLAG_POSITION = 0x01;
    static final int FLAG_CHANNEL = 0x02;
    static final int FLAG_FREQUENCY = 0x04;
    static final int FLAG_TX_POWER = 0x08;
    static final int FLAG_USER_PRIORITY = 0x10;
    static final int FLAG_SIDELINK = 0x20;
    static final int FLAG_TIMESTAMP = 0x40;
    static final int FLAG_RESERVED = 0x80;
    /** Octet 53, bits 0..1: the sender's role (0 unspecified, 1 vehicle, 2 RSU; 3 is refused). */
    static final int ROLE_MASK = 0x03;
    static final int ROLE_VEHICLE = 0x01;
    static final int ROLE_RSU = 0x02;
    /** Octet 53, bit 2: the sender keeps to V2I (a vehicle that neither sends to nor hears other vehicles). */
    static final int ROLE_V2I_ONLY = 0x04;
    /** IEEE 802.11 MSDU limit 2304 octets less the 8-octet LLC/SNAP header. */
    static final int MAX_PAYLOAD_ITS_G5 = 2296;
    /** 3GPP TS 36.323 §4.3.1: maximum PDCP SDU size 8188 octets. */
    static final int MAX_PAYLOAD_PC5 = 8188;
    static final int MAX_DATAGRAM = HEADER_LENGTH + MAX_PAYLOAD_PC5;

    /** One decoded datagram; {@code frame} carries the transmit metadata (timestamp = tx time). */
    record Decoded(RadioTechnology technology, long senderInstance, int sequence, RadioFrame frame,
            boolean hasPosition, int latitude, int longitude, int role) {
    }

    /** A datagram that is not a virtual-air frame; {@link #getMessage()} says why. */
    static final class MalformedException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedException(String reason) {
            super(reason, null, false, false); // an expected condition: no stack trace
        }
    }

    private AirDatagram() {
    }

    static int maxPayload(RadioTechnology technology) {
        return technology == RadioTechnology.ITS_G5 ? MAX_PAYLOAD_ITS_G5 : MAX_PAYLOAD_PC5;
    }

    /** Encodes a frame whose metadata is already the effective transmit metadata. */
    static byte[] encode(RadioTechnology technology, long instance, int sequence, RadioFrame frame,
            boolean hasPosition, int latitude, int longitude) {
        return encode(technology, instance, sequence, frame, hasPosition, latitude, longitude, 0);
    }

    /** As above, with the sender's role octet ({@code ROLE_*} bits). */
    static byte[] encode(RadioTechnology technology, long instance, int sequence, RadioFrame frame,
            boolean hasPosition, int latitude, int longitude, int role) {
        FrameMetadata m = frame.metadata();
        int length = frame.payloadLength();
        if (length > maxPayload(technology)) {
            throw new IllegalArgumentException("payload of " + length + " octets exceeds the " + technology
                    + " maximum of " + maxPayload(technology));
        }
        ByteBuffer b = ByteBuffer.allocate(HEADER_LENGTH + length);
        int flags = (hasPosition ? FLAG_POSITION : 0) | (m.channel() != null ? FLAG_CHANNEL : 0)
                | (m.centreFrequencyMhz() != null ? FLAG_FREQUENCY : 0) | (m.txPowerDbm() != null ? FLAG_TX_POWER : 0)
                | (m.userPriority() != null ? FLAG_USER_PRIORITY : 0) | (m.sidelink() != null ? FLAG_SIDELINK : 0)
                | (m.timestamp() != null ? FLAG_TIMESTAMP : 0);
        b.putInt(MAGIC);
        b.put((byte) (technology == RadioTechnology.ITS_G5 ? 1 : 2));
        b.put((byte) flags);
        b.putShort((short) frame.protocol());
        b.putLong(instance);
        b.putInt(sequence);
        putAddress(b, frame.source());
        putAddress(b, frame.destination());
        b.putInt(hasPosition ? latitude : 0);
        b.putInt(hasPosition ? longitude : 0);
        b.putInt(m.channel() != null ? m.channel() : 0);
        b.putInt(m.centreFrequencyMhz() != null ? m.centreFrequencyMhz() : 0);
        long centi = m.txPowerDbm() != null ? Math.round(m.txPowerDbm() * 100) : 0;
        if (centi < Short.MIN_VALUE || centi > Short.MAX_VALUE) {
            throw new IllegalArgumentException("tx power " + m.txPowerDbm() + " dBm outside +-327 dBm");
        }
        b.putShort((short) centi);
        b.put((byte) (m.userPriority() != null ? m.userPriority() : 0));
        b.put((byte) (m.sidelink() != null ? m.sidelink().pppp() : 0));
        b.put((byte) (m.sidelink() != null && m.sidelink().pppr() != null ? m.sidelink().pppr() : 0));
        b.put((byte) role);
        b.putLong(m.timestamp() != null ? epochNanos(m.timestamp()) : 0);
        b.putShort((short) length);
        b.put(frame.payload());
        return b.array();
    }

    private static long epochNanos(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    }

    private static void putAddress(ByteBuffer b, LinkAddress a) {
        b.putShort((short) (a.value() >>> 32));
        b.putInt((int) a.value());
    }

    /** Decodes {@code b} from its position to its limit; never throws anything but {@link MalformedException}. */
    static Decoded decode(ByteBuffer b) throws MalformedException {
        int n = b.remaining();
        if (n < HEADER_LENGTH) {
            throw new MalformedException("too short: " + n + " octets, the header alone has " + HEADER_LENGTH);
        }
        int magic = b.getInt();
        if (magic >>> 8 != MAGIC >>> 8) {
            throw new MalformedException(String.format("bad magic 0x%06x (want 0x%06x \"QVA\")", magic >>> 8, MAGIC >>> 8));
        }
        if ((magic & 0xFF) != (MAGIC & 0xFF)) {
            throw new MalformedException("unsupported version " + (magic & 0xFF));
        }
        int tech = b.get() & 0xFF;
        RadioTechnology technology = switch (tech) {
            case 1 -> RadioTechnology.ITS_G5;
            case 2 -> RadioTechnology.CV2X_PC5;
            default -> throw new MalformedException("unknown technology " + tech);
        };
        int flags = b.get() & 0xFF;
        if ((flags & FLAG_RESERVED) != 0) {
            throw new MalformedException("reserved flag bit set");
        }
        int protocol = b.getShort() & 0xFFFF;
        long instance = b.getLong();
        int sequence = b.getInt();
        LinkAddress source = address(b, technology, "source");
        LinkAddress destination = address(b, technology, "destination");
        int latitude = b.getInt();
        int longitude = b.getInt();
        boolean hasPosition = (flags & FLAG_POSITION) != 0;
        if (hasPosition && (Math.abs((long) latitude) > 900_000_000L || Math.abs((long) longitude) > 1_800_000_000L)) {
            throw new MalformedException("position " + latitude + "," + longitude + " outside the WGS84 range");
        }
        int channel = b.getInt();
        int frequency = b.getInt();
        if ((flags & FLAG_FREQUENCY) != 0 && frequency <= 0) {
            throw new MalformedException("centre frequency " + frequency + " MHz not positive");
        }
        short centiDbm = b.getShort();
        int up = b.get() & 0xFF;
        if ((flags & FLAG_USER_PRIORITY) != 0 && up > 7) {
            throw new MalformedException("user priority " + up + " outside 0..7");
        }
        int pppp = b.get() & 0xFF;
        int pppr = b.get() & 0xFF;
        if ((flags & FLAG_SIDELINK) != 0 && (pppp < 1 || pppp > 8 || pppr > 8)) {
            throw new MalformedException("sidelink PPPP " + pppp + " / PPPR " + pppr + " outside 1..8");
        }
        int role = b.get() & 0xFF;
        if ((role & ~(ROLE_MASK | ROLE_V2I_ONLY)) != 0 || (role & ROLE_MASK) == ROLE_MASK) {
            throw new MalformedException(String.format("role octet 0x%02x: unknown role or reserved bits", role));
        }
        long txNanos = b.getLong();
        int length = b.getShort() & 0xFFFF;
        if (length != b.remaining()) {
            throw new MalformedException("payload length field " + length + " but " + b.remaining() + " octets follow");
        }
        if (length > maxPayload(technology)) {
            throw new MalformedException("payload of " + length + " octets exceeds the " + technology + " maximum");
        }
        if (technology == RadioTechnology.ITS_G5 && protocol < 0x0600) {
            throw new MalformedException(String.format("protocol 0x%04x is not an EtherType", protocol));
        }
        byte[] payload = new byte[length];
        b.get(payload);
        FrameMetadata m = new FrameMetadata((flags & FLAG_CHANNEL) != 0 ? channel : null,
                (flags & FLAG_FREQUENCY) != 0 ? frequency : null,
                (flags & FLAG_TX_POWER) != 0 ? centiDbm / 100.0 : null, null,
                (flags & FLAG_TIMESTAMP) != 0 ? Instant.ofEpochSecond(Math.floorDiv(txNanos, 1_000_000_000L),
                        Math.floorMod(txNanos, 1_000_000_000L)) : null,
                (flags & FLAG_USER_PRIORITY) != 0 ? up : null,
                (flags & FLAG_SIDELINK) != 0 ? new SidelinkParameters(pppp, pppr == 0 ? null : pppr) : null);
        return new Decoded(technology, instance, sequence, new RadioFrame(source, destination, protocol, payload, m),
                hasPosition, latitude, longitude, role);
    }

    private static LinkAddress address(ByteBuffer b, RadioTechnology technology, String which)
            throws MalformedException {
        long v = (b.getShort() & 0xFFFFL) << 32 | (b.getInt() & 0xFFFF_FFFFL);
        if (technology == RadioTechnology.ITS_G5) {
            return LinkAddress.mac(v);
        }
        if (v >>> 24 != 0) {
            throw new MalformedException(which + " PC5 Layer-2 ID with non-zero high octets");
        }
        return LinkAddress.layer2Id((int) v);
    }
}
