package org.qkdv2i.v2x.codec.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.qkdv2i.v2x.codec.net.EthernetCodec;
import org.qkdv2i.v2x.codec.net.NetCodecs;

/**
 * Jazzer target: the Ethernet II decoder. Seeds in {@code EthernetFuzzTestInputs/fuzz/}; run by CI for a bounded time (see the
 * README, "Fuzzing").
 */
class EthernetFuzzTest {
    private static final EthernetCodec ETH = NetCodecs.ethernet();

    @FuzzTest(maxDuration = FuzzBudget.CI)
    void fuzz(byte[] input) {
        fuzzerTestOneInput(input);
    }

    /** Entry point of the Jazzer command line (the README's longer local run). */
    public static void fuzzerTestOneInput(byte[] input) {
        Properties.roundTrip(ETH.decode(input), ETH::encode, ETH::decode, input);
    }
}
