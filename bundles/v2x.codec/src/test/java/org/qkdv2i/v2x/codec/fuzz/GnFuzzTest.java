package org.qkdv2i.v2x.codec.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.qkdv2i.v2x.codec.net.GeoNetworkingCodec;
import org.qkdv2i.v2x.codec.net.NetCodecs;

/**
 * Jazzer target: the GeoNetworking decoder (EN 302 636-4-1 §9), strict and link-payload forms. Seeds in {@code GnFuzzTestInputs/fuzz/}; run by CI for a bounded time (see the
 * README, "Fuzzing").
 */
class GnFuzzTest {
    private static final GeoNetworkingCodec GN = NetCodecs.geoNetworking();

    @FuzzTest(maxDuration = FuzzBudget.CI)
    void fuzz(byte[] input) {
        fuzzerTestOneInput(input);
    }

    /** Entry point of the Jazzer command line (the README's longer local run). */
    public static void fuzzerTestOneInput(byte[] input) {
        Properties.roundTrip(GN.decode(input), GN::encode, GN::decode, input);
        // the receive path over Ethernet: octets after the packet are padding
        Properties.roundTrip(GN.decodeLinkPayload(input), GN::encode, GN::decode, input);
    }
}
