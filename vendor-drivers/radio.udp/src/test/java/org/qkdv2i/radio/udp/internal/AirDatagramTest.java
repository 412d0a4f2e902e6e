package org.qkdv2i.radio.udp.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HexFormat;
import java.util.SplittableRandom;

import org.junit.Test;
import org.qkdv2i.v2x.api.radio.FrameMetadata;
import org.qkdv2i.v2x.api.radio.LinkAddress;
import org.qkdv2i.v2x.api.radio.RadioFrame;
import org.qkdv2i.v2x.api.radio.RadioTechnology;
import org.qkdv2i.v2x.api.radio.SidelinkParameters;

public class AirDatagramTest {
    static final Instant T = Instant.parse("2026-11-27T10:00:00.123456789Z");

    @Test
    public void headerLayoutIsTheDocumentedOne() throws Exception {
        RadioFrame f = new RadioFrame(LinkAddress.mac(0x0200_0000_0001L), LinkAddress.BROADCAST_MAC,
                RadioFrame.ETHERTYPE_GEONETWORKING, new byte[] {(byte) 0xAB},
                new FrameMetadata(180, 5900, 23.0, null, T, 6, null));
        byte[] d = AirDatagram.encode(RadioTechnology.ITS_G5, 0x0102030405060708L, 9, f, true, 481370000, 115750000);
        assertEquals(65, d.length);
        String hex = HexFormat.of().formatHex(d);
        assertEquals("51564101" + "01" + "5f" + "8947" + "0102030405060708" + "00000009" + "020000000001"
                + "ffffffffffff" + "1cb11f90" + "06e63470" + "000000b4" + "0000170c" + "08fc" + "06" + "00" + "00"
                + "00" + Long.toHexString(T.getEpochSecond() * 1_000_000_000L + T.getNano()).replaceFirst("^", "")
                        .transform(s -> "0".repeat(16 - s.length()) + s)
                + "0001" + "ab", hex);
        AirDatagram.Decoded back = AirDatagram.decode(ByteBuffer.wrap(d));
        assertEquals(f, back.frame());
        assertEquals(0x0102030405060708L, back.senderInstance());
        assertEquals(9, back.sequence());
        assertTrue(back.hasPosition());
        assertEquals(481370000, back.latitude());
        assertEquals(115750000, back.longitude());
    }

    @Test
    public void roleOctetCarriesTheSenderRoleAndRefusesUnknownBits() throws Exception {
        RadioFrame f = new RadioFrame(LinkAddress.mac(1), LinkAddress.BROADCAST_MAC, RadioFrame.ETHERTYPE_GEONETWORKING,
                new byte[] {1}, FrameMetadata.NONE);
        int v2iVehicle = AirRole.bits(AirRole.VEHICLE, AirRole.Hears.V2I);
        assertEquals(0x05, v2iVehicle);
        assertEquals("V2I means nothing to an RSU", 0x02, AirRole.bits(AirRole.RSU, AirRole.Hears.V2I));
        byte[] d = AirDatagram.encode(RadioTechnology.ITS_G5, 1, 1, f, false, 0, 0, v2iVehicle);
        assertEquals(0x05, d[53]);
        assertEquals(0x05, AirDatagram.decode(ByteBuffer.wrap(d)).role());
        for (int bad : new int[] {0x03, 0x08, 0x80}) {
            d[53] = (byte) bad;
            AirDatagram.MalformedException e = assertThrows(AirDatagram.MalformedException.class,
                    () -> AirDatagram.decode(ByteBuffer.wrap(d)));
            assertTrue(e.getMessage(), e.getMessage().startsWith("role octet"));
        }
        // who reaches whom: a V2I-only vehicle talks to RSUs alone, in both directions
        int vehicle = AirRole.bits(AirRole.VEHICLE, AirRole.Hears.ALL);
        int rsu = AirRole.bits(AirRole.RSU, AirRole.Hears.V2I);
        int other = AirRole.bits(AirRole.UNSPECIFIED, AirRole.Hears.V2I);
        assertTrue(AirRole.allows(v2iVehicle, rsu));
        assertTrue(AirRole.allows(rsu, v2iVehicle));
        assertFalse(AirRole.allows(v2iVehicle, vehicle));
        assertFalse(AirRole.allows(vehicle, v2iVehicle));
        assertFalse(AirRole.allows(v2iVehicle, other));
        assertFalse(AirRole.allows(other, v2iVehicle));
        assertFalse(AirRole.allows(v2iVehicle, v2iVehicle));
        assertTrue(AirRole.allows(vehicle, vehicle));
        assertTrue(AirRole.allows(vehicle, rsu));
        assertTrue(AirRole.allows(rsu, rsu));
        assertTrue(AirRole.allows(other, other));
    }

