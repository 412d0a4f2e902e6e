package org.qkdv2i.sdn.controller.internal;

import java.time.Instant;

/**
 * What the controller knows of one configured agent.
 *
 * @param nodeId      configured node ID
 * @param url         agent base URL
 * @param reachable   whether the last poll got an answer
 * @param lastAnswer  when it last answered (null: never)
 * @param lastError   why the last poll or push failed ("" if it did not)
 * @param physLinks   PHYS links it reported
 * @param virtLinks   VIRT links it holds
 * @param apps        applications it holds
 */
public record NodeStatus(String nodeId, String url, boolean reachable, Instant lastAnswer, String lastError, int physLinks,
        int virtLinks, int apps) {
}
