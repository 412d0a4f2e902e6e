package org.qkdv2i.radio.pcap.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.qkdv2i.radio.pcap.PcapFrames;
import org.qkdv2i.radio.pcap.PcapReader;
import org.qkdv2i.radio.pcap.PcapRecord;
import org.qkdv2i.v2x.api.radio.FrameMetadata;
import org.qkdv2i.v2x.api.radio.LinkAddress;
import org.qkdv2i.v2x.api.radio.RadioFrame;
import org.qkdv2i.v2x.api.radio.RadioSubscription;
import org.qkdv2i.v2x.api.radio.RadioTechnology;

public class PcapRecorderTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private static final Instant T = Instant.parse("2026-11-27T10:00:00.123456Z");

    private static List<PcapRecord> read(File f, int linkType) throws IOException {
        List<PcapRecord> l = new ArrayList<>();
        try (PcapReader r = new PcapReader(Files.newInputStream(f.toPath()))) {
            assertEquals(linkType, r.linkType());
            for (PcapRecord x = r.next(); x != null; x = r.next()) {
                l.add(x);
            }
        }
        return l;
    }

    private static RadioFrame g5(int n, FrameMetadata m) {
        return new RadioFrame(LinkAddress.mac(0x0200_0000_0001L), LinkAddress.BROADCAST_MAC,
                RadioFrame.ETHERTYPE_GEONETWORKING, new byte[] {0x11, (byte) n}, m);
    }

    @Test
    public void recordsEverySentFrameAndAppendsAcrossRestarts() throws IOException {
        File f = new File(tmp.getRoot(), "sub/air.pcap");
        var cfg = TestConfigs.config("rsu-7", RadioTechnology.ITS_G5, f.getPath(), "02:00:00:00:00:01");
        PcapRecorder r = new PcapRecorder(cfg, Clock.fixed(T, ZoneOffset.UTC));
        assertEquals("rsu-7", r.radioId());
        assertEquals(RadioTechnology.ITS_G5, r.technology());
        assertEquals(LinkAddress.mac(0x0200_0000_0001L), r.address());
        Instant own = Instant.ofEpochSecond(1_800_000_000L, 5_000);
        r.send(g5(1, FrameMetadata.NONE));
        r.send(g5(2, FrameMetadata.NONE.withTimestamp(own)));
        RadioSubscription s = r.subscribe(frame -> {
            throw new AssertionError("a recorder hears nothing");
        });
        s.close();
        s.close(); // idempotent
        r.deactivate();
        assertThrows(IOException.class, () -> r.send(g5(3, FrameMetadata.NONE)));

        PcapRecorder again = new PcapRecorder(cfg, Clock.fixed(T.plusSeconds(1), ZoneOffset.UTC));
        again.send(g5(4, FrameMetadata.NONE));
        again.deactivate();

        List<PcapRecord> recs = read(f, 1);
        assertEquals(3, recs.size());
        assertEquals(Instant.parse("2026-11-27T10:00:00.123456Z"), recs.get(0).timestamp());
        assertEquals(own, recs.get(1).timestamp());
        assertEquals(T.plusSeconds(1), recs.get(2).timestamp());
        RadioFrame back = PcapFrames.decode(RadioTechnology.ITS_G5, recs.get(1));
        assertEquals(g5(2, FrameMetadata.NONE.withTimestamp(own)), back);
    }

    @Test
    public void refusesFramesThatDoNotFitAndFilesOfAnotherLinkType() throws IOException {
        File f = new File(tmp.getRoot(), "pc5.pcap");
        PcapRecorder pc5 = new PcapRecorder(TestConfigs.config("ue", RadioTechnology.CV2X_PC5, f.getPath(), "0x000001"),
                Clock.systemUTC());
        assertEquals(LinkAddress.layer2Id(1), pc5.address());
        assertThrows(IllegalArgumentException.class, () -> pc5.send(g5(1, FrameMetadata.NONE)));
        pc5.deactivate();
        IOException e = assertThrows(IOException.class, () -> new PcapRecorder(TestConfigs.config("g5",
                RadioTechnology.ITS_G5, f.getPath(), "02:00:00:00:00:01"), Clock.systemUTC()));
        assertTrue(e.getMessage(), e.getMessage().contains("link type 147"));
        assertThrows(IllegalArgumentException.class, () -> new PcapRecorder(TestConfigs.config("g5",
                RadioTechnology.ITS_G5, new File(tmp.getRoot(), "x.pcap").getPath(), "0x000001"), Clock.systemUTC()));
        assertThrows(IllegalArgumentException.class, () -> new PcapRecorder(TestConfigs.config(" ",
                RadioTechnology.ITS_G5, new File(tmp.getRoot(), "y.pcap").getPath(), "02:00:00:00:00:01"),
                Clock.systemUTC()));
    }

    @Test
    public void concurrentSendersProduceWholeRecords() throws Exception {
        File f = new File(tmp.getRoot(), "many.pcap");
        PcapRecorder r = new PcapRecorder(TestConfigs.config("obu", RadioTechnology.ITS_G5, f.getPath(),
                "02:00:00:00:00:01"), Clock.systemUTC());
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 4; t++) {
            int id = t;
            threads.add(new Thread(() -> {
                try {
                    for (int i = 0; i < 250; i++) {
                        r.send(g5(id, FrameMetadata.NONE));
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join(60_000);
        }
        r.deactivate();
        assertEquals(List.of(), failures);
        List<PcapRecord> recs = read(f, 1);
        assertEquals(1000, recs.size());
        for (PcapRecord rec : recs) {
            assertEquals(16, rec.capturedLength());
        }
    }
}
