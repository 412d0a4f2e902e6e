package org.qkdv2i.v2x.api.message;

import java.util.Objects;

/** Range checks shared by the records: the ASN.1 constraint is the contract. */
final class Check {
    private Check() {
    }

    static int range(String name, int value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " " + value + " outside " + min + ".." + max);
        }
        return value;
    }

    static long range(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " " + value + " outside " + min + ".." + max);
        }
        return value;
    }

    static Integer optional(String name, Integer value, long min, long max) {
        if (value != null) {
            range(name, value.intValue(), min, max);
        }
        return value;
    }

    static <T> T notNull(String name, T value) {
        return Objects.requireNonNull(value, name + " is mandatory");
    }
}
