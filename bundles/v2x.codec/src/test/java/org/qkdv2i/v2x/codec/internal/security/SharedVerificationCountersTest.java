package org.qkdv2i.v2x.codec.internal.security;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.junit.After;
import org.junit.Test;
import org.qkdv2i.v2x.codec.security.Psid;
import org.qkdv2i.v2x.codec.security.SignRequest;
import org.qkdv2i.v2x.codec.security.SignerKind;
import org.qkdv2i.v2x.codec.security.TrustStore;
import org.qkdv2i.v2x.codec.security.VerificationResult;
import org.qkdv2i.v2x.codec.security.VerificationStatus;

/**
 * Session 9: the shared verification's counters line (periodic and at deactivation) and the single
 * flight — two receivers missing the memo for the same message at once run one ECDSA verification,
 * counted through the ECDSA seam.
 */
public class SharedVerificationCountersTest {
    private static final Duration MAX_AGE = Duration.ofSeconds(2);
    private static final Instant T = TestPki.IN_VALIDITY;

    private final ExecutorService pool = Executors.newFixedThreadPool(2);

    @After
    public void stop() {
        pool.shutdownNow();
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for " + what);
            }
            LockSupport.parkNanos(100_000);
        }
    }

    private static void assertOk(VerificationResult r) {
        assertEquals(r.toString(), VerificationStatus.OK, r.status());
    }

    @Test
    public void countersLineEverySixtySecondsWhileVerifyingAndAtDeactivation() {
        AtomicLong clock = new AtomicLong();
        SharedVerification shared = new SharedVerification(Ecdsa256::verify, clock::get);
        OerIeee1609Dot2Codec a = shared.newCodec();
        OerIeee1609Dot2Codec b = shared.newCodec();
        TestPki pki = new TestPki(a);
        TrustStore trustA = pki.trustStore();
        TrustStore trustB = pki.trustStore();
        byte[] wire = a.sign(new SignRequest(Psid.CAM, SignedDataTest.CAM_PACKET, T, null, SignerKind.CERTIFICATE),
                pki.ticket);
        assertOk(a.verify(wire, trustA, T, MAX_AGE));
        assertOk(b.verify(wire, trustB, T, MAX_AGE));
        assertNull("nothing before 60 s", shared.lastLogLine());

        clock.set(TimeUnit.SECONDS.toNanos(59));
        assertEquals(VerificationStatus.STALE, a.verify(wire, trustA, T.plusSeconds(10), MAX_AGE).status());
        assertNull(shared.lastLogLine());

        clock.set(TimeUnit.SECONDS.toNanos(60));
        assertEquals(VerificationStatus.STALE, b.verify(wire, trustB, T.plusSeconds(10), MAX_AGE).status());
        String line = shared.lastLogLine();
        assertNotNull("due at 60 s, on the next verification", line);
        assertTrue(line, line.contains("every 60 s"));
        assertTrue(line, line.contains("4 verifications (OK 2, STALE 2)"));
        assertTrue(line, line.contains("message ECDSA verifications 1 (duplicates 0, single-flight waits 0)"));
        assertTrue(line, line.contains("memo hits 1 / misses 1 (50.0 % hits)"));
        assertTrue(line, line.contains("memo 1/" + MessageVerdictMemo.DEFAULT_CAPACITY + " entries"));

        clock.set(TimeUnit.SECONDS.toNanos(119));
        assertOk(a.verify(wire, trustA, T, MAX_AGE));
        assertSame("not again within the period", line, shared.lastLogLine());
        clock.set(TimeUnit.SECONDS.toNanos(120));
        assertOk(a.verify(wire, trustA, T, MAX_AGE));
        assertTrue(shared.lastLogLine(), shared.lastLogLine().contains("6 verifications (OK 4, STALE 2)"));

        shared.deactivate();
        String last = shared.lastLogLine();
        assertTrue(last, last.startsWith("V2X verification counters (deactivated"));
        assertTrue(last, last.contains("6 verifications (OK 4, STALE 2), message ECDSA verifications 1 "));
        // counts only: neither the certificate nor the message octets
        HexFormat hex = HexFormat.of();
        assertFalse(last.contains(hex.formatHex(pki.ticket.certificate()).substring(0, 16)));
        clock.set(TimeUnit.SECONDS.toNanos(1000));
        assertOk(a.verify(wire, trustA, T, MAX_AGE));
        assertSame("no periodic line after deactivation", last, shared.lastLogLine());
    }

    @Test
    public void aDuplicateVerdictIsReportedByTheMemo() {
        MessageVerdictMemo memo = new MessageVerdictMemo(true, 128);
        byte[] key = Ecdsa256.sha256(new byte[] {1});
        assertFalse("first: new", memo.rememberValid(key));
        assertTrue("second: a duplicate", memo.rememberValid(key));
        memo.configure(false, 128);
        assertFalse("memo off: nothing stored, nothing reported", memo.rememberValid(key));
    }

    /**
     * Two stacks (codecs A and B) on one shared verification whose ECDSA seam, once armed, holds
     * A's first verification until B has arrived: waiting for A's verdict (single flight) or, without
     * it, running ECDSA itself. Both have learnt the ticket and verified its chain beforehand.
     */
    private final class HeldFlight {
        final AtomicBoolean armed = new AtomicBoolean();
        final AtomicInteger calls = new AtomicInteger();
        final CountDownLatch firstInside = new CountDownLatch(1);
        final SharedVerification shared;
        final OerIeee1609Dot2Codec a;
        final OerIeee1609Dot2Codec b;
        final TestPki pki;
        final TrustStore trustA;
        final TrustStore trustB;

        HeldFlight() {
            SharedVerification[] holder = new SharedVerification[1];
            shared = new SharedVerification((k, d, s) -> {
                if (armed.get() && calls.incrementAndGet() == 1) {
                    firstInside.countDown();
                    await(() -> holder[0].statistics().singleFlightWaits() >= 1 || calls.get() >= 2, "B to arrive");
                }
                return Ecdsa256.verify(k, d, s);
            });
            holder[0] = shared;
            a = shared.newCodec();
            b = shared.newCodec();
            pki = new TestPki(a);
            trustA = pki.trustStore();
            trustB = pki.trustStore();
            byte[] first = a.sign(new SignRequest(Psid.CAM, SignedDataTest.CAM_PACKET, T.minusMillis(500), null,
                    SignerKind.CERTIFICATE), pki.ticket);
            assertOk(a.verify(first, trustA, T, MAX_AGE));
            assertOk(b.verify(first, trustB, T, MAX_AGE));
        }

        byte[] digestSigned() {
            return a.sign(new SignRequest(Psid.CAM, SignedDataTest.CAM_PACKET, T, null, SignerKind.DIGEST), pki.ticket);
        }

        /** A verifies {@code wire} and is held inside ECDSA; then B verifies it; both results. */
        VerificationResult[] both(byte[] wire) throws Exception {
            armed.set(true);
            Future<VerificationResult> ra = pool.submit(() -> a.verify(wire, trustA, T, MAX_AGE));
            assertTrue("A inside ECDSA", firstInside.await(20, TimeUnit.SECONDS));
            Future<VerificationResult> rb = pool.submit(() -> b.verify(wire, trustB, T, MAX_AGE));
            return new VerificationResult[] {ra.get(20, TimeUnit.SECONDS), rb.get(20, TimeUnit.SECONDS)};
        }
    }

    /**
     * Stack A's ECDSA verification of a message is held inside the seam until stack B, on another
     * thread, has missed the memo for the same message; without single flight B runs ECDSA too.
     */
    @Test
    public void twoThreadsMissingTheMemoForOneMessageRunOneEcdsaVerification() throws Exception {
        HeldFlight f = new HeldFlight();
        long ecdsaBefore = f.shared.statistics().messageEcdsaVerifications();
        VerificationResult[] r = f.both(f.digestSigned());
        assertOk(r[0]);
        assertOk(r[1]);

        assertEquals("one ECDSA run for two receivers at once", 1, f.calls.get());
        VerifierStatistics st = f.shared.statistics();
        assertEquals(1, st.messageEcdsaVerifications() - ecdsaBefore);
        assertEquals("B waited for A's verdict", 1, st.singleFlightWaits());
        assertEquals(0, st.duplicateMessageEcdsaVerifications());
        assertEquals("the flight landed", 0, f.shared.verdicts().inFlight());
    }

    /** A refusal is shared too (same inputs, same verdict), and nothing is remembered. */
    @Test
    public void aWaiterTakesTheLeadersRefusal() throws Exception {
        HeldFlight f = new HeldFlight();
        byte[] wire = f.digestSigned();
        wire[wire.length - 1] ^= 1; // inside sSig
        VerificationResult[] r = f.both(wire);
        assertEquals(VerificationStatus.BAD_SIGNATURE, r[0].status());
        assertEquals(VerificationStatus.BAD_SIGNATURE, r[1].status());
        assertEquals(1, f.calls.get());
        assertEquals(1, f.shared.statistics().singleFlightWaits());
        // not remembered: the next receiver judges it again
        assertEquals(VerificationStatus.BAD_SIGNATURE, f.b.verify(wire, f.trustB, T, MAX_AGE).status());
        assertEquals(2, f.calls.get());
    }
}
