package org.qkdv2i.sdn.api;

/** Status of a node's QKD interface ({@code iface-status-types}). */
public enum QkdiStatus implements YangIdentity {
    ENABLED("ENABLED"),
    DISABLED("DISABLED"),
    FAILED("FAILED");

    private final String identity;

    QkdiStatus(String identity) {
        this.identity = identity;
    }

    @Override
    public String identity() {
        return identity;
    }
}
