package org.qkdv2i.scenario.api;

import java.util.List;
import java.util.UUID;

/**
 * An application provisioned from the console.
 *
 * @param appId     the controller's application ID
 * @param path      node IDs from the master's node to the slave's (one entry per hop end)
 * @param keyId     the first key delivered to both SAEs (the ID only; never the key)
 * @param sameKey   whether the master and the slave got the same key bytes (checked, then zeroised)
 */
public record Provisioned(String appId, String masterSaeId, String slaveSaeId, List<String> path, UUID keyId,
        boolean sameKey) {
    public Provisioned {
        path = List.copyOf(path);
    }
}
