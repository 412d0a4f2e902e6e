package org.qkdv2i.console.internal;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Refuses requests whose {@code Host} is not a name of this console (DNS rebinding: a web page
 * whose own name suddenly resolves to 127.0.0.1 would otherwise be "same origin" with the
 * console). On loopback only loopback names are accepted, plus {@code allowedHosts}; bound to a
 * wildcard address with no {@code allowedHosts}, any Host is accepted (the operator chose to
 * expose it, and was warned).
 */
final class HostCheck {

    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "::1", "[::1]");

    private final Set<String> allowed; // null: any

    private HostCheck(Set<String> allowed) {
        this.allowed = allowed;
    }

    static HostCheck of(String bindAddress, List<String> allowedHosts) {
        String bind = bindAddress == null ? "" : bindAddress.trim().toLowerCase(Locale.ROOT);
        boolean wildcard = bind.isEmpty() || "0.0.0.0".equals(bind) || "::".equals(bind) || "[::]".equals(bind);
        if (wildcard && allowedHosts.isEmpty()) {
            return new HostCheck(null);
        }
        Set<String> names = new HashSet<>(LOOPBACK);
        if (!wildcard) {
            names.add(bind);
        }
        for (String h : allowedHosts) {
            if (h != null && !h.isBlank()) {
                names.add(h.trim().toLowerCase(Locale.ROOT));
            }
        }
        return new HostCheck(Set.copyOf(names));
    }

    void check(String hostHeader) throws Problem {
        if (allowed == null || hostHeader == null) {
            return; // HTTP/1.0 without Host cannot come from a rebinding browser
        }
        String name = name(hostHeader.trim().toLowerCase(Locale.ROOT));
        if (!allowed.contains(name)) {
            throw new Problem(403, "Host '" + (name.length() > 80 ? name.substring(0, 80) : name)
                    + "' is not a name of this console; open it as http://localhost:<port>/ (or add the name to "
                    + "allowedHosts in org.qkdv2i.console.Console)");
        }
    }

    /** The host part of a Host header: {@code name}, {@code name:port}, {@code [v6]} or {@code [v6]:port}. */
    static String name(String host) {
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end < 0 ? host : host.substring(0, end + 1);
        }
        int colon = host.lastIndexOf(':');
        return colon < 0 ? host : host.substring(0, colon);
    }
}
