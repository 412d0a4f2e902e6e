package org.qkdv2i.v2x.codec.internal.security;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Locale;

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
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.HashAlgorithm;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.Signature;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.Time64;
import org.bouncycastle.oer.its.ieee1609dot2.basetypes.UINT8;
import org.qkdv2i.v2x.codec.security.ItsTime;
import org.qkdv2i.v2x.codec.security.Psid;
import org.qkdv2i.v2x.codec.security.SecuredData;
import org.qkdv2i.v2x.codec.security.SignerKind;

/**
 * Session 9: the two OER steps replaced, old against new in one JVM (thread CPU, interleaved per
 * message, one warm-up round): on the sign side, BC encoding the whole Ieee1609Dot2Data after the
 * ToBeSignedData was encoded for the hash (old) against assembling it from those TBS octets (new);
 * on the verify side, re-encoding the parsed ToBeSignedData (old) against its slice of the input
 * (new). No ECDSA in the timed parts. {@code java -cp … OerStepsBenchmark [messages] [rounds]}.
 */
public final class OerStepsBenchmark {
    private OerStepsBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        ThreadMXBean tmx = ManagementFactory.getThreadMXBean();
        OerIeee1609Dot2Codec codec = new OerIeee1609Dot2Codec();
        TestPki pki = new TestPki(codec);
        byte[] certBytes = pki.ticket.certificate();
        Certificate cert = OerIeee1609Dot2Codec.parseCertificate(certBytes, "ticket");
        // one signature for all (its value does not change the work of either step)
        Signature signature = Ecdsa256.sign(Ecdsa256.privateKey(pki.ticket.privateKey()), new byte[32]);
        long sink = 0;
        for (int round = 0; round <= rounds; round++) {
            long[] ns = new long[10];
            for (int i = 0; i < messages; i++) {
                for (int k = 0; k < 2; k++) {
                    SignerKind kind = k == 0 ? SignerKind.DIGEST : SignerKind.CERTIFICATE;
                    HeaderInfo h = new HeaderInfo(new org.bouncycastle.oer.its.ieee1609dot2.basetypes.Psid(Psid.CAM),
                            new Time64(ItsTime.time64(TestPki.IN_VALIDITY.plusMillis(i))), null, null, null, null, null,
                            null, null, null, null);
                    ToBeSignedData tbs = new ToBeSignedData(new SignedDataPayload(new Ieee1609Dot2Data(new UINT8(3),
                            Ieee1609Dot2Content.unsecuredData(new Opaque(SignedDataTest.CAM_PACKET))), null), h);
                    byte[] tbsBytes = Oer.encode(tbs, Oer.TBS_DATA); // both algorithms encode it once for the hash
                    SignerIdentifier signerId = kind == SignerKind.DIGEST
                            ? SignerIdentifier.digest(new org.bouncycastle.oer.its.ieee1609dot2.basetypes.HashedId8(
                                    pki.ticket.id().toBytes()))
                            : SignerIdentifier.certificate(new SequenceOfCertificate(List.of(cert)));
                    long c0 = tmx.getCurrentThreadCpuTime();
                    byte[] whole = Oer.encode(new Ieee1609Dot2Data(new UINT8(3), Ieee1609Dot2Content.signedData(
                            new SignedData(HashAlgorithm.sha256, tbs, signerId, signature))), Oer.DATA);
                    long c1 = tmx.getCurrentThreadCpuTime();
                    byte[] assembled = Oer.signedData(tbsBytes, kind == SignerKind.DIGEST
                            ? Oer.SignerIdentifierOctets.digest(pki.ticket.id().toBytes()) : Oer.SignerIdentifierOctets.certificate(certBytes),
                            signature);
                    long c2 = tmx.getCurrentThreadCpuTime();
                    // the verifier's view of the same octets
                    SignedData sd = SignedData.getInstance(OerIeee1609Dot2Codec.parseData(whole).getContent()
                            .getIeee1609Dot2Content());
                    SecuredData.Signed m = OerIeee1609Dot2Codec.signed(sd);
                    long c3 = tmx.getCurrentThreadCpuTime();
                    byte[] reEncoded = Oer.encode(sd.getTbsData(), Oer.TBS_DATA);
                    long c4 = tmx.getCurrentThreadCpuTime();
                    byte[] slice = Verifier.tbsData(m, sd, whole);
                    long c5 = tmx.getCurrentThreadCpuTime();
                    sink += whole.length + assembled.length + reEncoded.length + slice.length;
                    ns[4 * k] += c1 - c0;
                    ns[4 * k + 1] += c2 - c1;
                    ns[4 * k + 2] += c4 - c3;
                    ns[4 * k + 3] += c5 - c4;
                    ns[8 + k] += c3 - c2;
                }
            }
            double n = messages * 1e3;
            System.out.printf(Locale.ROOT, "round %d%s: %d messages per signer kind; sign output: BC whole %.2f us ->"
                    + " assembled %.2f us (digest), %.2f -> %.2f us (certificate); verify TBS octets: re-encode %.2f us"
                    + " -> slice %.2f us (digest), %.2f -> %.2f us (certificate); unchanged, for scale: parse + canonical"
                    + " check + model %.2f / %.2f us%n", round,
                    round == 0 ? " (warm-up)" : "", messages, ns[0] / n, ns[1] / n, ns[4] / n, ns[5] / n, ns[2] / n,
                    ns[3] / n, ns[6] / n, ns[7] / n, ns[8] / n, ns[9] / n);
        }
        System.out.println("(checksum " + sink + ")");
    }
}
