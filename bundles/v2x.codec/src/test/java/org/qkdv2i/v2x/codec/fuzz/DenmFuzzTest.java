package org.qkdv2i.v2x.codec.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.qkdv2i.v2x.codec.DenmCodec;
import org.qkdv2i.v2x.codec.V2xCodecs;

/**
 * Jazzer target: the DENM UPER decoder (EN 302 637-3). Seeds in {@code DenmFuzzTestInputs/fuzz/}; run by CI for a bounded time (see the
 * README, "Fuzzing").
 */
class DenmFuzzTest {
    private static final DenmCodec DENM = V2xCodecs.denm();

    @FuzzTest(maxDuration = FuzzBudget.CI)
    void fuzz(byte[] input) {
        fuzzerTestOneInput(input);
    }

    /** Entry point of the Jazzer command line (the README's longer local run). */
    public static void fuzzerTestOneInput(byte[] input) {
        Properties.roundTrip(DENM.decode(input), DENM::encode, DENM::decode, input);
    }
}
