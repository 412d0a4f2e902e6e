package org.qkdv2i.v2x.codec.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.qkdv2i.v2x.codec.BsmCodec;
import org.qkdv2i.v2x.codec.V2xCodecs;

/**
 * Jazzer target: the J2735 BSM MessageFrame UPER decoder. Seeds in {@code BsmFuzzTestInputs/fuzz/}; run by CI for a bounded time (see the
 * README, "Fuzzing").
 */
class BsmFuzzTest {
    private static final BsmCodec BSM = V2xCodecs.bsm();

    @FuzzTest(maxDuration = FuzzBudget.CI)
    void fuzz(byte[] input) {
        fuzzerTestOneInput(input);
    }

    /** Entry point of the Jazzer command line (the README's longer local run). */
    public static void fuzzerTestOneInput(byte[] input) {
        Properties.roundTrip(BSM.decode(input), BSM::encode, BSM::decode, input);
    }
}
