package org.qkdv2i.sdn.controller.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.qkdv2i.sdn.controller.internal.graph.AppRequest;

/**
 * One configured agent: the node ID and the base URL of its ETSI GS QKD 015 server
 * ({@code NODE=https://host:port}). The agent's server certificate must carry CN = node ID.
 */
record AgentRef(String nodeId, URI base) {

    /** Parses the {@code agents} option; every entry must be valid, node IDs unique. */
    static List<AgentRef> parse(String[] entries) {
        List<AgentRef> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        if (entries == null) {
            return out;
        }
        List<String> flat = new ArrayList<>();
        for (String raw : entries) {
            // a plain .cfg file gives the list as one comma-separated string
            if (raw != null) {
                for (String part : raw.split(",")) {
                    if (!part.isBlank()) {
                        flat.add(part.trim());
                    }
                }
            }
        }
        for (String e : flat) {
            int eq = e.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("agent entry '" + e + "' is not NODE=https://host:port");
            }
            String node = e.substring(0, eq).trim();
            String url = e.substring(eq + 1).trim();
            if (!AppRequest.ID.matcher(node).matches()) {
                throw new IllegalArgumentException("agent entry '" + e + "': invalid node ID");
            }
            URI uri;
            try {
                uri = new URI(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
            } catch (URISyntaxException x) {
                throw new IllegalArgumentException("agent entry '" + e + "': invalid URL: " + x.getMessage());
            }
            if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null || uri.getPort() <= 0) {
                throw new IllegalArgumentException("agent entry '" + e + "': the URL must be https://host:port");
            }
            if (!seen.add(node)) {
                throw new IllegalArgumentException("agent entry '" + e + "': node " + node + " listed twice");
            }
            out.add(new AgentRef(node, uri));
        }
        return out;
    }
}
