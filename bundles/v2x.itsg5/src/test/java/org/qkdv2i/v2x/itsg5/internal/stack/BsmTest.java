package org.qkdv2i.v2x.itsg5.internal.stack;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.Test;
import org.qkdv2i.v2x.api.adapter.Profile;
import org.qkdv2i.v2x.api.adapter.Protection;
import org.qkdv2i.v2x.api.message.Bsm;
import org.qkdv2i.v2x.api.radio.RadioFrame;
import org.qkdv2i.v2x.codec.net.NetCodecs;
import org.qkdv2i.v2x.codec.net.WsmpPacket;

/** US profile: BSM at 10 Hz over WSMP PSID 0x20 in 1609.2 unsecuredData, msgCnt 0..127 wrapping. */
public class BsmTest {

    @Test
    public void tenHertzWithWrappingMessageCount() {
        Rig rig = new Rig();
        MovingStation car = new MovingStation(rig.clock, 377000000, -1224000000);
        car.move(13.89, 0);
        V2xEngine obu = rig.itsG5(StackConfig.defaults("obu", Profile.US, 0x0A0B0C0DL, 5), 0x02_00_00_00_00_01L, null,
                null);
        obu.setStateProvider(car);
        V2xEngine rsu = rig.itsG5(StackConfig.defaults("rsu", Profile.US, 9, 15).generating(false), 0x02_00_00_00_00_02L,
                null, null);
        Collector heard = new Collector();
        rsu.addListener(heard, null, null);
        rig.run(Duration.ofSeconds(20));
        List<Bsm> b = heard.bsms();
        assertEquals(201, b.size()); // t = 0, 0.1, ..., 20 s
        for (int i = 1; i < heard.messages.size(); i++) {
            assertEquals(100, Duration.between(heard.messages.get(i - 1).receivedAt(), heard.messages.get(i).receivedAt())
                    .toMillis());
        }
        for (int i = 0; i < b.size(); i++) {
            assertEquals(i % 128, b.get(i).coreData().msgCnt());
        }
        assertEquals(127, b.get(127).coreData().msgCnt());
        assertEquals(0, b.get(128).coreData().msgCnt());
        assertArrayEquals(new byte[] {0x0A, 0x0B, 0x0C, 0x0D}, b.get(0).coreData().id());
        assertEquals(0, b.get(0).coreData().secMark()); // 10:00:00.000
        assertEquals(100, b.get(1).coreData().secMark());
        assertEquals(13.89 / 0.02, b.get(5).coreData().speed(), 1.0); // J2735 units of 0.02 m/s
        assertEquals(Protection.UNSECURED, heard.messages.get(0).security().protection());

        RadioFrame f = rig.air.sent().get(0);
        assertEquals(RadioFrame.ETHERTYPE_WSMP, f.protocol());
        WsmpPacket w = NetCodecs.wsmp().decode(f.payload()).value();
        assertEquals(0x20, w.psid());
        assertEquals(3, w.data()[0]); // Ieee1609Dot2Data protocol version 3
        assertTrue(heard.cams().isEmpty());
    }
}
