package org.qkdv2i.v2x.codec.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.qkdv2i.v2x.codec.net.NetCodecs;
import org.qkdv2i.v2x.codec.net.WsmpCodec;

/**
 * Jazzer target: the WSMP v3 decoder (IEEE 1609.3-2016 §8.3), strict and link-payload forms. Seeds in {@code WsmpFuzzTestInputs/fuzz/}; run by CI for a bounded time (see the
 * README, "Fuzzing").
 */
class WsmpFuzzTest {
    private static final WsmpCodec WSMP = NetCodecs.wsmp();

    @FuzzTest(maxDuration = FuzzBudget.CI)
    void fuzz(byte[] input) {
        fuzzerTestOneInput(input);
    }

    /** Entry point of the Jazzer command line (the README's longer local run). */
    public static void fuzzerTestOneInput(byte[] input) {
        Properties.roundTrip(WSMP.decode(input), WSMP::encode, WSMP::decode, input);
        Properties.roundTrip(WSMP.decodeLinkPayload(input), WSMP::encode, WSMP::decode, input);
    }
}
