package org.qkdv2i.radio.ethernet.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;

import java.util.HexFormat;

import org.junit.Test;
import org.qkdv2i.v2x.api.radio.FrameMetadata;
import org.qkdv2i.v2x.api.radio.LinkAddress;
import org.qkdv2i.v2x.api.radio.RadioFrame;
import org.qkdv2i.v2x.codec.net.EthernetFrame;
import org.qkdv2i.v2x.codec.net.NetCodecs;

public class EthernetFramesTest {
    @Test
    public void ethernetTwoLayoutMatchesTheCodecs() {
        RadioFrame f = new RadioFrame(LinkAddress.mac(0x0200_0000_0001L), LinkAddress.BROADCAST_MAC,
                RadioFrame.ETHERTYPE_GEONETWORKING, new byte[] {0x11, 0x22}, FrameMetadata.NONE);
        byte[] b = EthernetFrames.encode(f);
        assertEquals("ffffffffffff" + "020000000001" + "8947" + "1122", HexFormat.of().formatHex(b));
        assertArrayEquals(NetCodecs.ethernet().encode(new EthernetFrame(f.destination(), f.source(), f.protocol(),
                f.payload())), b);
        assertEquals(f, EthernetFrames.decode(b, FrameMetadata.NONE));
    }

    @Test
    public void shortFramesAnd8023LengthsAreNotFrames() {
        assertNull(EthernetFrames.decode(new byte[13], FrameMetadata.NONE));
        byte[] len = new byte[20];
        len[12] = 0x05;
        len[13] = (byte) 0xDC; // 1500: an 802.3 length field
        assertNull(EthernetFrames.decode(len, FrameMetadata.NONE));
    }

    @Test
    public void configurationIsChecked() {
        assertArrayEquals(new int[] {0x8947, 0x88DC}, EthernetRadio.parseEtherTypes(new String[] {"0x8947", " 0x88dc "}));
        assertArrayEquals("a .cfg comma list", new int[] {0x8947, 0x88DC},
                EthernetRadio.parseEtherTypes(new String[] {"0x8947, 0x88DC"}));
        assertThrows(IllegalArgumentException.class, () -> EthernetRadio.parseEtherTypes(new String[] {"0x0800x"}));
        assertThrows(IllegalArgumentException.class, () -> EthernetRadio.parseEtherTypes(new String[] {"1500"}));
        assertThrows(IllegalArgumentException.class, () -> EthernetRadio.parseEtherTypes(new String[0]));
        assertEquals(LinkAddress.mac(0x0200_0000_00ABL), EthernetRadio.parseMac("02-00-00-00-00-ab"));
        assertThrows(IllegalArgumentException.class, () -> EthernetRadio.parseMac("02:00"));
    }
}
