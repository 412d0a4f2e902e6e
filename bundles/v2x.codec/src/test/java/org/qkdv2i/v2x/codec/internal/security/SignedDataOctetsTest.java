package org.qkdv2i.v2x.codec.internal.security;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

import org.bouncycastle.oer.its.ieee1609dot2.Certificate;
import org.bouncycastle.oer.its.ieee1609dot2.HeaderInfo;
import org.bouncycastle.oer.its.ieee1609dot2.Ieee1609Dot2Content;
import org.bouncycastle.oer.its.ieee1609dot2.Ieee1609Dot2Data;
import org.bouncycastle.oer.its.ieee1609dot2.Opaque;
import org.bouncycastle.oer.its.ieee1609dot2.SequenceOfCertificate;
import org.bouncycastle.oer.its.ieee1609dot2.SignedData;
import org.bouncycastle.oer.its.ieee1609dot2.SignedDataPayload;
import org.bouncycastle.oer.its.ieee1609dot2.SignerIdentifier;
import org.bouncycastle.oer.its.ieee1609dot2.ToBeSignedData;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.EccP256CurvePoint;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.EcdsaP256Signature;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.Elevation;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.HashAlgorithm;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.HashedId3;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.Latitude;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.Longitude;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.Point256;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.Signature;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.ThreeDLocation;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.Time64;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.UINT8;
import org.bouncycastle.asn1.DEROctetString;
import org.junit.Test;
import org.qkdv2i.v2x.codec.internal.security.Oer.Failure;
import org.qkdv2i.v2x.codec.security.GenerationLocation;
import org.qkdv2i.v2x.codec.security.HashedId8;
import org.qkdv2i.v2x.codec.security.ItsTime;
import org.qkdv2i.v2x.codec.security.Psid;
import org.qkdv2i.v2x.codec.security.SecuredData;
import org.qkdv2i.v2x.codec.security.SignRequest;
import org.qkdv2i.v2x.codec.security.SignerKind;
import org.qkdv2i.v2x.codec.security.SigningCredential;
import org.qkdv2i.v2x.codec.security.TrustStore;
import org.qkdv2i.v2x.codec.security.VerificationStatus;

/**
 * Session 9 (CPU per message): the signer assembles its output from the ToBeSignedData octets it
 * hashed, and the verifier hashes the ToBeSignedData slice of the input instead of a re-encoding.
 * Both must be octet for octet what Bouncy Castle's encoding of the whole structure gives; here
 * they are compared for many messages of every shape the codec emits or accepts.
 */
