package org.qkdv2i.qkd.api;

/** Operational state of a QKD link end. */
public enum LinkState {
    /** Starting up, aligning, bootstrapping authentication; no key yet. */
    STARTING,
    /** Producing key. */
    UP,
    /** Producing key below its nominal rate or near its QBER threshold. */
    DEGRADED,
    /** Not producing key: no channel, no peer, hardware fault. */
    DOWN,
    /** The last round was aborted because the estimated leakage leaves no secret key. */
    ABORTED_EAVESDROPPING
}
