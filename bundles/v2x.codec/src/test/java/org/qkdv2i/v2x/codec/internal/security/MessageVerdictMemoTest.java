package org.qkdv2i.v2x.codec.internal.security;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.security.interfaces.ECPublicKey;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.oer.its.ieee1609dot2.SignedData;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.Signature;
import org.junit.Test;
import org.qkdv2i.v2x.codec.security.Psid;
import org.qkdv2i.v2x.codec.security.SignRequest;
import org.qkdv2i.v2x.codec.security.SignerKind;
import org.qkdv2i.v2x.codec.security.SigningCredential;
import org.qkdv2i.v2x.codec.security.TrustStore;
import org.qkdv2i.v2x.codec.security.VerificationResult;
import org.qkdv2i.v2x.codec.security.VerificationStatus;

/**
 * The message-signature verdict memo: receivers sharing it run one ECDSA verification per distinct
 * signed message (counted through the verifier's seam), yet every other judgement stays each
 * receiver's, tampered bytes are still refused, and the memo stays within its bound.
 */
public class MessageVerdictMemoTest {
    private static final byte[] PAYLOAD = SignedDataTest.CAM_PACKET;
    private static final Duration MAX_AGE = Duration.ofSeconds(2);
    private static final Instant T = TestPki.IN_VALIDITY;
    private static final HexFormat HEX = HexFormat.of();

    /** Counts every ECDSA verification (message and certificate) the codecs below compute. */
    private final AtomicInteger ecdsaRuns = new AtomicInteger();
    private final Verifier.SignatureCheck counting = (k, d, s) -> {
        ecdsaRuns.incrementAndGet();
        return Ecdsa256.verify(k, d, s);
    };
    /** The framework's shared verification state, as the DS component is (PID org.qkdv2i.v2x.codec.Verifier). */
    private final SharedVerification shared = shared(counting, 1024);
    private final MessageVerdictMemo memo = shared.verdicts();
    private final VerifierStatistics.Counters counters = shared.counters();
    /** Two receivers (own codec, own certificate memo, own trust store) sharing one verdict memo. */
    private final OerIeee1609Dot2Codec a = shared.newCodec();
    private final OerIeee1609Dot2Codec b = shared.newCodec();
    private final TestPki pki = new TestPki(a);
    private final TrustStore trustA = pki.trustStore();
    private final TrustStore trustB = pki.trustStore();

    private byte[] cam(Instant t, SignerKind kind) {
        return sign(pki.ticket, Psid.CAM, t, kind);
    }

    private byte[] sign(SigningCredential by, long psid, Instant t, SignerKind kind) {
        return a.sign(new SignRequest(psid, PAYLOAD, t, psid == Psid.DENM ? SignedDataTest.OSLO : null, kind), by);
    }

    private static void assertStatus(VerificationStatus expected, VerificationResult r) {
        assertEquals(r.toString(), expected, r.status());
    }

    /** Both receivers verify one message of the ticket, so that later counts are message signatures only. */
    private void warmChains() {
        byte[] first = cam(T.minusMillis(500), SignerKind.CERTIFICATE);
        assertStatus(VerificationStatus.OK, a.verify(first, trustA, T, MAX_AGE));
        assertStatus(VerificationStatus.OK, b.verify(first, trustB, T, MAX_AGE));
        ecdsaRuns.set(0);
    }

    @Test
    public void twoReceiversOfOneMessageCostOneEcdsaVerification() {
        warmChains();
        byte[] wire = cam(T, SignerKind.CERTIFICATE);
        assertStatus(VerificationStatus.OK, a.verify(wire, trustA, T, MAX_AGE));
        assertEquals(1, ecdsaRuns.get());
        VerificationResult atB = b.verify(wire, trustB, T, MAX_AGE);
        assertStatus(VerificationStatus.OK, atB);
        assertEquals("the second receiver reused the first one's verdict", 1, ecdsaRuns.get());
        assertEquals(pki.ticket.id(), atB.message().signerId());
        // a digest-signed one too (B learnt the ticket certificate from the CAM above)
        byte[] byDigest = cam(T.plusMillis(100), SignerKind.DIGEST);
        assertStatus(VerificationStatus.OK, a.verify(byDigest, trustA, T, MAX_AGE));
        assertStatus(VerificationStatus.OK, b.verify(byDigest, trustB, T, MAX_AGE));
        assertEquals(2, ecdsaRuns.get());
        assertEquals(3, memo.hits()); // B: the warm-up message, this one and the digest-signed one
    }

