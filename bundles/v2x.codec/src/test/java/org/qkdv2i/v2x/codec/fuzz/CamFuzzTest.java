package org.qkdv2i.v2x.codec.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.qkdv2i.v2x.codec.CamCodec;
import org.qkdv2i.v2x.codec.V2xCodecs;

/**
 * Jazzer target: the CAM UPER decoder (EN 302 637-2). Seeds in {@code CamFuzzTestInputs/fuzz/}; run by CI for a bounded time (see the
 * README, "Fuzzing").
 */
class CamFuzzTest {
    private static final CamCodec CAM = V2xCodecs.cam();

    @FuzzTest(maxDuration = FuzzBudget.CI)
    void fuzz(byte[] input) {
        fuzzerTestOneInput(input);
    }

    /** Entry point of the Jazzer command line (the README's longer local run). */
    public static void fuzzerTestOneInput(byte[] input) {
        Properties.roundTrip(CAM.decode(input), CAM::encode, CAM::decode, input);
    }
}
