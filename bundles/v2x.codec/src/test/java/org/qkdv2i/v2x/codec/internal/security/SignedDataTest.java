package org.qkdv2i.v2x.codec.internal.security;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

import org.junit.Test;
import org.qkdv2i.v2x.codec.DecodeError;
import org.qkdv2i.v2x.codec.DecodeResult;
import org.qkdv2i.v2x.codec.security.GenerationLocation;
import org.qkdv2i.v2x.codec.security.HashedId8;
import org.qkdv2i.v2x.codec.security.Ieee1609Dot2Codec;
import org.qkdv2i.v2x.codec.security.Ieee1609Dot2Codecs;
import org.qkdv2i.v2x.codec.security.ItsTime;
import org.qkdv2i.v2x.codec.security.Psid;
import org.qkdv2i.v2x.codec.security.SecuredData;
import org.qkdv2i.v2x.codec.security.SignRequest;
import org.qkdv2i.v2x.codec.security.SignerKind;
import org.qkdv2i.v2x.codec.security.SigningCredential;
import org.qkdv2i.v2x.codec.security.TrustStore;
import org.qkdv2i.v2x.codec.security.VerificationResult;
import org.qkdv2i.v2x.codec.security.VerificationStatus;

/** Unsecured and signed data: exact encodings, round trips, and every verification outcome. */
public class SignedDataTest {
    static final HexFormat HEX = HexFormat.of();
    static final byte[] CAM_PACKET = HEX.parseHex("2050028000320100" + "0202" + "4ce0b890");
    static final GenerationLocation OSLO = new GenerationLocation(599_139_000, 107_522_000, 230);

    private final Ieee1609Dot2Codec codec = Ieee1609Dot2Codecs.create();
    private final TestPki pki = new TestPki(codec);

    private byte[] sign(long psid, Instant t, SignerKind kind, SigningCredential by) {
        return codec.sign(new SignRequest(psid, CAM_PACKET, t, psid == Psid.DENM ? OSLO : null, kind), by);
    }

    @Test
    public void unsecuredDataIsVersionChoiceLengthPayload() {
        byte[] wire = codec.encodeUnsecured(new byte[] {1, 2, 3});
        // protocolVersion 3, content [0] unsecuredData, Opaque length 3 (X.696 §8.6)
        assertEquals("03800301" + "0203", HEX.formatHex(wire));
        DecodeResult<SecuredData> r = codec.decode(wire);
        assertTrue(r.toString(), r.isOk());
        assertArrayEquals(new byte[] {1, 2, 3}, ((SecuredData.Unsecured) r.value()).payload());
        // a 200-octet payload takes the long length form 0x81 0xC8
        byte[] big = codec.encodeUnsecured(new byte[200]);
        assertEquals("038081c8", HEX.formatHex(big, 0, 4));
        assertEquals(200, ((SecuredData.Unsecured) codec.decode(big).value()).payload().length);
    }

    @Test
    public void signedCamDecodesToWhatWasSigned() {
        Instant t = Instant.parse("2026-11-03T12:00:00.123456Z");
        byte[] wire = sign(Psid.CAM, t, SignerKind.CERTIFICATE, pki.ticket);
        // protocolVersion 3, signedData [1], hashId sha256 (0), SignedDataPayload preamble (data present)
        assertEquals("03810040", HEX.formatHex(wire, 0, 4));
        SecuredData.Signed s = (SecuredData.Signed) codec.decode(wire).value();
        assertEquals(Psid.CAM, s.header().psid());
        assertEquals(ItsTime.time64(t), (long) s.header().generationTime());
        assertEquals(t, ItsTime.fromTime64(s.header().generationTime()));
        assertNull(s.header().generationLocation());
        assertArrayEquals(CAM_PACKET, s.payload());
        assertEquals(SignerKind.CERTIFICATE, s.signerKind());
        assertEquals(pki.ticket.id(), s.signerId());
        assertArrayEquals(pki.ticket.certificate(), s.signerCertificate());

        byte[] byDigest = sign(Psid.CAM, t, SignerKind.DIGEST, pki.ticket);
        SecuredData.Signed d = (SecuredData.Signed) codec.decode(byDigest).value();
        assertEquals(SignerKind.DIGEST, d.signerKind());
        assertEquals(pki.ticket.id(), d.signerId());
        assertNull(d.signerCertificate());
        // the digest form is the certificate form minus the certificate plus 8 octets
        assertEquals(byDigest.length, wire.length - pki.ticket.certificate().length - 2 + 8);
    }