    @Test
    public void withTheMemoOffEveryReceiverVerifies() {
        memo.configure(false, 1024);
        warmChains();
        byte[] wire = cam(T, SignerKind.CERTIFICATE);
        assertStatus(VerificationStatus.OK, a.verify(wire, trustA, T, MAX_AGE));
        assertStatus(VerificationStatus.OK, b.verify(wire, trustB, T, MAX_AGE));
        assertEquals(2, ecdsaRuns.get());
        assertEquals(0, memo.size());
        // and the component's configuration is what turns it on again
        shared.configure(config(true, 1024));
        assertTrue(memo.enabled());
    }

    @Test
    public void aTamperedMessageIsRefusedAfterTheOriginalWasMemoised() {
        warmChains();
        byte[] wire = cam(T, SignerKind.CERTIFICATE);
        assertStatus(VerificationStatus.OK, a.verify(wire, trustA, T, MAX_AGE));
        int payloadAt = indexOf(wire, PAYLOAD);
        assertTrue(payloadAt > 0);
        // one bit of the signed data (the CAM packet), of sSig (last octet) and of rSig (x, 64 octets from the end)
        for (int bitAt : new int[] {payloadAt * 8 + 3, wire.length * 8 - 1, (wire.length - 64) * 8 + 5}) {
            byte[] bad = wire.clone();
            bad[bitAt / 8] ^= (byte) (1 << (bitAt % 8));
            assertStatus(VerificationStatus.BAD_SIGNATURE, b.verify(bad, trustB, T, MAX_AGE));
            assertStatus(VerificationStatus.BAD_SIGNATURE, a.verify(bad, trustA, T, MAX_AGE));
            // and again: a refusal is never remembered
            assertStatus(VerificationStatus.BAD_SIGNATURE, b.verify(bad, trustB, T, MAX_AGE));
        }
        assertEquals("every tampered copy was verified, each time", 1 + 3 * 3, ecdsaRuns.get());
        assertEquals(1 + 1, memo.size()); // the warm-up message and the original
        assertStatus(VerificationStatus.OK, b.verify(wire, trustB, T, MAX_AGE));
    }

    @Test
    public void freshnessIsJudgedPerReceiver() {
        warmChains();
        byte[] wire = cam(T, SignerKind.CERTIFICATE);
        assertStatus(VerificationStatus.OK, a.verify(wire, trustA, T, MAX_AGE));
        // B's clock is 5 s later: the memoised-valid message is too old for it
        assertStatus(VerificationStatus.STALE, b.verify(wire, trustB, T.plusSeconds(5), MAX_AGE));
        assertStatus(VerificationStatus.STALE, b.verify(wire, trustB, T.plusSeconds(1), Duration.ofMillis(500)));
        assertStatus(VerificationStatus.OK, b.verify(wire, trustB, T.plusSeconds(1), MAX_AGE));
        assertEquals(1, ecdsaRuns.get());
    }

    @Test
    public void signerTrustAndPermissionsAreJudgedPerReceiver() {
        warmChains();
        // UNKNOWN_SIGNER: C never heard the ticket's certificate, so a digest names nothing for it
        TrustStore trustC = pki.trustStore();
        byte[] byDigest = cam(T, SignerKind.DIGEST);
        assertStatus(VerificationStatus.OK, a.verify(byDigest, trustA, T, MAX_AGE));
        assertStatus(VerificationStatus.UNKNOWN_SIGNER, b.verify(byDigest, trustC, T, MAX_AGE));
        // UNTRUSTED_CHAIN: a receiver of another PKI does not trust this root
        byte[] wire = cam(T.plusMillis(1), SignerKind.CERTIFICATE);
        assertStatus(VerificationStatus.OK, a.verify(wire, trustA, T, MAX_AGE));
        TrustStore otherPki = new TestPki(a).trustStore();
        assertStatus(VerificationStatus.UNTRUSTED_CHAIN, b.verify(wire, otherPki, T, MAX_AGE));
        // PSID_NOT_PERMITTED: a CAM-only ticket signs a DENM; its signature is valid (and memoised),
        // the permission is still refused by every receiver
        TestPki camOnly = new TestPki(a, List.of(Psid.CAM, Psid.DENM), List.of(Psid.CAM));
        byte[] denm = sign(camOnly.ticket, Psid.DENM, T, SignerKind.CERTIFICATE);
        TrustStore camOnlyA = camOnly.trustStore();
        TrustStore camOnlyB = camOnly.trustStore();
        assertStatus(VerificationStatus.PSID_NOT_PERMITTED, a.verify(denm, camOnlyA, T, MAX_AGE));
        int before = ecdsaRuns.get();
        assertStatus(VerificationStatus.PSID_NOT_PERMITTED, b.verify(denm, camOnlyB, T, MAX_AGE));
        assertEquals("B's message signature came from the memo", before, ecdsaRuns.get());
        assertFalse("a refused signer is not learnt", camOnlyB.certificate(camOnly.ticket.id()).isPresent());
    }

