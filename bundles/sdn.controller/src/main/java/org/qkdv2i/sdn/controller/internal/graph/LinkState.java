package org.qkdv2i.sdn.controller.internal.graph;

/** What the controller knows of a physical link's health, merged from the agents at both ends. */
public enum LinkState {
    /** Generating key, pools usable. */
    UP,
    /** Generating, but below expectations (high QBER, low rate): usable, penalised. */
    DEGRADED,
    /** Starting or not yet reported: not used for new paths. */
    UNKNOWN,
    /** No key generation: excluded from paths. */
    DOWN,
    /** The QKD protocol aborted on an eavesdropping alarm (QBER above threshold): excluded. */
    EAVESDROPPING;

    /** Whether a path may cross a link in this state. */
    public boolean usable() {
        return this == UP || this == DEGRADED;
    }

    /** The worse of two reports (the two ends of a link may disagree for a poll or two). */
    public LinkState worst(LinkState other) {
        return other == null ? this : (other.severity() > severity() ? other : this);
    }

    private int severity() {
        switch (this) {
            case UP:
                return 0;
            case DEGRADED:
                return 1;
            case UNKNOWN:
                return 2;
            case DOWN:
                return 3;
            default:
                return 4;
        }
    }
}
