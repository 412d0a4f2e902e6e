package org.qkdv2i.v2x.codec.internal.security;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.Locale;

import org.qkdv2i.v2x.codec.security.GenerationLocation;
import org.qkdv2i.v2x.codec.security.Psid;
import org.qkdv2i.v2x.codec.security.SignRequest;
import org.qkdv2i.v2x.codec.security.SignerKind;

/**
 * CPU of one {@code sign(…)} of a CAM (digest and certificate signer) and of a DENM (with
 * generationLocation), next to the CPU of the bare ECDSA signature (RFC 6979) over a digest: the
 * difference is what the codec spends around Bouncy Castle's ECDSA (OER encoding, hashing, key
 * conversion). Not a unit test: {@code java -cp … SignBenchmark [messages] [rounds]}. Thread CPU
 * (ThreadMXBean), one warm-up round first (JIT).
 */
public final class SignBenchmark {
    private SignBenchmark() {
    }

    public static void main(String[] args) {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        ThreadMXBean tmx = ManagementFactory.getThreadMXBean();
        OerIeee1609Dot2Codec codec = new OerIeee1609Dot2Codec();
        TestPki pki = new TestPki(codec);
        Instant t = TestPki.IN_VALIDITY;
        GenerationLocation at = new GenerationLocation(599_139_000, 107_522_000, 230);
        var key = Ecdsa256.privateKey(pki.ticket.privateKey());
        long sink = 0;
        for (int round = 0; round <= rounds; round++) {
            long[] ns = new long[4];
            for (int i = 0; i < messages; i++) {
                Instant ti = t.plusMillis(i);
                long c0 = tmx.getCurrentThreadCpuTime();
                sink += codec.sign(new SignRequest(Psid.CAM, SignedDataTest.CAM_PACKET, ti, null, SignerKind.DIGEST),
                        pki.ticket).length;
                long c1 = tmx.getCurrentThreadCpuTime();
                sink += codec.sign(new SignRequest(Psid.CAM, SignedDataTest.CAM_PACKET, ti, null,
                        SignerKind.CERTIFICATE), pki.ticket).length;
                long c2 = tmx.getCurrentThreadCpuTime();
                sink += codec.sign(new SignRequest(Psid.DENM, SignedDataTest.CAM_PACKET, ti, at, SignerKind.DIGEST),
                        pki.ticket).length;
                long c3 = tmx.getCurrentThreadCpuTime();
                byte[] digest = Ecdsa256.sha256(SignedDataTest.CAM_PACKET, Long.toString(i).getBytes());
                sink += Ecdsa256.sign(key, digest).getChoice();
                long c4 = tmx.getCurrentThreadCpuTime();
                ns[0] += c1 - c0;
                ns[1] += c2 - c1;
                ns[2] += c3 - c2;
                ns[3] += c4 - c3;
            }
            System.out.printf(Locale.ROOT, "round %d%s: %d messages, per sign: CAM digest %.1f us, CAM certificate %.1f us,"
                    + " DENM digest+location %.1f us; bare ECDSA sign %.1f us -> around ECDSA: %.1f / %.1f / %.1f us%n",
                    round, round == 0 ? " (warm-up)" : "", messages, ns[0] / 1e3 / messages, ns[1] / 1e3 / messages,
                    ns[2] / 1e3 / messages, ns[3] / 1e3 / messages, (ns[0] - ns[3]) / 1e3 / messages,
                    (ns[1] - ns[3]) / 1e3 / messages, (ns[2] - ns[3]) / 1e3 / messages);
        }
        System.out.println("(checksum " + sink + ")");
    }
}
