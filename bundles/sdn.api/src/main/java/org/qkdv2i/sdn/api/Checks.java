package org.qkdv2i.sdn.api;

import java.util.List;

/** Value checks shared by the records (YANG types). */
final class Checks {

    static final long UINT32_MAX = 0xFFFF_FFFFL;

    private Checks() {
    }

    /** A YANG uint32 leaf: null (absent) or 0..4294967295. */
    static Long uint32(Long value, String leaf) {
        if (value != null && (value < 0 || value > UINT32_MAX)) {
            throw new IllegalArgumentException(leaf + " must be a uint32 (0.." + UINT32_MAX + "), got " + value);
        }
        return value;
    }

    /** A list key or mandatory identifier: not null, not blank. */
    static String id(String value, String leaf) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(leaf + " must not be empty");
        }
        return value;
    }

    /** Null becomes empty; the copy is immutable; null elements are refused. */
    static <T> List<T> list(List<T> value, String leaf) {
        if (value == null) {
            return List.of();
        }
        for (T t : value) {
            if (t == null) {
                throw new IllegalArgumentException(leaf + " contains a null entry");
            }
        }
        return List.copyOf(value);
    }
}
