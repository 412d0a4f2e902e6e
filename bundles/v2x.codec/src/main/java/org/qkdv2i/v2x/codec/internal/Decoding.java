package org.qkdv2i.v2x.codec.internal;

import java.util.function.Function;

import org.qkdv2i.v2x.codec.DecodeError;
import org.qkdv2i.v2x.codec.DecodeError.Kind;
import org.qkdv2i.v2x.codec.DecodeResult;

/** The one place where decoding failures become results: nothing escapes to the caller. */
final class Decoding {
    private Decoding() {
    }

    static <T> DecodeResult<T> run(byte[] input, String pdu, Function<BitReader, T> decoder) {
        if (input == null || input.length == 0) {
            return DecodeResult.failed(new DecodeError(Kind.TRUNCATED, pdu, 0, "no input"));
        }
        BitReader r = new BitReader(input);
        try {
            T value = decoder.apply(r);
            r.expectEnd(pdu);
            return DecodeResult.ok(value);
        } catch (DecodeFailure f) {
            return DecodeResult.failed(f.error());
        } catch (IllegalArgumentException e) {
            // a record's own range check caught what the reader let through
            return DecodeResult.failed(new DecodeError(Kind.OUT_OF_RANGE, pdu, r.position(), e.getMessage()));
        } catch (RuntimeException e) {
            // a defect of this codec must not become a crash of the receive path
            return DecodeResult.failed(new DecodeError(Kind.MALFORMED, pdu, r.position(),
                    "decoder defect: " + e.getClass().getSimpleName()));
        }
    }
}
