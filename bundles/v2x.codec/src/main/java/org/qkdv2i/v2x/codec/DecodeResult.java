package org.qkdv2i.v2x.codec;

import java.util.Objects;
import java.util.function.Function;

/**
 * The outcome of a decode: either a value or a {@link DecodeError}.
 *
 * @param <T> the decoded type
 */
public final class DecodeResult<T> {
    private final T value;
    private final DecodeError error;

    private DecodeResult(T value, DecodeError error) {
        this.value = value;
        this.error = error;
    }

    public static <T> DecodeResult<T> ok(T value) {
        return new DecodeResult<>(Objects.requireNonNull(value, "value"), null);
    }

    public static <T> DecodeResult<T> failed(DecodeError error) {
        return new DecodeResult<>(null, Objects.requireNonNull(error, "error"));
    }

    public boolean isOk() {
        return error == null;
    }

    /** The value; throws {@link IllegalStateException} naming the error if decoding failed. */
    public T value() {
        if (error != null) {
            throw new IllegalStateException("decoding failed: " + error);
        }
        return value;
    }

    /** The error; throws {@link IllegalStateException} if decoding succeeded. */
    public DecodeError error() {
        if (error == null) {
            throw new IllegalStateException("decoding succeeded");
        }
        return error;
    }

    public <U> DecodeResult<U> map(Function<? super T, ? extends U> f) {
        return error == null ? ok(f.apply(value)) : failed(error);
    }

    @Override
    public String toString() {
        return error == null ? "ok(" + value + ")" : "failed(" + error + ")";
    }
}
