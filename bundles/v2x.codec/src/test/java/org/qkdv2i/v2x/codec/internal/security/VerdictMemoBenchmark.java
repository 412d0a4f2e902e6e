package org.qkdv2i.v2x.codec.internal.security;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

import org.qkdv2i.v2x.codec.security.Psid;
import org.qkdv2i.v2x.codec.security.SignRequest;
import org.qkdv2i.v2x.codec.security.SignerKind;
import org.qkdv2i.v2x.codec.security.TrustStore;

/**
 * CPU of one receiver's {@code verify(…, now, maxAge)} of a signed CAM when the message verdict memo
 * is off, when it misses (the first receiver of a message: ECDSA + the key) and when it hits (every
 * further receiver). Not a unit test:
 * {@code java -cp … VerdictMemoBenchmark [messages] [receivers] [rounds] [digest|certificate]}.
 * Thread CPU (ThreadMXBean), after a warm-up round; each receiver has its own codec and trust store,
 * as the stacks of a city have. The memo receivers are codecs of one {@link SharedVerification} (as
 * a framework's stacks are: shared memo, parsed certificates and, since session 9, parsed messages);
 * the memo-off receivers share nothing.
 */
public final class VerdictMemoBenchmark {
    private VerdictMemoBenchmark() {
    }

    public static void main(String[] args) {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int receivers = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        SignerKind kind = args.length > 3 && args[3].startsWith("cert") ? SignerKind.CERTIFICATE : SignerKind.DIGEST;
        ThreadMXBean tmx = ManagementFactory.getThreadMXBean();
        Duration maxAge = Duration.ofSeconds(2);
        for (int round = 0; round < rounds; round++) {
            SharedVerification shared = new SharedVerification();
            MessageVerdictMemo off = new MessageVerdictMemo(false, MessageVerdictMemo.DEFAULT_CAPACITY);
            VerifierStatistics.Counters counters = new VerifierStatistics.Counters();
            OerIeee1609Dot2Codec signer = new OerIeee1609Dot2Codec(off, counters, Ecdsa256::verify);
            TestPki pki = new TestPki(signer);
            OerIeee1609Dot2Codec[] on = new OerIeee1609Dot2Codec[receivers];
            OerIeee1609Dot2Codec[] plain = new OerIeee1609Dot2Codec[receivers];
            TrustStore[] trustOn = new TrustStore[receivers];
            TrustStore[] trustOff = new TrustStore[receivers];
            Instant t = TestPki.IN_VALIDITY;
            byte[] cert = signer.sign(new SignRequest(Psid.CAM, SignedDataTest.CAM_PACKET, t, null, SignerKind.CERTIFICATE),
                    pki.ticket);
            for (int r = 0; r < receivers; r++) {
                on[r] = shared.newCodec();
                plain[r] = new OerIeee1609Dot2Codec(off, counters, Ecdsa256::verify);
                trustOn[r] = pki.trustStore();
                trustOff[r] = pki.trustStore();
                on[r].verify(cert, trustOn[r], t, maxAge); // learns the ticket, verifies the chain once
                plain[r].verify(cert, trustOff[r], t, maxAge);
            }
            byte[][] wire = new byte[messages][];
            for (int i = 0; i < messages; i++) {
                wire[i] = signer.sign(new SignRequest(Psid.CAM, SignedDataTest.CAM_PACKET, t.plusMillis(i % 1000 + 1)
                        .plusNanos(1000L * (i / 1000)), null, kind), pki.ticket);
            }
            long offNs = 0;
            long missNs = 0;
            long hitNs = 0;
            int ok = 0;
            for (int i = 0; i < messages; i++) {
                long c0 = tmx.getCurrentThreadCpuTime();
                ok += plain[0].verify(wire[i], trustOff[0], t, maxAge).isOk() ? 1 : 0;
                long c1 = tmx.getCurrentThreadCpuTime();
                ok += on[0].verify(wire[i], trustOn[0], t, maxAge).isOk() ? 1 : 0;
                long c2 = tmx.getCurrentThreadCpuTime();
                for (int r = 1; r < receivers; r++) {
                    ok += on[r].verify(wire[i], trustOn[r], t, maxAge).isOk() ? 1 : 0;
                }
                long c3 = tmx.getCurrentThreadCpuTime();
                offNs += c1 - c0;
                missNs += c2 - c1;
                hitNs += c3 - c2;
            }
            System.out.printf(Locale.ROOT, "round %d: %d %s-signed CAMs x %d receivers (%d OK of %d): memo off %.1f us,"
                    + " memo miss (first receiver) %.1f us, memo hit (others) %.1f us per verify; hits %d%n", round,
                    messages, kind == SignerKind.CERTIFICATE ? "certificate" : "digest", receivers, ok,
                    messages * (receivers + 1), offNs / 1e3 / messages, missNs / 1e3 / messages,
                    hitNs / 1e3 / (messages * (long) Math.max(1, receivers - 1)), shared.statistics().memoHits());
        }
    }
}
