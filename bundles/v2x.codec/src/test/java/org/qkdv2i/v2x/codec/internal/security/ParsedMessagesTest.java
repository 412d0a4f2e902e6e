package org.qkdv2i.v2x.codec.internal.security;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Test;
import org.qkdv2i.v2x.codec.security.Psid;
import org.qkdv2i.v2x.codec.security.SecuredData;
import org.qkdv2i.v2x.codec.security.SignRequest;
import org.qkdv2i.v2x.codec.security.SignerKind;
import org.qkdv2i.v2x.codec.security.TrustStore;
import org.qkdv2i.v2x.codec.security.VerificationResult;
import org.qkdv2i.v2x.codec.security.VerificationStatus;

/**
 * Session 9 (CODEC2): parsed signed messages shared by the codecs of one {@link SharedVerification},
 * keyed by the full SHA-256 of the received octets. Parses are counted by the shared counters
 * ({@link VerifierStatistics#messageParses()}), and every verdict is compared with that of a codec
 * sharing nothing.
 */
public class ParsedMessagesTest {
    private static final Duration MAX_AGE = Duration.ofSeconds(2);
    private static final Instant T = TestPki.IN_VALIDITY;

    private final ExecutorService pool = Executors.newFixedThreadPool(2);

    @After
    public void stop() {
        pool.shutdownNow();
    }

    private static byte[] sign(OerIeee1609Dot2Codec codec, TestPki pki, long psid, SignerKind kind, int i) {
        return codec.sign(new SignRequest(psid, SignedDataTest.CAM_PACKET, T.plusMillis(i),
                psid == Psid.DENM ? SignedDataTest.OSLO : null, kind), pki.ticket);
    }

    /** A receiver's store that already knows the ticket (digest-signed messages name it). */
    private static TrustStore knowing(TestPki pki) {
        TrustStore s = pki.trustStore();
        s.addCertificate(pki.ticket.certificate());
        return s;
    }

    /** The verdict of a codec that shares nothing with anyone (a fresh parse of the octets). */
    private static VerificationResult alone(byte[] wire, TestPki pki) {
        return new OerIeee1609Dot2Codec().verify(wire, knowing(pki), T, MAX_AGE);
    }

    private static void assertSameResult(VerificationResult expected, VerificationResult actual) {
        assertEquals(actual.toString(), expected.status(), actual.status());
        assertEquals(expected.detail(), actual.detail());
        SecuredData.Signed e = expected.message();
        SecuredData.Signed a = actual.message();
        if (e == null) {
            assertNull(a);
            return;
        }
        assertNotNull(actual.toString(), a);
        assertEquals(e.header(), a.header());
        assertArrayEquals(e.payload(), a.payload());
        assertEquals(e.signerKind(), a.signerKind());
        assertEquals(e.signerId(), a.signerId());
        assertArrayEquals(e.signerCertificate(), a.signerCertificate());
    }

    @Test
    public void twoReceiversOfTheSameOctetsParseOnceAndGetTheirOwnArrays() {
        SharedVerification shared = new SharedVerification();
        OerIeee1609Dot2Codec a = shared.newCodec();
        OerIeee1609Dot2Codec b = shared.newCodec();
        TestPki pki = new TestPki(a);
        TrustStore trustA = knowing(pki);
        TrustStore trustB = knowing(pki);
        for (SignerKind kind : List.of(SignerKind.CERTIFICATE, SignerKind.DIGEST)) {
            byte[] wire = sign(a, pki, Psid.CAM, kind, 1);
            long parses = shared.statistics().messageParses();
            long hits = shared.statistics().parsedMessageHits();
            VerificationResult ra = a.verify(wire, trustA, T, MAX_AGE);
            VerificationResult rb = b.verify(wire, trustB, T, MAX_AGE);
            assertEquals(ra.toString(), VerificationStatus.OK, ra.status());
            assertSameResult(alone(wire, pki), ra);
            assertSameResult(ra, rb);
            assertEquals("one parse for two receivers (" + kind + ")", parses + 1, shared.statistics().messageParses());
            assertEquals(hits + 1, shared.statistics().parsedMessageHits());
            // each receiver owns its arrays: one that scribbles on its payload touches nobody else's
            assertNotSame(ra.message().payload(), rb.message().payload());
            Arrays.fill(ra.message().payload(), (byte) 0);
            if (kind == SignerKind.CERTIFICATE) {
                assertNotSame(ra.message().signerCertificate(), rb.message().signerCertificate());
                Arrays.fill(ra.message().signerCertificate(), (byte) 0);
            }
            VerificationResult again = b.verify(wire, knowing(pki), T, MAX_AGE);
            assertEquals(VerificationStatus.OK, again.status());
            assertArrayEquals(SignedDataTest.CAM_PACKET, again.message().payload());
            assertSameResult(alone(wire, pki), again);
            assertEquals(parses + 1, shared.statistics().messageParses());
        }
        // per receiver stays per receiver: a stale receiver time is judged by each, whatever was shared
        byte[] wire = sign(a, pki, Psid.CAM, SignerKind.CERTIFICATE, 2);
        assertEquals(VerificationStatus.OK, a.verify(wire, trustA, T, MAX_AGE).status());
        assertEquals(VerificationStatus.STALE, b.verify(wire, trustB, T.plusSeconds(60), MAX_AGE).status());
        TrustStore stranger = new TestPki(new OerIeee1609Dot2Codec()).trustStore();
        assertEquals(VerificationStatus.UNTRUSTED_CHAIN, b.verify(wire, stranger, T, MAX_AGE).status());
        assertTrue(shared.statistics().logLine(), shared.statistics().logLine().contains("parsed messages shared"));
    }

