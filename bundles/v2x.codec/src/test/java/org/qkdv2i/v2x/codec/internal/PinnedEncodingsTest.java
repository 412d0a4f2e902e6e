package org.qkdv2i.v2x.codec.internal;

import static org.junit.Assert.assertEquals;
import static org.qkdv2i.v2x.codec.internal.PublishedVectorsTest.HEX;

import org.junit.Test;
import org.qkdv2i.v2x.codec.DecodeError;
import org.qkdv2i.v2x.codec.DecodeError.Kind;
import org.qkdv2i.v2x.codec.V2xCodecs;

/**
 * Exact bits, also where tshark is absent. The three encodings below are this codec's output
 * for the messages of {@link TsharkCrossCheckTest}, pinned after Wireshark 4.0.17 had
 * dissected exactly these bytes field by field (every value as sent, no malformed or expert
 * warning). They guard against regressions; their independent check is that test.
 */
public class PinnedEncodingsTest {
    static final String FULL_CAM = "0202bb40e64d1092406a4a7ef0ee45de16a2442386da4a31d27f3be1224e0342968a342c3d86099cc2"
            + "1c1c014b993a1cb494fde1dc8bbc2d40008491a082bf69f06a3b1a8004abfffffffff1ce00";
    static final String RSU_CAM = "02020000004dffff00f42ed8cb98ad6e30fffffffc23b7743ea2e1d1a94a20010bb632e62b5b8c3874"
            + "0000038402177cf60c56aa2a00";
    static final String FULL_DENM = "0201bb40e64defdda07326ffffffffffffffe45d964b8004c7aed3cb23259a58320197080000074ea3"
            + "0138787be03040101070004bffeac67400c750009bffd6c67b38ad98ea33f107000040002c67c000606fd18b276f1267d60d0e"
            + "ae800000fb0ffea0a42024ec06020528d6c4071fe6f20ffffffe11dbba1f8018e00c7659040000000a8001d7f8bc04c612ce8"
            + "99d98bc22b41340468acf009d5eb57b56ad31976900";

    /**
     * A DENM of protocol version 1 (EN 302 637-3 v1.2.2, ITS-Container v1) received in Oslo
     * in 2022: the BTP-B payload inside the secured GeoBroadcast of RunDecode.testmsg in
     * alexvoronov/geonetworking (camdenm). Wireshark 4.0.17 reads it as DENMv1: station
     * 777777777, sequence 4655, causeCode 12/2, validity 3600 s.
     */
    static final String DENM_V1_OSLO = "01012e5bf27181172df93889179099916f5004266474dfc5959edc071b0cc38ffffffe11dbba"
            + "10070800001804";

    @Test
    public void fullCamIsPinned() {
        assertEquals(FULL_CAM, HEX.formatHex(V2xCodecs.cam().encode(TsharkCrossCheckTest.fullCam())));
        assertEquals(TsharkCrossCheckTest.fullCam(), V2xCodecs.cam().decode(HEX.parseHex(FULL_CAM)).value());
    }

    @Test
    public void rsuCamIsPinned() {
        assertEquals(RSU_CAM, HEX.formatHex(V2xCodecs.cam().encode(TsharkCrossCheckTest.rsuCam())));
        assertEquals(TsharkCrossCheckTest.rsuCam(), V2xCodecs.cam().decode(HEX.parseHex(RSU_CAM)).value());
    }

    @Test
    public void fullDenmIsPinned() {
        assertEquals(FULL_DENM, HEX.formatHex(V2xCodecs.denm().encode(TsharkCrossCheckTest.fullDenm())));
        assertEquals(TsharkCrossCheckTest.fullDenm(), V2xCodecs.denm().decode(HEX.parseHex(FULL_DENM)).value());
    }

    /**
     * Version 1 is refused, not misread: its CauseCode has no extension marker, so read as
     * version 2 the same bits would give causeCode 24 / subCauseCode 4 instead of 12 / 2
     * (which is what Wireshark shows when the version octet is changed to 2).
     */
    @Test
    public void aProtocolVersion1DenmIsRefused() {
        DecodeError e = V2xCodecs.denm().decode(HEX.parseHex(DENM_V1_OSLO)).error();
        assertEquals(Kind.UNEXPECTED_MESSAGE, e.kind());
        assertEquals("denm.header", e.field());
    }
}
