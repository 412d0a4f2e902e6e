package org.qkdv2i.radio.pcap;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import org.junit.Test;
import org.qkdv2i.v2x.api.radio.FrameMetadata;
import org.qkdv2i.v2x.api.radio.LinkAddress;
import org.qkdv2i.v2x.api.radio.RadioFrame;
import org.qkdv2i.v2x.api.radio.RadioTechnology;
import org.qkdv2i.v2x.api.radio.SidelinkParameters;

public class PcapFormatTest {
    private static final HexFormat HEX = HexFormat.of();

    private static byte[] write(int linkType, int snaplen, List<PcapRecord> records) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapWriter w = PcapWriter.create(out, linkType, snaplen)) {
            for (PcapRecord r : records) {
                w.write(r);
            }
        }
        return out.toByteArray();
    }

    private static List<PcapRecord> readAll(byte[] file) throws IOException {
        List<PcapRecord> l = new ArrayList<>();
        try (PcapReader r = new PcapReader(new ByteArrayInputStream(file))) {
            for (PcapRecord x = r.next(); x != null; x = r.next()) {
                l.add(x);
            }
        }
        return l;
    }

    @Test
    public void headerIsTheClassicLittleEndianMicrosecondOne() throws IOException {
        byte[] f = write(PcapWriter.LINKTYPE_ETHERNET, 65535,
                List.of(new PcapRecord(Instant.ofEpochSecond(1, 2_345_000), new byte[] {1, 2, 3})));
        // magic, 2.4, thiszone 0, sigfigs 0, snaplen 65535, LINKTYPE_ETHERNET (tcpdump.org pcap format)
        assertEquals("d4c3b2a1" + "0200" + "0400" + "00000000" + "00000000" + "ffff0000" + "01000000"
                + "01000000" + "29090000" + "03000000" + "03000000" + "010203", HEX.formatHex(f));
    }

    @Test
    public void recordsRoundTripAndSnaplenCuts() throws IOException {
        Random rnd = new Random(3);
        List<PcapRecord> in = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            byte[] b = new byte[rnd.nextInt(200)];
            rnd.nextBytes(b);
            in.add(new PcapRecord(Instant.ofEpochSecond(1_700_000_000L + i, rnd.nextInt(1_000_000) * 1000L), b));
        }
        assertEquals(in, readAll(write(PcapWriter.LINKTYPE_USER0, 65535, in)));
        List<PcapRecord> cut = readAll(write(1, 100, in));
        for (int i = 0; i < in.size(); i++) {
            byte[] full = in.get(i).data();
            assertArrayEquals(Arrays.copyOf(full, Math.min(100, full.length)), cut.get(i).data());
            assertEquals(full.length, cut.get(i).originalLength());
        }
    }

    @Test
    public void readsBigEndianAndNanosecondFiles() throws IOException {
        // big-endian nanosecond file written by hand: magic a1b23c4d, 2.4, snaplen 65535, link type 1
        byte[] f = HEX.parseHex("a1b23c4d" + "00020004" + "00000000" + "00000000" + "0000ffff" + "00000001"
                + "00000005" + "3b9ac9ff" + "00000002" + "00000002" + "abcd");
        try (PcapReader r = new PcapReader(new ByteArrayInputStream(f))) {
            assertEquals(1, r.linkType());
            assertEquals(true, r.nanosecondTimestamps());
            PcapRecord x = r.next();
            assertEquals(Instant.ofEpochSecond(5, 999_999_999), x.timestamp());
            assertArrayEquals(new byte[] {(byte) 0xab, (byte) 0xcd}, x.data());
            assertNull(r.next());
        }
    }

    @Test
    public void damagedFilesEndInIoExceptionsOnly() throws IOException {
        Random rnd = new Random(9);
        List<PcapRecord> in = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            in.add(new PcapRecord(Instant.ofEpochSecond(i), new byte[10 + i]));
        }
        byte[] good = write(1, 65535, in);
        List<byte[]> damaged = new ArrayList<>();
        for (int n = 0; n < good.length; n++) {
            damaged.add(Arrays.copyOf(good, n));
        }
        for (int bit = 0; bit < good.length * 8; bit++) {
            byte[] b = good.clone();
            b[bit / 8] ^= (byte) (1 << (bit % 8));
            damaged.add(b);
        }
        for (int i = 0; i < 2000; i++) {
            byte[] b = new byte[rnd.nextInt(100)];
            rnd.nextBytes(b);
            damaged.add(b);
        }
        damaged.add(HEX.parseHex("0a0d0d0a" + "00".repeat(20))); // pcapng section header
        for (byte[] b : damaged) {
            try {
                readAll(b);
            } catch (IOException expected) {
                // a clear refusal
            } catch (RuntimeException e) {
                fail("reader threw " + e + " on " + HEX.formatHex(b));
            }
        }
        IOException e = assertThrows(IOException.class, () -> readAll(HEX.parseHex("0a0d0d0a" + "00".repeat(20))));
        assertEquals("not a pcap file (magic 0a0d0d0a; pcapng is not read)", e.getMessage());
    }

    @Test
    public void framesMapToEthernetAndThePc5PseudoHeader() {
        RadioFrame g5 = new RadioFrame(LinkAddress.mac(0x0200_0000_0001L), LinkAddress.BROADCAST_MAC,
                RadioFrame.ETHERTYPE_WSMP, new byte[] {3, 0}, FrameMetadata.NONE);
        byte[] e = PcapFrames.encode(RadioTechnology.ITS_G5, g5);
        assertEquals("ffffffffffff" + "020000000001" + "88dc" + "0300", HEX.formatHex(e));
        Instant t = Instant.ofEpochSecond(7);
        assertEquals(g5.withMetadata(FrameMetadata.NONE.withTimestamp(t)),
                PcapFrames.decode(RadioTechnology.ITS_G5, new PcapRecord(t, e)));

        RadioFrame pc5 = new RadioFrame(LinkAddress.layer2Id(0x123456), LinkAddress.layer2Id(0xabcdef),
                RadioFrame.PC5_SDU_TYPE_NON_IP, new byte[] {1, 9}, FrameMetadata.NONE.withSidelink(
                        SidelinkParameters.ofPriority(5)));
        byte[] p = PcapFrames.encode(RadioTechnology.CV2X_PC5, pc5);
        assertEquals("123456" + "abcdef" + "05" + "03" + "0109", HEX.formatHex(p));
        assertEquals(pc5.withMetadata(pc5.metadata().withTimestamp(t)),
                PcapFrames.decode(RadioTechnology.CV2X_PC5, new PcapRecord(t, p)));

        assertThrows(IllegalArgumentException.class, () -> PcapFrames.encode(RadioTechnology.CV2X_PC5, g5));
        assertThrows(IllegalArgumentException.class, () -> PcapFrames.encode(RadioTechnology.ITS_G5, pc5));
        assertThrows(IllegalArgumentException.class, () -> PcapFrames.decode(RadioTechnology.ITS_G5,
                new PcapRecord(t, new byte[13])));
        assertEquals(PcapWriter.LINKTYPE_USER0, PcapFrames.linkType(RadioTechnology.CV2X_PC5));
    }
}
