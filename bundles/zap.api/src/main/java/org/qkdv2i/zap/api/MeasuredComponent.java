package org.qkdv2i.zap.api;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One measured part of a device (paper §3: the identity is "derived from the device
 * hardware, software, and system configuration"): its kind, a name and the SHA-256 of
 * what was measured.
 */
public record MeasuredComponent(Kind kind, String name, byte[] sha256) {

    public enum Kind { HARDWARE, SOFTWARE, CONFIGURATION }

    public MeasuredComponent {
        if (kind == null || name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a measured component needs a kind and a name");
        }
        if (sha256 == null || sha256.length != 32) {
            throw new IllegalArgumentException("component " + name + ": sha256 must be 32 bytes");
        }
        sha256 = sha256.clone();
    }

    @Override
    public byte[] sha256() {
        return sha256.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MeasuredComponent m && kind == m.kind && name.equals(m.name)
                && Arrays.equals(sha256, m.sha256);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * kind.hashCode() + name.hashCode()) + Arrays.hashCode(sha256);
    }

    @Override
    public String toString() {
        return kind + ":" + name + "=" + HexFormat.of().formatHex(sha256);
    }
}
