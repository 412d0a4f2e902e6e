package org.qkdv2i.v2x.codec.internal.net;

import java.util.function.Function;

import org.qkdv2i.v2x.codec.DecodeError;
import org.qkdv2i.v2x.codec.DecodeError.Kind;
import org.qkdv2i.v2x.codec.DecodeResult;

/** Where header decoding failures become results: nothing escapes to the caller. */
final class NetDecoding {
    private NetDecoding() {
    }

    static <T> DecodeResult<T> run(byte[] input, String pdu, Function<ByteIn, T> decoder) {
        return run(input, pdu, decoder, false);
    }

    /** @param linkPadding octets after the packet are link-layer padding, not an error */
    static <T> DecodeResult<T> run(byte[] input, String pdu, Function<ByteIn, T> decoder, boolean linkPadding) {
        if (input == null || input.length == 0) {
            return DecodeResult.failed(new DecodeError(Kind.TRUNCATED, pdu, 0, "no input"));
        }
        ByteIn in = new ByteIn(input);
        try {
            T value = decoder.apply(in);
            if (in.remaining() != 0 && !linkPadding) {
                return DecodeResult.failed(new DecodeError(Kind.TRAILING_DATA, pdu, in.position() * 8L,
                        in.remaining() + " octet(s) after the " + pdu));
            }
            return DecodeResult.ok(value);
        } catch (NetFailure f) {
            return DecodeResult.failed(f.error());
        } catch (IllegalArgumentException e) {
            // a record's own range check caught what the decoder let through
            return DecodeResult.failed(new DecodeError(Kind.OUT_OF_RANGE, pdu, in.position() * 8L, e.getMessage()));
        } catch (RuntimeException e) {
            // a defect of this codec must not become a crash of the receive path
            return DecodeResult.failed(new DecodeError(Kind.MALFORMED, pdu, in.position() * 8L,
                    "decoder defect: " + e.getClass().getSimpleName()));
        }
    }
}