    @Test
    public void theBoundHoldsAndTheLeastRecentlyUsedGo() {
        SharedVerification smallShared = shared(counting, 64);
        MessageVerdictMemo small = smallShared.verdicts();
        OerIeee1609Dot2Codec c = smallShared.newCodec();
        TrustStore trust = pki.trustStore();
        byte[] keep = cam(T, SignerKind.CERTIFICATE);
        assertStatus(VerificationStatus.OK, c.verify(keep, trust, T, MAX_AGE));
        for (int i = 1; i <= 400; i++) {
            assertStatus(VerificationStatus.OK, c.verify(cam(T.plusMillis(i), SignerKind.DIGEST), trust, T, MAX_AGE));
            if (i % 2 == 0) {
                // used again after at most 2 new entries; a stripe holds 64 / 16 = 4: it stays
                assertStatus(VerificationStatus.OK, c.verify(keep, trust, T, MAX_AGE));
            }
            assertTrue("size " + small.size(), small.size() <= 64);
        }
        assertTrue("filled, size " + small.size(), small.size() >= 48);
        ecdsaRuns.set(0);
        assertStatus(VerificationStatus.OK, c.verify(keep, trust, T, MAX_AGE));
        assertEquals("the recently used verdict is still there", 0, ecdsaRuns.get());
        assertStatus(VerificationStatus.OK, c.verify(cam(T.plusMillis(1), SignerKind.DIGEST), trust, T, MAX_AGE));
        assertEquals("an old one was evicted and verified again", 1, ecdsaRuns.get());
        // below the minimum counts as the minimum (unchanged: the entries stay); a new capacity starts empty
        smallShared.configure(config(true, 5));
        assertEquals(SharedVerification.MIN_ENTRIES, small.capacity());
        assertTrue(small.size() >= 48);
        smallShared.configure(config(true, 128));
        assertEquals(128, small.capacity());
        assertEquals(0, small.size());
    }

    @Test
    public void keysBindEveryEcdsaInput() throws Exception {
        byte[] wire = cam(T, SignerKind.CERTIFICATE);
        Signature sig = SignedData.getInstance(OerIeee1609Dot2Codec.parseData(wire).getContent().getIeee1609Dot2Content())
                .getSignature();
        ECPublicKeyParameters q = Ecdsa256.publicKey((ECPublicKey) TestPki.keyPair().getPublic());
        ECPublicKeyParameters q2 = Ecdsa256.publicKey((ECPublicKey) TestPki.keyPair().getPublic());
        byte[] e = new byte[32];
        byte[] e2 = e.clone();
        e2[31] = 1;
        String k = HEX.formatHex(MessageVerdictMemo.key(e, sig, q));
        assertEquals(64, k.length()); // a full SHA-256
        assertEquals(k, HEX.formatHex(MessageVerdictMemo.key(e.clone(), sig, q)));
        assertNotEquals(k, HEX.formatHex(MessageVerdictMemo.key(e, sig, q2)));
        assertNotEquals(k, HEX.formatHex(MessageVerdictMemo.key(e2, sig, q)));
        byte[] otherSig = wire.clone();
        otherSig[otherSig.length - 1] ^= 1;
        Signature sig2 = SignedData.getInstance(OerIeee1609Dot2Codec.parseData(otherSig).getContent()
                .getIeee1609Dot2Content()).getSignature();
        assertNotEquals(k, HEX.formatHex(MessageVerdictMemo.key(e, sig2, q)));
    }

    private static SharedVerification shared(Verifier.SignatureCheck ecdsa, int entries) {
        SharedVerification s = new SharedVerification(ecdsa);
        s.configure(config(true, entries));
        return s;
    }

    static VerifierConfig config(boolean on, int entries) {
        return (VerifierConfig) java.lang.reflect.Proxy.newProxyInstance(VerifierConfig.class.getClassLoader(),
                new Class<?>[] {VerifierConfig.class}, (p, m, args) -> switch (m.getName()) {
                case "messageVerdictMemo" -> on;
                case "messageVerdictMemoEntries" -> entries;
                case "annotationType" -> VerifierConfig.class;
                default -> m.getDefaultValue();
                });
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer: for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
