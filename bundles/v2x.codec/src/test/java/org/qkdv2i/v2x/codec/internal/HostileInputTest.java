package org.qkdv2i.v2x.codec.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.qkdv2i.v2x.codec.internal.PublishedVectorsTest.BSM_ASN1_CODEC;
import static org.qkdv2i.v2x.codec.internal.PublishedVectorsTest.CAM_GOLF8_DESERIALIZE;
import static org.qkdv2i.v2x.codec.internal.PublishedVectorsTest.CAM_GOLF8_VERIFY;
import static org.qkdv2i.v2x.codec.internal.PublishedVectorsTest.CAM_VANETZA_ISSUE_115;
import static org.qkdv2i.v2x.codec.internal.PublishedVectorsTest.HEX;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.Test;
import org.qkdv2i.v2x.api.message.AlacarteContainer;
import org.qkdv2i.v2x.api.message.DangerousGoodsExtended;
import org.qkdv2i.v2x.api.message.Denm;
import org.qkdv2i.v2x.api.message.StationaryVehicleContainer;
import org.qkdv2i.v2x.codec.DecodeError;
import org.qkdv2i.v2x.codec.DecodeError.Kind;
import org.qkdv2i.v2x.codec.DecodeResult;
import org.qkdv2i.v2x.codec.MessageCodec;
import org.qkdv2i.v2x.codec.V2xCodecs;

/** Bad bytes always give a typed error that names the place; no decoder ever throws. */
public class HostileInputTest {
    private static final List<MessageCodec<?>> CODECS = List.of(V2xCodecs.cam(), V2xCodecs.denm(), V2xCodecs.bsm());

    private static DecodeError error(MessageCodec<?> codec, byte[] bytes) {
        DecodeResult<?> r = codec.decode(bytes);
        assertFalse("should fail: " + r, r.isOk());
        return r.error();
    }

