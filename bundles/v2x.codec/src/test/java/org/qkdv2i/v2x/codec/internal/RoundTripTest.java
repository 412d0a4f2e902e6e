package org.qkdv2i.v2x.codec.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;

import org.junit.Test;
import org.qkdv2i.v2x.api.message.*;
import org.qkdv2i.v2x.codec.DecodeResult;
import org.qkdv2i.v2x.codec.MessageCodec;
import org.qkdv2i.v2x.codec.V2xCodecs;

/** encode, decode, compare, re-encode: for random messages over the full ranges and for fixed edge cases. */
public class RoundTripTest {
    private static final int ROUNDS = 2000;

    private static <T> void roundTrip(MessageCodec<T> codec, T message) {
        byte[] bytes = codec.encode(message);
        DecodeResult<T> decoded = codec.decode(bytes);
        assertTrue(message + " -> " + decoded, decoded.isOk());
        assertEquals(message, decoded.value());
        assertArrayEquals(bytes, codec.encode(decoded.value()));
    }

    @Test
    public void randomCams() {
        Samples s = new Samples(1);
        for (int i = 0; i < ROUNDS; i++) {
            roundTrip(V2xCodecs.cam(), s.cam());
        }
    }

    @Test
    public void randomDenms() {
        Samples s = new Samples(2);
        for (int i = 0; i < ROUNDS; i++) {
            roundTrip(V2xCodecs.denm(), s.denm());
        }
    }

    @Test
    public void randomBsms() {
        Samples s = new Samples(3);
        for (int i = 0; i < ROUNDS; i++) {
            roundTrip(V2xCodecs.bsm(), s.bsm());
        }
    }

    @Test
    public void coreOnlyBsmIs38OctetsInA40OctetFrame() {
        // BSMcoreData is 290 bits; with the BSM's 3 preamble bits 293 bits = 37 octets;
        // MessageFrame adds 1 + 15 bits and a 1-octet open-type length: 40 octets, "0014 25 ..."
        Bsm bsm = new Samples(4).bsm();
        bsm = Bsm.of(bsm.coreData());
        byte[] bytes = V2xCodecs.bsm().encode(bsm);
        assertEquals(40, bytes.length);
        assertEquals(0x00, bytes[0]);
        assertEquals(0x14, bytes[1]);
        assertEquals(37, bytes[2]);
        roundTrip(V2xCodecs.bsm(), bsm);
    }

    @Test
    public void validityDurationDefaultIsNotEncodedUnlessGiven() {
        ReferencePosition pos = ReferencePosition.ofDegrees(48.1, 11.5);
        ManagementContainer absent = ManagementContainer.of(new ActionId(7, 1), 1000, 1000, pos, 5);
        ManagementContainer given = new ManagementContainer(new ActionId(7, 1), 1000, 1000, null, pos, null, null, 600,
                null, 5);
        BitWriter wa = new BitWriter();
        DenmUper.encode(wa, new Denm(ItsPduHeader.denm(7), absent, null, null));
        BitWriter wb = new BitWriter();
        DenmUper.encode(wb, new Denm(ItsPduHeader.denm(7), given, null, null));
        // ValidityDuration (0..86400) takes 17 bits; the presence bit is there either way
        assertEquals(17, wb.bitLength() - wa.bitLength());
        byte[] a = wa.toByteArray();
        byte[] b = wb.toByteArray();
        Denm decoded = V2xCodecs.denm().decode(a).value();
        assertEquals(null, decoded.management().validityDuration());
        assertEquals(600, decoded.management().effectiveValidityDuration());
        assertEquals(Integer.valueOf(600), V2xCodecs.denm().decode(b).value().management().validityDuration());
    }

    @Test
    public void rsuCamWithTemporaryZoneUsesTheEnumerationExtension() {
        ProtectedCommunicationZone zone = new ProtectedCommunicationZone(1, null, 481234567, 115678901, 20, 42);
        Cam cam = new Cam(ItsPduHeader.cam(99), 0, new BasicContainer(StationType.ROAD_SIDE_UNIT,
                ReferencePosition.ofDegrees(48.1234567, 11.5678901)), new RsuContainerHighFrequency(List.of(zone)),
                null);
        roundTrip(V2xCodecs.cam(), cam);
    }
}
