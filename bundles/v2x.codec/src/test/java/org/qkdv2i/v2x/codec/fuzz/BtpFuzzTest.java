package org.qkdv2i.v2x.codec.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

import org.qkdv2i.v2x.codec.net.BtpCodec;
import org.qkdv2i.v2x.codec.net.BtpPacket;
import org.qkdv2i.v2x.codec.net.NetCodecs;

/**
 * Jazzer target: the BTP-A/B decoder (EN 302 636-5-1 §7); the first octet's low bit picks A or B, as the GN common header would. Seeds in {@code BtpFuzzTestInputs/fuzz/}; run by CI for a bounded time (see the
 * README, "Fuzzing").
 */
class BtpFuzzTest {
    private static final BtpCodec BTP = NetCodecs.btp();

    @FuzzTest(maxDuration = FuzzBudget.CI)
    void fuzz(byte[] input) {
        fuzzerTestOneInput(input);
    }

    /** Entry point of the Jazzer command line (the README's longer local run). */
    public static void fuzzerTestOneInput(byte[] input) {
        if (input.length == 0) {
            Properties.typedError(BTP.decode(BtpPacket.Type.A, input), input);
            return;
        }
        BtpPacket.Type type = (input[0] & 1) == 0 ? BtpPacket.Type.A : BtpPacket.Type.B;
        byte[] octets = Arrays.copyOfRange(input, 1, input.length);
        Properties.roundTrip(BTP.decode(type, octets), BTP::encode, b -> BTP.decode(type, b), octets);
    }
}
