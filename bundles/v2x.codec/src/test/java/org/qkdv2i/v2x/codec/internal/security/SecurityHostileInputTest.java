package org.qkdv2i.v2x.codec.internal.security;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.Test;
import org.qkdv2i.v2x.codec.DecodeError;
import org.qkdv2i.v2x.codec.DecodeResult;
import org.qkdv2i.v2x.codec.security.Ieee1609Dot2Codec;
import org.qkdv2i.v2x.codec.security.Ieee1609Dot2Codecs;
import org.qkdv2i.v2x.codec.security.Psid;
import org.qkdv2i.v2x.codec.security.SecuredData;
import org.qkdv2i.v2x.codec.security.SignRequest;
import org.qkdv2i.v2x.codec.security.SignerKind;
import org.qkdv2i.v2x.codec.security.TrustStore;
import org.qkdv2i.v2x.codec.security.VerificationResult;
import org.qkdv2i.v2x.codec.security.VerificationStatus;
import org.qkdv2i.zap.api.ChannelOptions;
import org.qkdv2i.zap.internal.message.MessageProtectionComponent;

/**
 * Hostile bytes: truncations, single-bit flips, random input, absurd lengths and deep nesting.
 * Decoding and verifying never throw, always return a typed outcome, and nothing altered
 * verifies unless it carries exactly the signed content.
 */
public class SecurityHostileInputTest {
    static final HexFormat HEX = HexFormat.of();

    private final Ieee1609Dot2Codec codec = Ieee1609Dot2Codecs.create();
    private final TestPki pki = new TestPki(codec);

    private List<byte[]> samples() {
        List<byte[]> s = new ArrayList<>();
        s.add(HEX.parseHex(VanetzaVectorsTest.GOLF8_WITH_CERTIFICATE));
        s.add(HEX.parseHex(VanetzaVectorsTest.GOLF8_BY_DIGEST));
        s.add(codec.sign(new SignRequest(Psid.CAM, SignedDataTest.CAM_PACKET, TestPki.IN_VALIDITY, null,
                SignerKind.CERTIFICATE), pki.ticket));
        s.add(codec.sign(new SignRequest(Psid.DENM, SignedDataTest.CAM_PACKET, TestPki.IN_VALIDITY, SignedDataTest.OSLO,
                SignerKind.DIGEST), pki.ticket));
        s.add(codec.encodeUnsecured(SignedDataTest.CAM_PACKET));
        s.add(new MessageProtectionComponent().ieee1609Psk(new byte[16], ChannelOptions.datagram("s", Clock.systemUTC()))
                .protect(new byte[] {1, 2, 3}));
        return s;
    }

    private static void typed(DecodeResult<SecuredData> r) {
        assertNotNull(r);
        if (!r.isOk()) {
            assertNotNull(r.error().kind());
            assertNotNull(r.error().detail());
        }
    }

    @Test
    public void nullAndEmptyAreTruncated() {
        assertEquals(DecodeError.Kind.TRUNCATED, codec.decode(null).error().kind());
        assertEquals(DecodeError.Kind.TRUNCATED, codec.decode(new byte[0]).error().kind());
        assertEquals(VerificationStatus.MALFORMED, codec.verify(new byte[0], new TrustStore()).status());
    }

    @Test
    public void everyPrefixIsTruncated() {
        for (byte[] s : samples()) {
            assertTrue(codec.decode(s).isOk());
            for (int n = 1; n < s.length; n++) {
                DecodeResult<SecuredData> r = codec.decode(Arrays.copyOf(s, n));
                assertFalse(n + " octets decoded", r.isOk());
                assertEquals(r.toString(), DecodeError.Kind.TRUNCATED, r.error().kind());
                assertFalse(codec.verify(Arrays.copyOf(s, n), pki.trustStore()).isOk());
            }
        }
    }

    @Test
    public void trailingOctetsAreTrailingData() {
        for (byte[] s : samples()) {
            DecodeResult<SecuredData> r = codec.decode(Arrays.copyOf(s, s.length + 1));
            assertEquals(r.toString(), DecodeError.Kind.TRAILING_DATA, r.error().kind());
        }
    }

    @Test
    public void noSingleBitFlipThrowsOrForgesContent() {
        // decode every flip; verify one per octet
        TrustStore trust = pki.trustStore();
        int verifiedFlips = 0;
        for (byte[] s : samples()) {
            VerificationResult original = codec.verify(s, trust);
            for (int bit = 0; bit < s.length * 8; bit++) {
                byte[] f = s.clone();
                f[bit / 8] ^= (byte) (0x80 >>> (bit % 8));
                typed(codec.decode(f));
                if (bit % 8 != (bit / 8) % 8) {
                    continue; // verify one flip per octet (each octet a different bit): ECDSA costs ~1 ms
                }
                VerificationResult v = codec.verify(f, trust);
                assertNotNull(v.status());
                if (v.isOk()) {
                    // only a change outside the signed content may pass (the rSig point form, IEEE 1609.2
                    // §6.3.29: r is its x coordinate whatever the form)
                    verifiedFlips++;
                    assertTrue(original.isOk());
                    assertArrayEquals(original.message().payload(), v.message().payload());
                    assertEquals(original.message().header(), v.message().header());
                    assertEquals(original.message().signerId(), v.message().signerId());
                }
            }
        }
        assertTrue("flips that verified: " + verifiedFlips, verifiedFlips <= 4);
    }

    @Test
    public void randomBytesGiveTypedErrors() {
        SplittableRandom random = new SplittableRandom(1609);
        TrustStore trust = pki.trustStore();
        byte[][] prefixes = {{}, {3}, {3, (byte) 0x80}, {3, (byte) 0x81, 0}, {3, (byte) 0x81, 0, 0x40, 3, (byte) 0x80},
            {3, (byte) 0x82}};
        for (int i = 0; i < 20_000; i++) {
            byte[] prefix = prefixes[i % prefixes.length];
            byte[] b = new byte[prefix.length + random.nextInt(300)];
            random.nextBytes(b);
            System.arraycopy(prefix, 0, b, 0, prefix.length);
            DecodeResult<SecuredData> r = codec.decode(b);
            typed(r);
            if (r.isOk()) {
                // whatever decodes is canonical: its re-encoding is the input
                assertTrue(Arrays.equals(b, reencode(b)));
            }
            if (i % 10 == 0) {
                assertFalse(codec.verify(b, trust).isOk());
            }
        }
    }

    private static byte[] reencode(byte[] b) {
        try {
            return Oer.encode(OerIeee1609Dot2Codec.parseData(b), Oer.DATA);
        } catch (Oer.Failure e) {
            throw new AssertionError(e.error.toString());
        }
    }

    @Test
    public void absurdLengthsAndDeepNestingAreRefusedCheaply() {
        // unsecuredData claiming 2^31-1 octets
        DecodeResult<SecuredData> r = codec.decode(HEX.parseHex("0380847fffffff00"));
        assertFalse(r.isOk());
        // SignedData inside SignedData inside ... 10,000 levels
        byte[] nested = new byte[4 * 10_000];
        for (int i = 0; i < nested.length; i += 4) {
            nested[i] = 3;
            nested[i + 1] = (byte) 0x81;
            nested[i + 2] = 0;
            nested[i + 3] = 0x40;
        }
        r = codec.decode(nested);
        assertFalse(r.isOk());
        assertFalse(codec.verify(nested, pki.trustStore()).isOk());
        // larger than any radio frame
        assertEquals(DecodeError.Kind.MALFORMED, codec.decode(new byte[70_000]).error().kind());
    }
}