    @Test
    public void pc5AndAbsentFieldsRoundTrip() throws Exception {
        RadioFrame f = new RadioFrame(LinkAddress.layer2Id(0xabcdef), LinkAddress.layer2Id(1),
                RadioFrame.PC5_SDU_TYPE_NON_IP, new byte[] {3, 1, 2}, FrameMetadata.NONE.withSidelink(
                        new SidelinkParameters(8, 1)).withTxPowerDbm(-12.34));
        AirDatagram.Decoded back = AirDatagram.decode(ByteBuffer.wrap(
                AirDatagram.encode(RadioTechnology.CV2X_PC5, -1, -1, f, false, 0, 0)));
        assertEquals(f, back.frame());
        assertEquals(RadioTechnology.CV2X_PC5, back.technology());
        assertFalse(back.hasPosition());
        assertThrows(IllegalArgumentException.class, () -> AirDatagram.encode(RadioTechnology.CV2X_PC5, 0, 0,
                new RadioFrame(LinkAddress.layer2Id(1), LinkAddress.layer2Id(2), 3,
                        new byte[AirDatagram.MAX_PAYLOAD_PC5 + 1], FrameMetadata.NONE), false, 0, 0));
    }

    /** Every prefix and every single-bit flip either decodes or is refused with a reason; nothing else. */
    @Test
    public void hostileBytesEndInMalformedOnly() {
        RadioFrame f = new RadioFrame(LinkAddress.mac(0x0200_0000_0001L), LinkAddress.BROADCAST_MAC,
                RadioFrame.ETHERTYPE_WSMP, new byte[] {1, 2, 3, 4, 5},
                new FrameMetadata(172, 5860, 20.0, null, T, 7, null));
        byte[] d = AirDatagram.encode(RadioTechnology.ITS_G5, 1, 2, f, true, -900000000, 1800000000);
        int refused = 0;
        for (int n = 0; n < d.length; n++) {
            refused += decodes(java.util.Arrays.copyOf(d, n)) ? 0 : 1;
        }
        assertEquals("every prefix is refused", d.length, refused);
        for (int bit = 0; bit < d.length * 8; bit++) {
            byte[] x = d.clone();
            x[bit / 8] ^= 1 << bit % 8;
            decodes(x);
        }
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 20_000; i++) {
            byte[] x = new byte[r.nextInt(100)];
            r.nextBytes(x);
            if (x.length >= 4 && r.nextBoolean()) {
                System.arraycopy(d, 0, x, 0, 4);
            }
            decodes(x);
        }
    }

    private static boolean decodes(byte[] x) {
        try {
            AirDatagram.decode(ByteBuffer.wrap(x));
            return true;
        } catch (AirDatagram.MalformedException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
            return false;
        }
    }

    @Test
    public void pathLossAndChannelFrequencies() {
        assertEquals(5900, PathLoss.centreFrequencyMhz(true, 180));
        assertEquals(5860, PathLoss.centreFrequencyMhz(true, 172));
        assertEquals(5900, PathLoss.centreFrequencyMhz(false, 54990));
        assertEquals(0, PathLoss.centreFrequencyMhz(false, 180));
        // Friis at 1 km, 5.9 GHz: 60 + 75.42 - 27.55 = 107.87 dB; 4 pi d f / c the long way round
        double friis = 20 * Math.log10(4 * Math.PI * 1000 * 5.9e9 / 299_792_458.0);
        assertEquals(friis, PathLoss.FREE_SPACE.lossDb(1000, 5900, 0), 0.01);
        assertEquals(PathLoss.FREE_SPACE.lossDb(1000, 5900, 0), PathLoss.LOG_DISTANCE.lossDb(1000, 5900, 2), 1e-9);
        assertEquals(PathLoss.FREE_SPACE.lossDb(1, 5900, 0), PathLoss.FREE_SPACE.lossDb(0.1, 5900, 0), 1e-9);
        // one degree of latitude on the sphere, and a known city pair (Munich - Berlin ~ 504 km)
        assertEquals(111_195, PathLoss.distanceM(0, 0, 10_000_000, 0), 1);
        assertEquals(504_000, PathLoss.distanceM(481_351_000, 115_820_000, 525_200_000, 134_050_000), 2_000);
    }
}
