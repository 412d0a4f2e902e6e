package org.qkdv2i.v2x.codec.internal.security;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.time.Instant;

import org.junit.Test;
import org.qkdv2i.v2x.codec.DecodeError;
import org.qkdv2i.v2x.codec.internal.security.Oer.Failure;
import org.qkdv2i.v2x.codec.security.Psid;
import org.qkdv2i.v2x.codec.security.SignRequest;
import org.qkdv2i.v2x.codec.security.SignerKind;
import org.qkdv2i.v2x.codec.security.TrustStore;
import org.qkdv2i.v2x.codec.security.VerificationStatus;

/** Parsed certificates are reused by their octets only; failures are never kept; the bound holds. */
public class ParsedCertificatesTest {
    private final OerIeee1609Dot2Codec codec = new OerIeee1609Dot2Codec(new MessageVerdictMemo(true, 1024),
            new VerifierStatistics.Counters(), Ecdsa256::verify, new ParsedCertificates(2));
    private final TestPki pki = new TestPki(codec);

    @Test
    public void theSameOctetsGiveTheSameParsedCertificateOthersAreParsed() throws Failure {
        ParsedCertificates p = new ParsedCertificates();
        ParsedCertificates.Parsed a = p.parse(pki.ticket.certificate(), "ticket");
        assertSame(a, p.parse(pki.ticket.certificate().clone(), "ticket"));
        ParsedCertificates.Parsed b = p.parse(pki.authority.certificate(), "authority");
        assertNotSame(a, b);
        assertArrayEquals(Ecdsa256.sha256(pki.ticket.certificate()), a.sha256());
        assertEquals(2, p.size());
        byte[] bad = pki.ticket.certificate().clone();
        bad[bad.length - 40] ^= 1; // inside the signature: still parses, another certificate
        assertNotSame(a, p.parse(bad, "ticket"));
        byte[] cut = java.util.Arrays.copyOf(pki.ticket.certificate(), 20);
        for (int i = 0; i < 2; i++) {
            try {
                p.parse(cut, "cut");
                fail("a truncated certificate parsed");
            } catch (Failure f) {
                assertEquals(DecodeError.Kind.TRUNCATED, f.error.kind());
            }
        }
        assertEquals("failures are not kept", 3, p.size());
    }

    @Test
    public void theBoundHoldsAndVerificationStillJudgesEveryCertificate() throws Failure {
        ParsedCertificates p = new ParsedCertificates(2);
        p.parse(pki.root.certificate(), "root");
        p.parse(pki.authority.certificate(), "authority");
        p.parse(pki.ticket.certificate(), "ticket");
        assertTrue("size " + p.size(), p.size() <= 2);
        // the codec above keeps at most 2 of the 3 chain certificates: verification still works,
        // and a forged authority's ticket (other octets) is still judged on its own
        Instant t = TestPki.IN_VALIDITY;
        TrustStore trust = pki.trustStore();
        for (int i = 0; i < 5; i++) {
            byte[] wire = codec.sign(new SignRequest(Psid.CAM, SignedDataTest.CAM_PACKET, t.plusMillis(i), null,
                    SignerKind.CERTIFICATE), pki.ticket);
            assertEquals(VerificationStatus.OK, codec.verify(wire, trust).status());
        }
        TestPki other = new TestPki(codec);
        byte[] foreign = codec.sign(new SignRequest(Psid.CAM, SignedDataTest.CAM_PACKET, t, null,
                SignerKind.CERTIFICATE), other.ticket);
        assertEquals(VerificationStatus.UNTRUSTED_CHAIN, codec.verify(foreign, trust).status());
    }
}