    @Test
    public void denmCarriesItsGenerationLocation() {
        byte[] wire = sign(Psid.DENM, TestPki.IN_VALIDITY, SignerKind.CERTIFICATE, pki.ticket);
        SecuredData.Signed s = (SecuredData.Signed) codec.decode(wire).value();
        assertEquals(Psid.DENM, s.header().psid());
        assertEquals(OSLO, s.header().generationLocation());
        assertEquals(VerificationStatus.OK, codec.verify(wire, pki.trustStore()).status());
    }

    @Test
    public void itsTimeCountsTaiMicrosecondsSince2004() {
        assertEquals(0, ItsTime.time64(Instant.parse("2004-01-01T00:00:00Z")));
        // five leap seconds between 2004 and 2017 (IEEE 1609.2 §6.4.12 note: TAI)
        long utcSeconds = Instant.parse("2017-01-01T00:00:00Z").getEpochSecond() - ItsTime.EPOCH_UNIX_SECONDS;
        assertEquals((utcSeconds + 5) * 1_000_000L, ItsTime.time64(Instant.parse("2017-01-01T00:00:00Z")));
        assertEquals((utcSeconds - 1 + 4), ItsTime.time32(Instant.parse("2016-12-31T23:59:59Z")));
        for (String s : List.of("2005-06-01T10:00:00Z", "2012-06-30T23:59:59Z", "2012-07-01T00:00:00Z", "2026-11-27T10:00:00.5Z")) {
            Instant i = Instant.parse(s);
            assertEquals(s, i, ItsTime.fromTime64(ItsTime.time64(i)));
            assertEquals(s, i.getEpochSecond(), ItsTime.fromTime32(ItsTime.time32(i)).getEpochSecond());
        }
    }

    @Test
    public void certificatesAreCanonicalCoerAndNameTheirIssuer() throws Exception {
        for (SigningCredential c : List.of(pki.root, pki.authority, pki.ticket)) {
            var cert = OerIeee1609Dot2Codec.parseCertificate(c.certificate(), "certificate"); // canonical or it throws
            assertEquals(3, cert.getVersion().getValue().intValue());
        }
        assertTrue(OerIeee1609Dot2Codec.parseCertificate(pki.root.certificate(), "root").getIssuer().isSelf());
        var ticket = OerIeee1609Dot2Codec.parseCertificate(pki.ticket.certificate(), "ticket");
        assertEquals(pki.authority.id(), HashedId8.of(org.bouncycastle.oer.its.ieee1609dot2.basetypes.HashedId8
                .getInstance(ticket.getIssuer().getIssuerIdentifier()).getHashBytes()));
        // ETSI TS 103 097 §7.2.1: an authorization ticket is anonymous (id none)
        assertEquals(org.bouncycastle.oer.its.ieee1609dot2.CertificateId.none, ticket.getToBeSigned().getId().getChoice());
    }

    @Test
    public void verifiesAlongTheChainAndLearnsTheTicket() {
        TrustStore trust = pki.trustStore();
        byte[] byDigest = sign(Psid.CAM, TestPki.IN_VALIDITY, SignerKind.DIGEST, pki.ticket);
        VerificationResult unknown = codec.verify(byDigest, trust);
        assertEquals(unknown.toString(), VerificationStatus.UNKNOWN_SIGNER, unknown.status());

        VerificationResult ok = codec.verify(sign(Psid.CAM, TestPki.IN_VALIDITY, SignerKind.CERTIFICATE, pki.ticket), trust);
        assertEquals(ok.toString(), VerificationStatus.OK, ok.status());
        assertArrayEquals(CAM_PACKET, ok.message().payload());
        // the ticket was learnt: the next CAM may name it by digest (ETSI TS 103 097 §7.1.1)
        assertEquals(VerificationStatus.OK, codec.verify(byDigest, trust).status());
    }

    @Test
    public void signatureOverAnyChangedOctetFails() {
        byte[] wire = sign(Psid.CAM, TestPki.IN_VALIDITY, SignerKind.CERTIFICATE, pki.ticket);
        byte[] payload = wire.clone();
        payload[12] ^= 0x01; // inside the CAM packet
        assertEquals(VerificationStatus.BAD_SIGNATURE, codec.verify(payload, pki.trustStore()).status());
        byte[] sig = wire.clone();
        sig[sig.length - 1] ^= 0x01; // last octet of sSig
        assertEquals(VerificationStatus.BAD_SIGNATURE, codec.verify(sig, pki.trustStore()).status());
    }

