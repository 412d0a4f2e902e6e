package org.qkdv2i.v2x.codec.fuzz;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.function.Function;

import org.qkdv2i.v2x.codec.DecodeError;
import org.qkdv2i.v2x.codec.DecodeResult;
import org.qkdv2i.v2x.codec.security.SecuredData;

/**
 * The properties every fuzz target checks, as plain code that throws {@link AssertionError} (a
 * Jazzer finding): a decoder returns a typed result for any input (an exception escaping it is a
 * finding by itself), an error names a field and an offset inside the input, and an accepted value
 * re-encodes to octets that decode to the same value.
 */
final class Properties {
    static final HexFormat HEX = HexFormat.of();

    private Properties() {
    }

    static void check(boolean condition, String what, byte[] input) {
        if (!condition) {
            throw new AssertionError(what + " for input " + (input == null ? "null" : HEX.formatHex(input)));
        }
    }

    /** A failed decode is a well-formed {@link DecodeError} that points into the input. */
    static void typedError(DecodeResult<?> r, byte[] input) {
        check(r != null, "decoder returned null", input);
        if (r.isOk()) {
            return;
        }
        DecodeError e = r.error();
        check(e.kind() != null && e.field() != null && !e.field().isEmpty() && e.detail() != null,
                "error without kind, field or detail: " + e, input);
        check(e.bitOffset() >= 0 && e.bitOffset() <= 8L * input.length, "error offset outside the input: " + e, input);
        check(!e.detail().contains("decoder defect"), "decoder defect: " + e, input);
    }

    /** decode(input) ok ⇒ decode(encode(value)) is ok and equal to value. */
    static <T> void roundTrip(DecodeResult<T> r, Function<T, byte[]> encode, Function<byte[], DecodeResult<T>> decode,
            byte[] input) {
        typedError(r, input);
        if (!r.isOk()) {
            return;
        }
        T value = r.value();
        byte[] again = encode.apply(value);
        DecodeResult<T> back = decode.apply(again);
        check(back.isOk(), "re-encoding of an accepted value does not decode: " + back, input);
        check(value.equals(back.value()), "re-encoding decodes to another value: " + value + " vs " + back.value(), input);
    }

    /** Value equality of decoded 1609.2 data (its records hold arrays, compared here by content). */
    static boolean sameSecuredData(SecuredData a, SecuredData b) {
        if (a instanceof SecuredData.Unsecured ua && b instanceof SecuredData.Unsecured ub) {
            return Arrays.equals(ua.payload(), ub.payload());
        }
        if (a instanceof SecuredData.Signed sa && b instanceof SecuredData.Signed sb) {
            return sa.header().equals(sb.header()) && Arrays.equals(sa.payload(), sb.payload())
                    && sa.signerKind() == sb.signerKind() && Objects.equals(sa.signerId(), sb.signerId())
                    && Arrays.equals(sa.signerCertificate(), sb.signerCertificate());
        }
        if (a instanceof SecuredData.Encrypted ea && b instanceof SecuredData.Encrypted eb) {
            return ea.equals(eb);
        }
        return false;
    }
}
