package org.qkdv2i.v2x.codec.internal.security;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;

import org.bouncycastle.oer.its.ieee1609dot2.Certificate;
import org.bouncycastle.oer.its.ieee1609dot2.Ieee1609Dot2Data;
import org.bouncycastle.oer.its.ieee1609dot2.SignedData;
import org.junit.Test;
import org.qkdv2i.v2x.codec.DecodeResult;
import org.qkdv2i.v2x.codec.security.HashedId8;
import org.qkdv2i.v2x.codec.security.Ieee1609Dot2Codec;
import org.qkdv2i.v2x.codec.security.Ieee1609Dot2Codecs;
import org.qkdv2i.v2x.codec.security.ItsTime;
import org.qkdv2i.v2x.codec.security.Psid;
import org.qkdv2i.v2x.codec.security.SecuredData;
import org.qkdv2i.v2x.codec.security.SignerKind;
import org.qkdv2i.v2x.codec.security.TrustStore;
import org.qkdv2i.v2x.codec.security.VerificationResult;
import org.qkdv2i.v2x.codec.security.VerificationStatus;

/**
 * Published signed CAMs (ETSI TS 103 097 / IEEE 1609.2 protocol version 3) from Vanetza,
 * riebl/vanetza vanetza/security/tests/secured_message_v3.cpp (the byte arrays of the tests
 * SecuredMessageV3.verify and SecuredMessageV3.deserialize, commit 07c70c1a), copied as hex test
 * data. Expected values are Vanetza's own assertions in that file (certificate digest
 * 127cff384ce0b890, issuer 56dfd6d627a362dc, ITS-AID CA = 36, verification success on
 * 2019-11-21), not this codec's output.
 */
public class VanetzaVectorsTest {
    static final HexFormat HEX = HexFormat.of();

    /** "a CAM signed by a VW Golf 8 including a full signer certificate" (SecuredMessageV3.verify). */
    static final String GOLF8_WITH_CERTIFICATE =
            "0381004003805620500280003201001400fe384ce0b890bf6b2f5b1f4528"
            + "5806640a6d80e803be0000a00007d1000002024ce0b89030bc005a9d422a"
            + "0e35bba022442386da3596d4583be120a10302968acf33e781ff82103fe0"
            + "1419804001240001c80bbab6c8158101018003008056dfd6d627a362dc10"
            + "8300000000001ddff7b58400a80102800124810403010000800125810504"
            + "01901a258080820427bb27c998c1eca2b10e7107980244518b3c50a3a327"
            + "b5b190d090f1451f3d808083c2f3caebc7fa35945c030a5ae01a417adf6d"
            + "ffd541ccd2d92bfeb63dc15689cbd6b8e32bd5e866d9faa2fe5595e2dbb9"
            + "be3e965a7094258b4a249dfb758a078082737a94516c56f885262fd4d2ac"
            + "775ebaa14684ebf6593966ef7d3084078eddd0f4fe9406042b1d1a92b70a"
            + "0cce8d7de7e9b6fe13fb269a5a67573161589e2a79";

    /** SecuredMessageV3.deserialize: a CAM signed by digest. */
    static final String GOLF8_BY_DIGEST =
            "0381004003805620500280003201001400d2fb6a0c62d2bf6c54531f44ef"
            + "f506663609846a06c80000a00007d1000002026a0c62d25741005a9d3abf"
            + "6e36012022342300fc3596d4586940e24e0302968a9b343d82099e1041c0"
            + "14b9804001240001c80bbf354b4f800ba2d2fb6a0c62d28082ea71eff9c6"
            + "bb157b8e166644120d7f98f2525e738f6f41d7fdfac7d0d88aa39b1096fa"
            + "b3fb2a0a922a3b5feb91f9f522d0061f3b9ca7a46f7c7bd3ef9d3a84bc";

    /** The unsecured CAM inside GOLF8_WITH_CERTIFICATE (v2x.codec's PublishedVectorsTest decodes it). */
    static final String CAM_INSIDE = "02024ce0b89030bc005a9d422a0e35bba022442386da3596d4583be120a1"
            + "0302968acf33e781ff82103fe0141980";

    private final Ieee1609Dot2Codec codec = Ieee1609Dot2Codecs.create();

    @Test
    public void bothVectorsReEncodeByteForByte() throws Exception {
        for (String hex : new String[] {GOLF8_WITH_CERTIFICATE, GOLF8_BY_DIGEST}) {
            byte[] wire = HEX.parseHex(hex);
            // Oer.parse refuses anything whose re-encoding differs; say it here too
            Ieee1609Dot2Data d = OerIeee1609Dot2Codec.parseData(wire);
            assertEquals(hex, HEX.formatHex(Oer.encode(d, Oer.DATA)));
            assertTrue(codec.decode(wire).isOk());
        }
    }

