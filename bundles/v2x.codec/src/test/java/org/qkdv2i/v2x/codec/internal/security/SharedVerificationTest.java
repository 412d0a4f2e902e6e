package org.qkdv2i.v2x.codec.internal.security;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.Test;
import org.qkdv2i.v2x.codec.security.Ieee1609Dot2Codecs;
import org.qkdv2i.v2x.codec.security.Psid;
import org.qkdv2i.v2x.codec.security.SignRequest;
import org.qkdv2i.v2x.codec.security.SignerKind;
import org.qkdv2i.v2x.codec.security.TrustStore;
import org.qkdv2i.v2x.codec.security.VerificationResult;
import org.qkdv2i.v2x.codec.security.VerificationStatus;

/**
 * The shared verification component (what DS makes of PID org.qkdv2i.v2x.codec.Verifier): the
 * codecs it hands out (one per stack, as the prototype-scoped service does) share one verdict memo,
 * a configuration update reaches all of them, codecs of {@code Ieee1609Dot2Codecs.create()} share
 * nothing, and no static field holds verification state.
 */
public class SharedVerificationTest {
    private static final Duration MAX_AGE = Duration.ofSeconds(2);
    private static final Instant T = TestPki.IN_VALIDITY;

    /** Counts every ECDSA verification (message and certificate) of the component's codecs. */
    private final AtomicInteger ecdsaRuns = new AtomicInteger();
    private final SharedVerification shared = new SharedVerification((k, d, s) -> {
        ecdsaRuns.incrementAndGet();
        return Ecdsa256.verify(k, d, s);
    });
    private final OerIeee1609Dot2Codec stackA = shared.newCodec();
    private final OerIeee1609Dot2Codec stackB = shared.newCodec();
    private final TestPki pki = new TestPki(stackA);
    private final TrustStore trustA = pki.trustStore();
    private final TrustStore trustB = pki.trustStore();

    private byte[] cam(Instant t) {
        return stackA.sign(new SignRequest(Psid.CAM, SignedDataTest.CAM_PACKET, t, null, SignerKind.CERTIFICATE),
                pki.ticket);
    }

    private static void assertOk(VerificationResult r) {
        assertEquals(r.toString(), VerificationStatus.OK, r.status());
    }

    @Test
    public void twoStacksShareOneMemoAndAConfigurationUpdateReachesBoth() {
        assertNotSame("each stack has a codec of its own", stackA, stackB);
        // warm-up: each stack learns the ticket and verifies its chain once
        byte[] first = cam(T.minusMillis(500));
        assertOk(stackA.verify(first, trustA, T, MAX_AGE));
        assertOk(stackB.verify(first, trustB, T, MAX_AGE));

        ecdsaRuns.set(0);
        byte[] wire = cam(T);
        assertOk(stackA.verify(wire, trustA, T, MAX_AGE));
        assertOk(stackB.verify(wire, trustB, T, MAX_AGE));
        assertEquals("one ECDSA run for two stacks", 1, ecdsaRuns.get());

        // the component's @Modified: memo off for every codec it handed out, already made ones included
        shared.configure(MessageVerdictMemoTest.config(false, 1024));
        ecdsaRuns.set(0);
        byte[] next = cam(T.plusMillis(100));
        assertOk(stackA.verify(next, trustA, T, MAX_AGE));
        assertOk(stackB.verify(next, trustB, T, MAX_AGE));
        assertEquals("memo off: each stack verifies", 2, ecdsaRuns.get());
        assertFalse(shared.statistics().memoEnabled());

        shared.configure(MessageVerdictMemoTest.config(true, 256));
        assertTrue(shared.statistics().memoEnabled());
        assertEquals(256, shared.statistics().memoCapacity());
        ecdsaRuns.set(0);
        byte[] third = cam(T.plusMillis(200));
        assertOk(stackA.verify(third, trustA, T, MAX_AGE));
        assertOk(stackB.verify(third, trustB, T, MAX_AGE));
        assertEquals("memo on again: shared again", 1, ecdsaRuns.get());
    }

    @Test
    public void codecsMadeOutsideAFrameworkShareNothing() {
        OerIeee1609Dot2Codec x = (OerIeee1609Dot2Codec) Ieee1609Dot2Codecs.create();
        OerIeee1609Dot2Codec y = (OerIeee1609Dot2Codec) Ieee1609Dot2Codecs.create();
        TestPki own = new TestPki(x);
        byte[] wire = x.sign(new SignRequest(Psid.CAM, SignedDataTest.CAM_PACKET, T, null, SignerKind.CERTIFICATE),
                own.ticket);
        assertOk(x.verify(wire, own.trustStore(), T, MAX_AGE));
        assertOk(y.verify(wire, own.trustStore(), T, MAX_AGE));
        assertEquals(1, x.statistics().messageEcdsaVerifications());
        assertEquals("y has a memo of its own: it verified too", 1, y.statistics().messageEcdsaVerifications());
        assertEquals(0, y.statistics().memoHits());
    }

    @Test
    public void noStaticFieldHoldsVerificationState() {
        for (Class<?> c : new Class<?>[] {OerIeee1609Dot2Codec.class, SharedVerification.class, Verifier.class,
                MessageVerdictMemo.class, ParsedCertificates.class, Ieee1609Dot2Codecs.class}) {
            for (Field f : c.getDeclaredFields()) {
                int m = f.getModifiers();
                if (!Modifier.isStatic(m)) {
                    continue;
                }
                assertTrue(c.getSimpleName() + "." + f.getName() + " is static and not final", Modifier.isFinal(m));
                Class<?> t = f.getType();
                assertTrue(c.getSimpleName() + "." + f.getName() + " is static verification state",
                        t.isPrimitive() || t == String.class || t == java.math.BigInteger.class
                                || t.getName().startsWith("org.slf4j"));
            }
        }
    }
}
