package org.qkdv2i.sdn.controller.internal.graph;

import java.util.Set;

/**
 * What one reroute pass did to one relay path.
 *
 * @param kind   MOVED (to a new path), NO_PATH (old path broken, none other: kept), RECOVERED
 *               (a NO_PATH relay path is usable again, on its old or a new path), RETURNED (moved
 *               back onto a clearly cheaper path once links returned)
 * @param apps   the applications it carries
 * @param from   the path before
 * @param to     the path after (== from for NO_PATH)
 * @param reason the links that broke the old path, with their state; for RETURNED the costs
 */
public record RerouteEvent(Kind kind, String firstEnd, String lastEnd, Set<String> apps, Path from, Path to,
        String reason) {

    public enum Kind {
        MOVED, NO_PATH, RECOVERED, RETURNED
    }
}
