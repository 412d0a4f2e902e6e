package org.qkdv2i.v2x.codec.fuzz;

import java.io.ByteArrayInputStream;
import java.util.Arrays;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.oer.Element;
import org.bouncycastle.oer.OEREncoder;
import org.bouncycastle.oer.OERInputStream;
import org.bouncycastle.oer.its.template.ieee1609dot2.IEEE1609dot2;
import org.qkdv2i.v2x.codec.DecodeResult;
import org.qkdv2i.v2x.codec.security.Ieee1609Dot2Codec;
import org.qkdv2i.v2x.codec.security.Ieee1609Dot2Codecs;
import org.qkdv2i.v2x.codec.security.SecuredData;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer target: IEEE 1609.2 {@code Ieee1609Dot2Data} decoding (COER). The codec has no public
 * encoder for signed or encrypted data, so an accepted input is re-encoded by Bouncy Castle's OER
 * writer: it must give the input back (the decoder accepts canonical COER only) and decode to the
 * same value; unsecured data must also equal {@code encodeUnsecured(payload)}. Seeds in
 * {@code Ieee1609DecodeFuzzTestInputs/fuzz/}.
 */
class Ieee1609DecodeFuzzTest {
    private static final Ieee1609Dot2Codec CODEC = Ieee1609Dot2Codecs.create();
    private static final Element DATA = IEEE1609dot2.Ieee1609Dot2Data.build();

    @FuzzTest(maxDuration = FuzzBudget.CI)
    void fuzz(byte[] input) {
        fuzzerTestOneInput(input);
    }

    /** Entry point of the Jazzer command line (the README's longer local run). */
    public static void fuzzerTestOneInput(byte[] input) {
        DecodeResult<SecuredData> r = CODEC.decode(input);
        Properties.typedError(r, input);
        if (!r.isOk()) {
            return;
        }
        SecuredData value = r.value();
        byte[] again = bcReencode(input);
        Properties.check(Arrays.equals(again, input), "accepted input is not canonical COER", input);
        DecodeResult<SecuredData> back = CODEC.decode(again);
        Properties.check(back.isOk() && Properties.sameSecuredData(value, back.value()),
                "re-encoding decodes to another value: " + back, input);
        if (value instanceof SecuredData.Unsecured u) {
            Properties.check(Arrays.equals(CODEC.encodeUnsecured(u.payload()), input),
                    "encodeUnsecured(payload) differs from the accepted input", input);
        }
    }

    private static byte[] bcReencode(byte[] input) {
        try (OERInputStream in = new OERInputStream(new ByteArrayInputStream(input), input.length)) {
            ASN1Encodable parsed = in.parse(DATA);
            return OEREncoder.toByteArray(parsed, DATA);
        } catch (Exception e) {
            throw new AssertionError("the codec accepted what Bouncy Castle's OER reader refuses: "
                    + Properties.HEX.formatHex(input), e);
        }
    }
}