    @Test
    public void golf8CamHasVanetzasHeaderSignerAndPayload() throws Exception {
        byte[] wire = HEX.parseHex(GOLF8_WITH_CERTIFICATE);
        SecuredData.Signed s = (SecuredData.Signed) codec.decode(wire).value();
        assertEquals(Psid.CAM, s.header().psid());
        Instant generated = ItsTime.fromTime64(s.header().generationTime());
        // the day Vanetza's test clock is set to (2019-11-21); TAI 13:27:59.447061 less 5 leap seconds
        assertEquals(Instant.parse("2019-11-21T13:27:54.447061Z"), generated);
        assertEquals(SignerKind.CERTIFICATE, s.signerKind());
        assertEquals(HashedId8.fromHex("127cff384ce0b890"), s.signerId());
        Certificate cert = OerIeee1609Dot2Codec.parseCertificate(s.signerCertificate(), "cert");
        assertEquals("AT issuer digest", HashedId8.fromHex("56dfd6d627a362dc"), HashedId8.of(
                org.bouncycastle.oer.its.ieee1609dot2.basetypes.HashedId8.getInstance(cert.getIssuer().getIssuerIdentifier())
                        .getHashBytes()));
        // payload: GeoNetworking common header (next header BTP-B) + SHB + BTP-B port 2001 + the CAM
        byte[] payload = s.payload();
        assertEquals(0x20, payload[0] & 0xF0);
        byte[] cam = HEX.parseHex(CAM_INSIDE);
        assertArrayEquals(cam, Arrays.copyOfRange(payload, payload.length - cam.length, payload.length));
        assertEquals("07d1", HEX.formatHex(payload, payload.length - cam.length - 4, payload.length - cam.length - 2));
    }

    @Test
    public void golf8SignatureVerifiesUnderItsTicket() throws Exception {
        byte[] wire = HEX.parseHex(GOLF8_WITH_CERTIFICATE);
        SecuredData.Signed s = (SecuredData.Signed) codec.decode(wire).value();
        // the signature itself, directly: e = SHA-256(SHA-256(tbsData) || SHA-256(AT)) (IEEE 1609.2 §5.3.1)
        SignedData sd = SignedData.getInstance(OerIeee1609Dot2Codec.parseData(wire).getContent().getIeee1609Dot2Content());
        Certificate at = OerIeee1609Dot2Codec.parseCertificate(s.signerCertificate(), "AT");
        var key = Ecdsa256.publicKey(org.bouncycastle.oer.its.ieee1609dot2.basetypes.EccP256CurvePoint.getInstance(
                org.bouncycastle.oer.its.ieee1609dot2.basetypes.PublicVerificationKey.getInstance(
                        at.getToBeSigned().getVerifyKeyIndicator().getVerificationKeyIndicator()).getPublicVerificationKey()));
        byte[] tbs = Oer.encode(sd.getTbsData(), Oer.TBS_DATA);
        assertTrue(Ecdsa256.verify(key, Ecdsa256.digest(tbs, s.signerCertificate()), sd.getSignature()));
        assertFalse(Ecdsa256.verify(key, Ecdsa256.digest(tbs, new byte[0]), sd.getSignature()));

        // through the verifier: the signature holds, the chain stops at the unknown authorization authority
        VerificationResult r = codec.verify(wire, new TrustStore());
        assertEquals(r.toString(), VerificationStatus.UNTRUSTED_CHAIN, r.status());
        assertTrue(r.detail(), r.detail().contains("issuer 56dfd6d627a362dc"));
        byte[] flipped = wire.clone();
        flipped[flipped.length - 5] ^= 0x10; // inside sSig
        assertEquals(VerificationStatus.BAD_SIGNATURE, codec.verify(flipped, new TrustStore()).status());
    }

    @Test
    public void digestSignedVectorNeedsItsCertificate() {
        byte[] wire = HEX.parseHex(GOLF8_BY_DIGEST);
        SecuredData.Signed s = (SecuredData.Signed) codec.decode(wire).value();
        assertEquals(SignerKind.DIGEST, s.signerKind());
        assertEquals(HashedId8.fromHex("0ba2d2fb6a0c62d2"), s.signerId());
        assertEquals(Psid.CAM, s.header().psid());
        VerificationResult r = codec.verify(wire, new TrustStore());
        assertEquals(r.toString(), VerificationStatus.UNKNOWN_SIGNER, r.status());
        // the other Golf's ticket is not this signer's: still unknown, never a false OK
        TrustStore store = new TrustStore();
        store.addCertificate(((SecuredData.Signed) codec.decode(HEX.parseHex(GOLF8_WITH_CERTIFICATE)).value()).signerCertificate());
        assertEquals(VerificationStatus.UNKNOWN_SIGNER, codec.verify(wire, store).status());
        assertNotEquals(s.signerId(), HashedId8.fromHex("127cff384ce0b890"));
    }

    @Test
    public void decodeResultOfTruncatedVectorIsTyped() {
        byte[] wire = HEX.parseHex(GOLF8_WITH_CERTIFICATE);
        DecodeResult<SecuredData> r = codec.decode(Arrays.copyOf(wire, 100));
        assertFalse(r.isOk());
        assertEquals(r.toString(), org.qkdv2i.v2x.codec.DecodeError.Kind.TRUNCATED, r.error().kind());
    }
}
