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

    /** An optional IA5String of {@code min..max} characters (code points 0..127). */
    static String ia5(String name, String value, int min, int max) {
        if (value == null) {
            return null;
        }
        range(name + " length", value.length(), min, max);
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) > 127) {
                throw new IllegalArgumentException(name + " is not IA5 (ASCII): " + value);
            }
        }
        return value;
    }

    static <T> T notNull(String name, T value) {
        return Objects.requireNonNull(value, name + " is mandatory");
    }
}
