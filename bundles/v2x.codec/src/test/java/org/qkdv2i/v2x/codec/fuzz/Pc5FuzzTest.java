package org.qkdv2i.v2x.codec.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.qkdv2i.v2x.codec.net.NetCodecs;
import org.qkdv2i.v2x.codec.net.Pc5NonIpCodec;

/**
 * Jazzer target: the PC5 non-IP PDU decoder (3GPP TS 24.386 §7.1). Seeds in {@code Pc5FuzzTestInputs/fuzz/}; run by CI for a bounded time (see the
 * README, "Fuzzing").
 */
class Pc5FuzzTest {
    private static final Pc5NonIpCodec PC5 = NetCodecs.pc5NonIp();

    @FuzzTest(maxDuration = FuzzBudget.CI)
    void fuzz(byte[] input) {
        fuzzerTestOneInput(input);
    }

    /** Entry point of the Jazzer command line (the README's longer local run). */
    public static void fuzzerTestOneInput(byte[] input) {
        Properties.roundTrip(PC5.decode(input), PC5::encode, PC5::decode, input);
    }
}