    @Test
    public void aOneBitDifferentInputIsParsedOnItsOwnAndRefusedAsBefore() {
        SharedVerification shared = new SharedVerification();
        OerIeee1609Dot2Codec a = shared.newCodec();
        OerIeee1609Dot2Codec b = shared.newCodec();
        TestPki pki = new TestPki(a);
        for (SignerKind kind : List.of(SignerKind.CERTIFICATE, SignerKind.DIGEST)) {
            byte[] wire = sign(a, pki, Psid.DENM, kind, 3);
            assertEquals(VerificationStatus.OK, a.verify(wire, knowing(pki), T, MAX_AGE).status());
            int refused = 0;
            for (int at : new int[] {wire.length - 1, wire.length - 40, wire.length / 2, 12}) {
                byte[] tampered = wire.clone();
                tampered[at] ^= 1;
                long parses = shared.statistics().messageParses();
                VerificationResult r = b.verify(tampered, knowing(pki), T, MAX_AGE);
                assertEquals("parsed on its own (octet " + at + ")", parses + 1, shared.statistics().messageParses());
                assertSameResult(alone(tampered, pki), r);
                refused += r.isOk() ? 0 : 1;
                // and the original is still the original
                assertEquals(VerificationStatus.OK, b.verify(wire, knowing(pki), T, MAX_AGE).status());
            }
            assertEquals("every tamper refused (" + kind + ")", 4, refused);
        }
    }

    @Test
    public void aMalformedOrUnsignedInputIsNeverStored() {
        SharedVerification shared = new SharedVerification();
        OerIeee1609Dot2Codec a = shared.newCodec();
        OerIeee1609Dot2Codec b = shared.newCodec();
        TestPki pki = new TestPki(a);
        byte[] wire = sign(a, pki, Psid.CAM, SignerKind.CERTIFICATE, 4);
        List<byte[]> bad = new ArrayList<>();
        bad.add(Arrays.copyOf(wire, wire.length - 1)); // truncated
        bad.add(Arrays.copyOf(wire, wire.length + 1)); // trailing octet
        byte[] version = wire.clone();
        version[0] = 2; // another protocol version
        bad.add(version);
        bad.add(a.encodeUnsecured(SignedDataTest.CAM_PACKET)); // canonical but not signed
        bad.add(new byte[] {3, (byte) 0x81});
        for (byte[] input : bad) {
            int size = shared.messages().size();
            long parses = shared.statistics().messageParses();
            VerificationResult first = a.verify(input, knowing(pki), T, MAX_AGE);
            VerificationResult second = b.verify(input, knowing(pki), T, MAX_AGE);
            assertTrue(first.toString(), !first.isOk());
            assertSameResult(alone(input, pki), first);
            assertSameResult(first, second);
            assertEquals("not stored: " + first, size, shared.messages().size());
            assertEquals("parsed by each receiver: " + first, parses + 2, shared.statistics().messageParses());
        }
        assertEquals(0, shared.messages().size());
        assertEquals(0, shared.statistics().parsedMessageHits());
    }