    /** Decodes without throwing; a success must re-encode to something that decodes to the same value. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void survives(MessageCodec codec, byte[] bytes) {
        DecodeResult r = codec.decode(bytes);
        if (r.isOk()) {
            byte[] again = codec.encode(r.value());
            assertEquals(r.value(), codec.decode(again).value());
        } else {
            DecodeError e = r.error();
            assertNotNull(e.kind());
            assertTrue(e.toString(), e.bitOffset() >= 0 && e.bitOffset() <= 8L * bytes.length);
            assertFalse(e.field().isEmpty());
        }
    }

    @Test
    public void nullAndEmptyAreTruncated() {
        for (MessageCodec<?> c : CODECS) {
            assertEquals(Kind.TRUNCATED, error(c, null).kind());
            assertEquals(Kind.TRUNCATED, error(c, new byte[0]).kind());
        }
    }

    @Test
    public void everyPrefixOfAVectorIsTruncated() {
        for (String hex : List.of(CAM_GOLF8_VERIFY, CAM_GOLF8_DESERIALIZE, CAM_VANETZA_ISSUE_115)) {
            byte[] full = HEX.parseHex(hex);
            for (int n = 1; n < full.length; n++) {
                DecodeError e = error(V2xCodecs.cam(), Arrays.copyOf(full, n));
                assertEquals(e.toString(), Kind.TRUNCATED, e.kind());
                assertTrue(e.bitOffset() <= 8L * n);
            }
        }
        byte[] bsm = HEX.parseHex(BSM_ASN1_CODEC);
        for (int n = 1; n < bsm.length; n++) {
            assertEquals(Kind.TRUNCATED, error(V2xCodecs.bsm(), Arrays.copyOf(bsm, n)).kind());
        }
    }

    @Test
    public void headingOutOfRangeIsNamedWithItsBitOffset() {
        byte[] cam = HEX.parseHex(CAM_GOLF8_VERIFY);
        // header 48 + generationDeltaTime 16 + CamParameters preamble 3 + BasicContainer 1 + 8 + 123
        // + HighFrequencyContainer extension bit and index 2 + seven presence bits = bit 208
        for (int bit = 208; bit < 220; bit++) {
            cam[bit / 8] |= (byte) (0x80 >>> (bit % 8)); // headingValue := 4095 (> 3601)
        }
        DecodeError e = error(V2xCodecs.cam(), cam);
        assertEquals(Kind.OUT_OF_RANGE, e.kind());
        assertEquals("cam.cam.camParameters.highFrequencyContainer.basicVehicleContainerHighFrequency.heading.headingValue",
                e.field());
        assertEquals(208, e.bitOffset());
        assertTrue(e.detail(), e.detail().contains("4095"));
    }

    @Test
    public void anotherMessageTypeIsUnexpected() {
        byte[] cam = HEX.parseHex(CAM_GOLF8_VERIFY);
        assertEquals(Kind.UNEXPECTED_MESSAGE, error(V2xCodecs.denm(), cam).kind());
        byte[] v1 = cam.clone();
        v1[0] = 1; // protocolVersion 1 (CAM v1.3.x) has another ITS-Container
        assertEquals(Kind.UNEXPECTED_MESSAGE, error(V2xCodecs.cam(), v1).kind());
        byte[] bsm = HEX.parseHex(BSM_ASN1_CODEC);
        bsm[1] = 0x13; // messageId 19, a SPaT
        DecodeError e = error(V2xCodecs.bsm(), bsm);
        assertEquals(Kind.UNEXPECTED_MESSAGE, e.kind());
        assertTrue(e.detail().contains("19"));
    }

    @Test
    public void octetsAfterThePduAreTrailingData() {
        byte[] cam = HEX.parseHex(CAM_GOLF8_VERIFY + "0000");
        assertEquals(Kind.TRAILING_DATA, error(V2xCodecs.cam(), cam).kind());
        byte[] bsm = HEX.parseHex(BSM_ASN1_CODEC);
        bsm[3] = (byte) 0xAE; // open type claims 174 octets, 173 follow
        assertEquals(Kind.TRUNCATED, error(V2xCodecs.bsm(), bsm).kind());
        bsm = HEX.parseHex(BSM_ASN1_CODEC + "00");
        bsm[3] = (byte) 0xAE; // 174 octets now there, the BSM inside ends one octet early
        DecodeError e = error(V2xCodecs.bsm(), bsm);
        assertEquals(Kind.TRAILING_DATA, e.kind());
    }

    @Test
    public void anUnknownChoiceExtensionIsUnsupported() {
        byte[] cam = HEX.parseHex(CAM_GOLF8_VERIFY);
        cam[199 / 8] |= (byte) (0x80 >>> (199 % 8)); // HighFrequencyContainer extension bit
        DecodeError e = error(V2xCodecs.cam(), cam);
        assertEquals(Kind.UNSUPPORTED, e.kind());
        assertEquals("cam.cam.camParameters.highFrequencyContainer", e.field());
        assertEquals(199, e.bitOffset());
    }

    @Test
    public void invalidUtf8InACompanyNameIsMalformed() {
        Samples s = new Samples(9);
        Denm denm = s.denm();
        var goods = new DangerousGoodsExtended(1, 1203, false, false, false, null, null, "AB");
        denm = new Denm(denm.header(), denm.management(), null, null, new AlacarteContainer(null, null, null, null, null,
                new StationaryVehicleContainer(null, null, goods, null, null, null)));
        byte[] bytes = V2xCodecs.denm().encode(denm);
        long at = findBits(bytes, 0x024142L, 24); // length 2, 'A', 'B'
        assertTrue(at >= 0);
        for (int i = 0; i < 16; i++) { // 'A' 'B' -> 0xFF 0xFF, never valid UTF-8
            long bit = at + 8 + i;
            bytes[(int) (bit / 8)] |= (byte) (0x80 >>> (bit % 8));
        }
        DecodeError e = error(V2xCodecs.denm(), bytes);
        assertEquals(Kind.MALFORMED, e.kind());
        assertEquals("denm.denm.alacarte.stationaryVehicle.carryingDangerousGoods.companyName", e.field());
        assertEquals(at, e.bitOffset());
    }

    /** First bit position of a {@code width}-bit pattern, or -1. */
    private static long findBits(byte[] data, long pattern, int width) {
        for (long start = 0; start + width <= data.length * 8L; start++) {
            BitReader probe = new BitReader(data);
            probe.skip(start, "t", "t");
            if (probe.bits(width, "t", "t") == pattern) {
                return start;
            }
        }
        return -1;
    }

    @Test
    public void randomBytesNeverThrow() {
        Random rnd = new Random(42);
        for (int i = 0; i < 20000; i++) {
            byte[] b = new byte[rnd.nextInt(120)];
            rnd.nextBytes(b);
            for (MessageCodec<?> c : CODECS) {
                survives(c, b);
            }
        }
    }

    @Test
    public void everySingleBitFlipOfTheVectorsIsSurvived() {
        for (String hex : List.of(CAM_GOLF8_VERIFY, CAM_GOLF8_DESERIALIZE, CAM_VANETZA_ISSUE_115, BSM_ASN1_CODEC)) {
            byte[] good = HEX.parseHex(hex);
            for (int bit = 0; bit < good.length * 8; bit++) {
                byte[] bad = good.clone();
                bad[bit / 8] ^= (byte) (0x80 >>> (bit % 8));
                for (MessageCodec<?> c : CODECS) {
                    survives(c, bad);
                }
            }
        }
    }

    @Test
    public void randomisedValidMessagesWithRandomDamageNeverThrow() {
        Samples s = new Samples(7);
        Random rnd = new Random(8);
        for (int i = 0; i < 3000; i++) {
            byte[][] encodings = {V2xCodecs.cam().encode(s.cam()), V2xCodecs.denm().encode(s.denm()),
                    V2xCodecs.bsm().encode(s.bsm())};
            for (int k = 0; k < 3; k++) {
                byte[] b = encodings[k];
                int damage = 1 + rnd.nextInt(4);
                for (int d = 0; d < damage; d++) {
                    b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                }
                if (rnd.nextBoolean()) {
                    b = Arrays.copyOf(b, rnd.nextInt(b.length + 1));
                }
                survives(CODECS.get(k), b);
            }
        }
    }
}
