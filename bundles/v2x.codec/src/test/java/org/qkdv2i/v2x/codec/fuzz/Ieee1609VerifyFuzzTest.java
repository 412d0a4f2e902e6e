package org.qkdv2i.v2x.codec.fuzz;

import java.time.Duration;
import java.util.Arrays;

import org.qkdv2i.v2x.codec.DecodeResult;
import org.qkdv2i.v2x.codec.security.Ieee1609Dot2Codec;
import org.qkdv2i.v2x.codec.security.Ieee1609Dot2Codecs;
import org.qkdv2i.v2x.codec.security.SecuredData;
import org.qkdv2i.v2x.codec.security.VerificationResult;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer target: IEEE 1609.2 SignedData verification against the fixed {@link FuzzPki} (a fresh
 * trust store per input, so every run is reproducible), with and without the freshness check.
 * Never throws; always a status and a detail; an {@code OK} carries the message, which is exactly
 * what {@code decode} gives for the same octets (nothing verifies that decodes differently), and
 * whatever verifies also round-trips through decode. Seeds (signed by the fixed PKI and the
 * Vanetza vectors) in {@code Ieee1609VerifyFuzzTestInputs/fuzz/}.
 */
class Ieee1609VerifyFuzzTest {
    private static final Ieee1609Dot2Codec CODEC = Ieee1609Dot2Codecs.create();
    private static final FuzzPki PKI = new FuzzPki(CODEC);

    @FuzzTest(maxDuration = FuzzBudget.CI)
    void fuzz(byte[] input) {
        fuzzerTestOneInput(input);
    }

    /** Entry point of the Jazzer command line (the README's longer local run). */
    public static void fuzzerTestOneInput(byte[] input) {
        check(CODEC.verify(input, PKI.trustStore()), input);
        check(CODEC.verify(input, PKI.trustStore(), FuzzPki.SIGNED_AT, Duration.ofSeconds(2)), input);
    }

    private static void check(VerificationResult v, byte[] input) {
        Properties.check(v != null && v.status() != null && v.detail() != null, "verify gave no typed result", input);
        if (!v.isOk()) {
            return;
        }
        Properties.check(v.message() != null, "OK without the message", input);
        DecodeResult<SecuredData> d = CODEC.decode(input);
        Properties.check(d.isOk() && Properties.sameSecuredData(d.value(), v.message()),
                "verified content differs from the decoded content: " + d, input);
        Properties.check(Arrays.equals(v.message().payload(), ((SecuredData.Signed) d.value()).payload()),
                "verified payload differs", input);
    }
}