    @Test
    public void boundRespectedAndOffMeansEveryReceiverParses() {
        SharedVerification shared = new SharedVerification();
        shared.configure(config(40));
        OerIeee1609Dot2Codec a = shared.newCodec();
        OerIeee1609Dot2Codec b = shared.newCodec();
        TestPki pki = new TestPki(a);
        TrustStore trustA = knowing(pki);
        TrustStore trustB = knowing(pki);
        List<byte[]> wires = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            byte[] w = sign(a, pki, Psid.CAM, i % 7 == 0 ? SignerKind.CERTIFICATE : SignerKind.DIGEST, i);
            wires.add(w);
            assertEquals(VerificationStatus.OK, a.verify(w, trustA, T, MAX_AGE).status());
            assertTrue(shared.messages().size() <= 40);
        }
        assertTrue("filled up to its bound: " + shared.messages().size(), shared.messages().size() >= 40 - 16);
        assertEquals(40, shared.statistics().parsedMessagesCapacity());
        // the most recent is still there; the oldest was evicted and is parsed again, same verdict
        long parses = shared.statistics().messageParses();
        assertEquals(VerificationStatus.OK, b.verify(wires.get(299), trustB, T, MAX_AGE).status());
        assertEquals(parses, shared.statistics().messageParses());
        assertEquals(VerificationStatus.OK, b.verify(wires.get(1), trustB, T, MAX_AGE).status());
        assertEquals(parses + 1, shared.statistics().messageParses());

        shared.configure(config(0));
        assertEquals(0, shared.messages().size());
        byte[] w = sign(a, pki, Psid.CAM, SignerKind.DIGEST, 1000);
        parses = shared.statistics().messageParses();
        assertEquals(VerificationStatus.OK, a.verify(w, trustA, T, MAX_AGE).status());
        assertEquals(VerificationStatus.OK, b.verify(w, trustB, T, MAX_AGE).status());
        assertEquals("off: each receiver parses", parses + 2, shared.statistics().messageParses());
        assertEquals(0, shared.messages().size());
        assertTrue(shared.statistics().logLine(), shared.statistics().logLine().endsWith("0/0 entries (off)"));
    }

    @Test
    public void concurrentReceiversGetConsistentResults() throws Exception {
        SharedVerification shared = new SharedVerification();
        OerIeee1609Dot2Codec signer = shared.newCodec();
        TestPki pki = new TestPki(signer);
        List<byte[]> wires = new ArrayList<>();
        List<VerificationResult> expected = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            byte[] w = sign(signer, pki, i % 2 == 0 ? Psid.CAM : Psid.DENM,
                    i % 3 == 0 ? SignerKind.CERTIFICATE : SignerKind.DIGEST, i);
            if (i % 5 == 4) {
                w[w.length - 1 - i % 30] ^= 0x10; // a tampered one now and then
            }
            wires.add(w);
        }
        // the reference: receivers that share nothing, each learning the ticket from the first message
        TrustStore refTrust = knowing(pki);
        OerIeee1609Dot2Codec ref = new OerIeee1609Dot2Codec();
        for (byte[] w : wires) {
            expected.add(ref.verify(w, refTrust, T, MAX_AGE));
        }
        assertTrue(expected.stream().anyMatch(VerificationResult::isOk));
        assertTrue(expected.stream().anyMatch(r -> !r.isOk()));
        long parses0 = shared.statistics().messageParses();
        CyclicBarrier start = new CyclicBarrier(2);
        List<Future<List<VerificationResult>>> runs = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            OerIeee1609Dot2Codec codec = shared.newCodec();
            TrustStore trust = knowing(pki);
            runs.add(pool.submit(() -> {
                start.await(20, TimeUnit.SECONDS);
                List<VerificationResult> out = new ArrayList<>();
                for (byte[] w : wires) {
                    out.add(codec.verify(w, trust, T, MAX_AGE));
                }
                return out;
            }));
        }
        for (Future<List<VerificationResult>> run : runs) {
            List<VerificationResult> got = run.get(60, TimeUnit.SECONDS);
            for (int i = 0; i < wires.size(); i++) {
                assertSameResult(expected.get(i), got.get(i));
            }
        }
        long parses = shared.statistics().messageParses() - parses0;
        long hits = shared.statistics().parsedMessageHits();
        assertEquals("every verification either parsed or shared a parse", 2L * wires.size(), parses + hits);
        assertTrue("each message parsed at least once: " + parses, parses >= wires.size());
    }

    private static VerifierConfig config(int parsedMessages) {
        return (VerifierConfig) java.lang.reflect.Proxy.newProxyInstance(VerifierConfig.class.getClassLoader(),
                new Class<?>[] {VerifierConfig.class}, (p, m, args) -> switch (m.getName()) {
                case "parsedMessages" -> parsedMessages;
                case "annotationType" -> VerifierConfig.class;
                default -> m.getDefaultValue();
                });
    }
}
