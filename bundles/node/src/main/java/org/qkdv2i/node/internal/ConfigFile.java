package org.qkdv2i.node.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes the typed configuration format of Felix ConfigAdmin/FileInstall ({@code .config}):
 * {@code key="text"}, {@code key=I"8443"}, {@code key=["a","b"]}; lines starting with # are
 * comments.
 */
final class ConfigFile {

    private final List<String> lines = new ArrayList<>();

    private ConfigFile() {
    }

    static ConfigFile builder() {
        return new ConfigFile();
    }

    ConfigFile comment(String text) {
        lines.add("# " + text.replace('\n', ' '));
        return this;
    }

    ConfigFile string(String key, String value) {
        lines.add(key + "=" + quote(value));
        return this;
    }

    ConfigFile integer(String key, int value) {
        lines.add(key + "=I" + quote(Integer.toString(value)));
        return this;
    }

    ConfigFile strings(String key, String... values) {
        StringBuilder sb = new StringBuilder(key).append("=[");
        for (int i = 0; i < values.length; i++) {
            sb.append(i == 0 ? "" : ",").append(quote(values[i]));
        }
        lines.add(sb.append(']').toString());
        return this;
    }

    String build() {
        return String.join("\n", lines) + "\n";
    }

    /** Quotes per the ConfigAdmin format: backslash, quote and non-printable characters escaped. */
    static String quote(String value) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"', '\\' -> sb.append('\\').append(c);
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
