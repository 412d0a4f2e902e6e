package org.qkdv2i.v2x.cv2x.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.lang.annotation.Annotation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.qkdv2i.radio.pcap.internal.PcapRecorder;
import org.qkdv2i.v2x.api.adapter.Profile;
import org.qkdv2i.v2x.api.radio.LinkAddress;
import org.qkdv2i.v2x.api.radio.RadioTechnology;
import org.qkdv2i.v2x.codec.security.TrustStore;
import org.qkdv2i.v2x.codec.testing.Tshark;
import org.qkdv2i.v2x.itsg5.internal.stack.ManualClock;
import org.qkdv2i.v2x.itsg5.internal.stack.MovingStation;
import org.qkdv2i.v2x.itsg5.internal.stack.StackConfig;
import org.qkdv2i.v2x.itsg5.internal.stack.V2xEngine;

/**
 * PC5 frames of the stack through radio.pcap's recorder (LINKTYPE_USER0, 8-octet pseudo-header),
 * read by tshark with the user DLT mapped to GeoNetworking after 9 octets (pseudo-header + V2X
 * message family): the CAM dissects without malformed packets and shows what was sent. Skipped
 * only where tshark is missing and CI is unset.
 */
public class TsharkPc5CaptureTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void pc5CamDissectsThroughTheUserDlt() throws Exception {
        Tshark.require("Wireshark check");
        File file = new File(tmp.getRoot(), "pc5.pcap");
        PcapRecorder radio = new PcapRecorder(new PcapRecorder.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return PcapRecorder.Config.class;
            }

            @Override
            public String radio_id() {
                return "pc5";
            }

            @Override
            public RadioTechnology radio_technology() {
                return RadioTechnology.CV2X_PC5;
            }

            @Override
            public String path() {
                return file.getPath();
            }

            @Override
            public String address() {
                return "0x000001";
            }

            @Override
            public int snaplen() {
                return 65535;
            }
        });
        ManualClock clock = new ManualClock(Pc5StackTest.START);
        V2xEngine e = new V2xEngine(StackConfig.defaults("pc5", Profile.EU, 4242, 5), new Pc5Framing(
                LinkAddress.layer2Id(0xFFFFFF)), clock, null, new TrustStore());
        e.setRadio(radio);
        e.setStateProvider(new MovingStation(clock, 481370000, 115750000));
        e.tick();
        clock.advance(Duration.ofSeconds(1));
        e.tick();
        var m = radio.getClass().getDeclaredMethod("deactivate");
        m.setAccessible(true);
        m.invoke(radio);

        String dlt = "uat:user_dlts:\"User 0 (DLT=147)\",\"gnw\",\"9\",\"\",\"0\",\"\"";
        String text = Tshark.run(file, "-o", dlt, "-V");
        Tshark.assertClean(text, "Note", "Chat");
        List<String> stations = new ArrayList<>();
        for (String l : text.lines().toList()) {
            if (l.trim().startsWith("stationID: ") || l.trim().startsWith("stationId: ")) {
                stations.add(l.trim());
            }
        }
        assertEquals(text, 2, stations.size());
        assertTrue(stations.toString(), stations.get(0).endsWith("4242"));
        assertTrue(text, text.contains("messageID: cam (2)"));
        // pseudo-header: source L2 ID 000001, destination ffffff, PPPP 4 (CAM), SDU type 3; then family 3 (ETSI ITS)
        assertTrue(text, text.contains("Data: 000001ffffff040303"));
    }
}