    @Test
    public void aTicketFromAnotherKeyFailsItsCertificateSignature() {
        // claims the authority as issuer but is signed with another key; the genuine chain was
        // verified first, so the codec's memo of certificate signatures must not vouch for it
        assertEquals(VerificationStatus.OK, codec.verify(sign(Psid.CAM, TestPki.IN_VALIDITY, SignerKind.CERTIFICATE,
                pki.ticket), pki.trustStore()).status());
        TestPki other = new TestPki(codec);
        SigningCredential forgedAuthority = new SigningCredential(pki.authority.certificate(), other.authority.privateKey());
        var t = TestPki.keyPair();
        SigningCredential forged = new SigningCredential(codec.issueCertificate(
                org.qkdv2i.v2x.codec.security.CertificateTemplate.ticket(TestPki.START, 168, List.of(Psid.CAM),
                        (java.security.interfaces.ECPublicKey) t.getPublic()), forgedAuthority),
                (java.security.interfaces.ECPrivateKey) t.getPrivate());
        VerificationResult r = codec.verify(sign(Psid.CAM, TestPki.IN_VALIDITY, SignerKind.CERTIFICATE, forged), pki.trustStore());
        assertEquals(r.toString(), VerificationStatus.BAD_CERTIFICATE_SIGNATURE, r.status());
    }

    @Test
    public void untrustedRootOrUnknownAuthorityIsUntrustedChain() {
        byte[] wire = sign(Psid.CAM, TestPki.IN_VALIDITY, SignerKind.CERTIFICATE, pki.ticket);
        assertEquals(VerificationStatus.OK, codec.verify(wire, pki.trustStore()).status()); // memo filled
        TrustStore noRoot = new TrustStore();
        noRoot.addCertificate(pki.authority.certificate());
        noRoot.addCertificate(pki.root.certificate()); // known, but not trusted
        VerificationResult r = codec.verify(wire, noRoot);
        assertEquals(r.toString(), VerificationStatus.UNTRUSTED_CHAIN, r.status());
        TrustStore noAuthority = new TrustStore();
        noAuthority.addRoot(pki.root.certificate());
        r = codec.verify(wire, noAuthority);
        assertEquals(r.toString(), VerificationStatus.UNTRUSTED_CHAIN, r.status());
        assertTrue(r.detail(), r.detail().contains(pki.authority.id().toString()));
        // another PKI's root does not help
        assertEquals(VerificationStatus.UNTRUSTED_CHAIN, codec.verify(wire, new TestPki(codec).trustStore()).status());
    }

    @Test
    public void messagesOutsideTheTicketsValidityAreExpiredCert() {
        Instant afterWeek = TestPki.START.plusSeconds(168 * 3600 + 60);
        VerificationResult r = codec.verify(sign(Psid.CAM, afterWeek, SignerKind.CERTIFICATE, pki.ticket), pki.trustStore());
        assertEquals(r.toString(), VerificationStatus.EXPIRED_CERT, r.status());
        Instant before = TestPki.START.minusSeconds(60);
        assertEquals(VerificationStatus.EXPIRED_CERT,
                codec.verify(sign(Psid.CAM, before, SignerKind.CERTIFICATE, pki.ticket), pki.trustStore()).status());
        // the last second of the week is still inside
        Instant last = TestPki.START.plusSeconds(168 * 3600 - 1);
        assertEquals(VerificationStatus.OK,
                codec.verify(sign(Psid.CAM, last, SignerKind.CERTIFICATE, pki.ticket), pki.trustStore()).status());
    }

    @Test
    public void psidOutsideThePermissionsIsRefused() {
        // a ticket for CAM only signs a BSM
        TestPki camOnly = new TestPki(codec, List.of(Psid.CAM, Psid.DENM), List.of(Psid.CAM));
        VerificationResult r = codec.verify(sign(Psid.BSM, TestPki.IN_VALIDITY, SignerKind.CERTIFICATE, camOnly.ticket),
                camOnly.trustStore());
        assertEquals(r.toString(), VerificationStatus.PSID_NOT_PERMITTED, r.status());
        // an authority that may issue CAM tickets only, issued one for DENM too
        TestPki issuesCam = new TestPki(codec, List.of(Psid.CAM), List.of(Psid.CAM, Psid.DENM));
        assertEquals(VerificationStatus.OK, codec.verify(sign(Psid.CAM, TestPki.IN_VALIDITY, SignerKind.CERTIFICATE,
                issuesCam.ticket), issuesCam.trustStore()).status());
        r = codec.verify(sign(Psid.DENM, TestPki.IN_VALIDITY, SignerKind.CERTIFICATE, issuesCam.ticket), issuesCam.trustStore());
        assertEquals(r.toString(), VerificationStatus.PSID_NOT_PERMITTED, r.status());
        assertTrue(r.detail(), r.detail().contains("certIssuePermissions"));
    }

