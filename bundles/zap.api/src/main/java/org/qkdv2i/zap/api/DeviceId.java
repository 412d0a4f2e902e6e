package org.qkdv2i.zap.api;

import java.util.regex.Pattern;

/**
 * A device identity: 128 bits derived by the DAU from its PUF secret and its device
 * measurement, written as 32 lower-case hex digits. Not secret.
 */
public record DeviceId(String value) implements Comparable<DeviceId> {

    private static final Pattern HEX32 = Pattern.compile("[0-9a-f]{32}");

    public DeviceId {
        if (value == null || !HEX32.matcher(value).matches()) {
            throw new IllegalArgumentException("a device ID is 32 lower-case hex digits, got " + value);
        }
    }

    @Override
    public int compareTo(DeviceId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
