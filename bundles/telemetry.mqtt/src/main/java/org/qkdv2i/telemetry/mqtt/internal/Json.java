package org.qkdv2i.telemetry.mqtt.internal;

import java.time.Instant;

/** Minimal JSON object writer for flat telemetry payloads (no dependency needed for flat records). */
final class Json {
    private final StringBuilder sb = new StringBuilder("{");

    Json put(String name, String value) {
        key(name);
        if (value == null) {
            sb.append("null");
            return this;
        }
        sb.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
        return this;
    }

    Json put(String name, Instant value) {
        return put(name, value == null ? null : value.toString());
    }

    Json put(String name, long value) {
        key(name);
        sb.append(value);
        return this;
    }

    /** NaN and infinities are not JSON numbers (RFC 8259 §6): written as null. */
    Json put(String name, double value) {
        key(name);
        sb.append(Double.isFinite(value) ? Double.toString(value) : "null");
        return this;
    }

    Json put(String name, boolean value) {
        key(name);
        sb.append(value);
        return this;
    }

    private void key(String name) {
        if (sb.length() > 1) {
            sb.append(',');
        }
        sb.append('"').append(name).append("\":");
    }

    @Override
    public String toString() {
        return sb + "}";
    }
}