    @Test
    public void staleOrFutureGenerationTimeIsRefusedBeforeAnySignatureWork() {
        byte[] wire = sign(Psid.CAM, TestPki.IN_VALIDITY, SignerKind.CERTIFICATE, pki.ticket);
        java.time.Duration maxAge = java.time.Duration.ofSeconds(2);
        assertEquals(VerificationStatus.OK,
                codec.verify(wire, pki.trustStore(), TestPki.IN_VALIDITY.plusMillis(1500), maxAge).status());
        VerificationResult old = codec.verify(wire, pki.trustStore(), TestPki.IN_VALIDITY.plusSeconds(3), maxAge);
        assertEquals(old.toString(), VerificationStatus.STALE, old.status());
        assertEquals(VerificationStatus.STALE,
                codec.verify(wire, pki.trustStore(), TestPki.IN_VALIDITY.minusSeconds(3), maxAge).status());
        // staleness is judged first, so even a broken signature reports STALE, not BAD_SIGNATURE
        byte[] broken = wire.clone();
        broken[broken.length - 1] ^= 1;
        assertEquals(VerificationStatus.STALE,
                codec.verify(broken, pki.trustStore(), TestPki.IN_VALIDITY.plusSeconds(3), maxAge).status());
        assertEquals(VerificationStatus.BAD_SIGNATURE,
                codec.verify(broken, pki.trustStore(), TestPki.IN_VALIDITY, maxAge).status());
    }

    @Test
    public void headersTheProfileForbidsAreInvalidHeader() {
        // correctly signed, but without generationTime (ETSI TS 103 097 §5.2 requires it)
        var noTime = new org.bouncycastle.oer.its.ieee1609dot2.HeaderInfo(
                new org.bouncycastle.oer.its.ieee1609dot2.basetypes.Psid(Psid.CAM), null, null, null, null, null, null,
                null, null, null, null);
        VerificationResult r = codec.verify(OerIeee1609Dot2Codec.sign(noTime, CAM_PACKET, SignerKind.CERTIFICATE,
                pki.ticket), pki.trustStore());
        assertEquals(r.toString(), VerificationStatus.INVALID_HEADER, r.status());
        // a DENM without generationLocation (§7.1.2)
        var denmNoLocation = new org.bouncycastle.oer.its.ieee1609dot2.HeaderInfo(
                new org.bouncycastle.oer.its.ieee1609dot2.basetypes.Psid(Psid.DENM),
                new org.bouncycastle.oer.its.ieee1609dot2.basetypes.Time64(ItsTime.time64(TestPki.IN_VALIDITY)), null,
                null, null, null, null, null, null, null, null);
        r = codec.verify(OerIeee1609Dot2Codec.sign(denmNoLocation, CAM_PACKET, SignerKind.CERTIFICATE, pki.ticket),
                pki.trustStore());
        assertEquals(r.toString(), VerificationStatus.INVALID_HEADER, r.status());
        assertTrue(r.detail(), r.detail().contains("generationLocation"));
    }

    @Test
    public void unsignedAndBrokenInputsHaveTheirOwnStatus() {
        assertEquals(VerificationStatus.NOT_SIGNED, codec.verify(codec.encodeUnsecured(CAM_PACKET), pki.trustStore()).status());
        assertEquals(VerificationStatus.MALFORMED, codec.verify(new byte[] {3, (byte) 0x81}, pki.trustStore()).status());
        assertEquals(VerificationStatus.MALFORMED, codec.verify(null, pki.trustStore()).status());
        // protocol version 2 (the TS 103 097 v1.2.1 format) is another format
        byte[] v2 = codec.encodeUnsecured(CAM_PACKET);
        v2[0] = 2;
        DecodeResult<SecuredData> d = codec.decode(v2);
        assertEquals(DecodeError.Kind.UNEXPECTED_MESSAGE, d.error().kind());
        assertEquals(VerificationStatus.UNSUPPORTED, codec.verify(v2, pki.trustStore()).status());
    }

    @Test
    public void nonCanonicalLengthIsMalformed() {
        // Opaque length 3 written in the long form 0x81 0x03: BER would take it, COER does not (X.696 §8.6.4)
        DecodeResult<SecuredData> r = codec.decode(HEX.parseHex("0380810301" + "0203"));
        assertFalse(r.isOk());
        assertEquals(r.toString(), DecodeError.Kind.MALFORMED, r.error().kind());
    }
}
