package org.qkdv2i.shell.internal;

import java.nio.file.Path;
import java.util.Locale;

import org.qkdv2i.zap.api.DeviceId;

/** Small helpers shared by the {@code zap:} and {@code dpn:} commands. */
final class Commands {

    private Commands() {
    }

    /** A runtime failure of a service as one line: its message, or its type if it has none. */
    static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.replaceAll("\\s+", " ");
    }

    /** A device ID as an operator types it (upper case tolerated). */
    static DeviceId deviceId(String s) throws Refusal {
        try {
            return new DeviceId(s == null ? "" : s.trim().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new Refusal("not a device ID: '" + s + "' (32 hex digits, as zap:daus and dpn:log show them)");
        }
    }

    /** A file name relative to the working directory (the node home), as the driver commands do. */
    static Path file(String name) {
        return Path.of("").resolve(name.trim()).toAbsolutePath().normalize();
    }
}