public class SignedDataOctetsTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final GenerationLocation OSLO = new GenerationLocation(599_139_000, 107_522_000, 230);

    private final OerIeee1609Dot2Codec codec = new OerIeee1609Dot2Codec();
    private final TestPki pki = new TestPki(codec);

    /** The signer's former algorithm: BC encodes the whole Ieee1609Dot2Data, ToBeSignedData included. */
    static byte[] wholeByBc(HeaderInfo header, byte[] payload, SignerKind kind, SigningCredential signer)
            throws Failure {
        byte[] certBytes = signer.certificate();
        Certificate cert = OerIeee1609Dot2Codec.parseCertificate(certBytes, "signer certificate");
        ToBeSignedData tbs = new ToBeSignedData(new SignedDataPayload(new Ieee1609Dot2Data(
                new UINT8(OerIeee1609Dot2Codec.PROTOCOL_VERSION), Ieee1609Dot2Content.unsecuredData(new Opaque(payload))),
                null), header);
        byte[] tbsBytes = Oer.encode(tbs, Oer.TBS_DATA);
        Signature signature = Ecdsa256.sign(Ecdsa256.privateKey(signer.privateKey()), Ecdsa256.digest(tbsBytes, certBytes));
        SignerIdentifier signerId = kind == SignerKind.DIGEST
                ? SignerIdentifier.digest(new org.bouncycastle.oer.its.ieee1609dot2.basetypes.HashedId8(
                        HashedId8.ofCertificate(certBytes).toBytes()))
                : SignerIdentifier.certificate(new SequenceOfCertificate(List.of(cert)));
        return whole(tbs, signerId, signature);
    }

    private static byte[] whole(ToBeSignedData tbs, SignerIdentifier signerId, Signature signature) {
        SignedData sd = new SignedData(HashAlgorithm.sha256, tbs, signerId, signature);
        return Oer.encode(new Ieee1609Dot2Data(new UINT8(OerIeee1609Dot2Codec.PROTOCOL_VERSION),
                Ieee1609Dot2Content.signedData(sd)), Oer.DATA);
    }

    /** Headers of every shape: psid sizes, with and without time, location and other optional fields. */
    private static List<HeaderInfo> headers(SplittableRandom rnd, int n) {
        List<HeaderInfo> out = new ArrayList<>();
        long[] psids = {Psid.CAM, Psid.DENM, 0, 127, 128, 0x3FFF, 0x4000, 0x20_0000, 0xE000_0000L};
        for (int i = 0; i < n; i++) {
            long psid = psids[i % psids.length];
            Time64 time = i % 7 == 3 ? null : new Time64(ItsTime.time64(TestPki.IN_VALIDITY.plusMillis(rnd.nextInt(1 << 20))));
            ThreeDLocation loc = i % 2 == 0 ? null : new ThreeDLocation(new Latitude(rnd.nextInt(-900_000_000, 900_000_000)),
                    new Longitude(rnd.nextInt(-1_799_999_999, 1_800_000_000)), new Elevation(rnd.nextInt(0, 65536)));
            Time64 expiry = i % 5 == 1 ? new Time64(ItsTime.time64(TestPki.IN_VALIDITY.plusSeconds(60))) : null;
            HashedId3 p2pcd = i % 6 == 2 ? new HashedId3(new byte[] {1, 2, 3}) : null;
            out.add(new HeaderInfo(new org.bouncycastle.oer.its.ieee1609dot2.basetypes.Psid(psid), time, expiry, loc,
                    p2pcd, null, null, null, null, null, null));
        }
        return out;
    }

    /** Payload lengths across the COER length forms: short, 0x81 nn, 0x82 nnnn. */
    private static byte[] payload(SplittableRandom rnd, int i) {
        int[] lengths = {0, 1, 12, 127, 128, 255, 256, 300, 1400};
        byte[] p = new byte[lengths[i % lengths.length] + (i % 3 == 0 ? 0 : rnd.nextInt(8))];
        rnd.nextBytes(p);
        return p;
    }

    @Test
    public void signedOutputIsOctetIdenticalToBcsEncodingOfTheWhole() throws Exception {
        SplittableRandom rnd = new SplittableRandom(20261127);
        List<HeaderInfo> headers = headers(rnd, 90);
        int n = 0;
        for (int i = 0; i < headers.size(); i++) {
            for (SignerKind kind : new SignerKind[] {SignerKind.DIGEST, SignerKind.CERTIFICATE}) {
                byte[] payload = payload(rnd, i);
                byte[] expected = wholeByBc(headers.get(i), payload, kind, pki.ticket);
                byte[] viaCodec = OerIeee1609Dot2Codec.sign(headers.get(i), payload, kind, pki.ticket);
                assertEquals("message " + i + " " + kind, HEX.formatHex(expected), HEX.formatHex(viaCodec));
                n++;
            }
        }
        assertEquals(180, n);
    }

    @Test
    public void theServiceSignOfCamDenmAndOpaquePayloadsIsOctetIdentical() throws Exception {
        SplittableRandom rnd = new SplittableRandom(7);
        Instant t = Instant.parse("2026-11-03T12:00:00.123456Z");
        TrustStore trust = pki.trustStore();
        trust.addCertificate(pki.ticket.certificate()); // digest-signed messages name it
        int n = 0;
        for (int i = 0; i < 60; i++) {
            long psid = i % 3 == 0 ? Psid.CAM : i % 3 == 1 ? Psid.DENM : 0x8_0000L + i;
            byte[] payload = i % 3 == 0 ? SignedDataTest.CAM_PACKET : payload(rnd, i);
            GenerationLocation loc = psid == Psid.DENM || i % 4 == 0 ? OSLO : null;
            Instant ti = t.plusMillis(100L * i);
            for (SignerKind kind : new SignerKind[] {SignerKind.DIGEST, SignerKind.CERTIFICATE}) {
                byte[] wire = codec.sign(new SignRequest(psid, payload, ti, loc, kind), pki.ticket);
                // the header sign(SignRequest, …) builds, by BC in full
                HeaderInfo h = new HeaderInfo(new org.bouncycastle.oer.its.ieee1609dot2.basetypes.Psid(psid),
                        new Time64(ItsTime.time64(ti)), null, loc == null ? null : new ThreeDLocation(
                                new Latitude(loc.latitude()), new Longitude(loc.longitude()), new Elevation(loc.elevation())),
                        null, null, null, null, null, null, null);
                assertArrayEquals("message " + i + " " + kind, wholeByBc(h, payload, kind, pki.ticket), wire);
                if (psid != 0x8_0000L + i) {
                    assertEquals(VerificationStatus.OK, codec.verify(wire, trust, ti, java.time.Duration.ofSeconds(1))
                            .status());
                }
                n++;
            }
        }
        assertEquals(120, n);
    }

    /** The verifier's ToBeSignedData octets against BC's re-encoding of the parsed tbsData. */
    private static void assertSliceIsTheReEncoding(byte[] wire, String what) throws Failure {
        SignedData sd = SignedData.getInstance(OerIeee1609Dot2Codec.parseData(wire).getContent().getIeee1609Dot2Content());
        SecuredData.Signed m = OerIeee1609Dot2Codec.signed(sd);
        byte[] reEncoded = Oer.encode(sd.getTbsData(), Oer.TBS_DATA);
        int signerLength = m.signerKind() == SignerKind.CERTIFICATE ? 3 + m.signerCertificate().length : 9;
        byte[] slice = Oer.tbsDataSlice(wire, signerLength, sd.getSignature());
        assertNotNull(what + ": the slice, not the fallback", slice);
        assertEquals(what, HEX.formatHex(reEncoded), HEX.formatHex(slice));
        assertArrayEquals(what, reEncoded, Verifier.tbsData(m, sd, wire));
    }

    @Test
    public void verifiersSliceEqualsTheReEncodingForManyMessages() throws Exception {
        SplittableRandom rnd = new SplittableRandom(42);
        List<HeaderInfo> headers = headers(rnd, 60);
        for (int i = 0; i < headers.size(); i++) {
            for (SignerKind kind : new SignerKind[] {SignerKind.DIGEST, SignerKind.CERTIFICATE}) {
                assertSliceIsTheReEncoding(OerIeee1609Dot2Codec.sign(headers.get(i), payload(rnd, i), kind, pki.ticket),
                        "message " + i + " " + kind);
            }
        }
        // published messages of another implementation (Vanetza): rSig compressed, certificate and digest signer
        assertSliceIsTheReEncoding(HEX.parseHex(VanetzaVectorsTest.GOLF8_WITH_CERTIFICATE), "Vanetza certificate");
        assertSliceIsTheReEncoding(HEX.parseHex(VanetzaVectorsTest.GOLF8_BY_DIGEST), "Vanetza digest");
    }

    @Test
    public void sliceFollowsEveryRSigFormOfTheSignature() throws Exception {
        byte[] x = new byte[32];
        byte[] y = new byte[32];
        byte[] s = new byte[32];
        new SplittableRandom(3).nextBytes(x);
        new SplittableRandom(4).nextBytes(y);
        new SplittableRandom(5).nextBytes(s);
        EccP256CurvePoint[] forms = {EccP256CurvePoint.xOnly(x), EccP256CurvePoint.compressedY0(x),
                EccP256CurvePoint.compressedY1(x), EccP256CurvePoint.uncompressedP256(new Point256(
                        new DEROctetString(x), new DEROctetString(y))), EccP256CurvePoint.fill()};
        SplittableRandom rnd = new SplittableRandom(9);
        List<HeaderInfo> headers = headers(rnd, 10);
        Certificate ticket = OerIeee1609Dot2Codec.parseCertificate(pki.ticket.certificate(), "ticket");
        int n = 0;
        for (EccP256CurvePoint rSig : forms) {
            Signature sig = Signature.ecdsaNistP256Signature(new EcdsaP256Signature(rSig, new DEROctetString(s)));
            byte[] bc = Oer.encode(sig, Oer.SIGNATURE);
            assertArrayEquals("rSig " + rSig.getChoice(), bc, Oer.signatureOctets(sig));
            assertEquals("rSig " + rSig.getChoice(), bc.length, Oer.signatureLength(sig));
            for (HeaderInfo h : headers) {
                ToBeSignedData tbs = new ToBeSignedData(new SignedDataPayload(new Ieee1609Dot2Data(new UINT8(3),
                        Ieee1609Dot2Content.unsecuredData(new Opaque(payload(rnd, n)))), null), h);
                assertSliceIsTheReEncoding(whole(tbs, SignerIdentifier.certificate(new SequenceOfCertificate(
                        List.of(ticket))), sig), "rSig " + rSig.getChoice() + " certificate");
                assertSliceIsTheReEncoding(whole(tbs, SignerIdentifier.digest(
                        new org.bouncycastle.oer.its.ieee1609dot2.basetypes.HashedId8(pki.ticket.id().toBytes())), sig),
                        "rSig " + rSig.getChoice() + " digest");
                n++;
            }
        }
        assertEquals(50, n);
        // the digest signer written directly is BC's encoding of it
        byte[] id = pki.ticket.id().toBytes();
        var digest = SignerIdentifier.digest(new org.bouncycastle.oer.its.ieee1609dot2.basetypes.HashedId8(id));
        Oer.SignerIdentifierOctets direct = Oer.SignerIdentifierOctets.digest(id);
        assertArrayEquals(Oer.encode(digest, Oer.SIGNER), direct.encoded());
        assertEquals(9, direct.length());
    }

    /**
     * Every single-octet change of a signed message: where it still parses as signed data, the
     * slice is the re-encoding (so the verdict is what hashing the re-encoding gave), and no
     * change verifies.
     */
    @Test
    public void everyTamperedOctetStillGivesTheSameOctetsToHashAndNeverVerifies() throws Exception {
        TrustStore trust = pki.trustStore();
        trust.addCertificate(pki.ticket.certificate());
        int parsedSigned = 0;
        for (SignerKind kind : new SignerKind[] {SignerKind.DIGEST, SignerKind.CERTIFICATE}) {
            byte[] wire = codec.sign(new SignRequest(Psid.DENM, SignedDataTest.CAM_PACKET, TestPki.IN_VALIDITY, OSLO,
                    kind), pki.ticket);
            assertEquals(VerificationStatus.OK, codec.verify(wire, trust).status());
            for (int i = 0; i < wire.length; i++) {
                for (int bit : new int[] {0x01, 0x80}) {
                    byte[] t = wire.clone();
                    t[i] ^= (byte) bit;
                    assertNotEquals("octet " + i + " bit " + bit + " " + kind, VerificationStatus.OK,
                            codec.verify(t, trust).status());
                    try {
                        Ieee1609Dot2Data d = OerIeee1609Dot2Codec.parseData(t);
                        if (d.getContent().getChoice() != Ieee1609Dot2Content.signedData) {
                            continue;
                        }
                        SignedData sd = SignedData.getInstance(d.getContent().getIeee1609Dot2Content());
                        SecuredData.Signed m = OerIeee1609Dot2Codec.signed(sd);
                        if (m.signerKind() == SignerKind.SELF) {
                            continue;
                        }
                        assertArrayEquals("octet " + i + " bit " + bit + " " + kind,
                                Oer.encode(sd.getTbsData(), Oer.TBS_DATA), Verifier.tbsData(m, sd, t));
                        parsedSigned++;
                    } catch (Failure | RuntimeException e) {
                        // refused before any hashing (the verifier's MALFORMED/UNSUPPORTED): nothing to compare
                    }
                }
            }
        }
        assertTrue("some tampered messages still parse as signed data: " + parsedSigned, parsedSigned > 100);
    }
}
