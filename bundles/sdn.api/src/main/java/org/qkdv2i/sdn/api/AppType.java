package org.qkdv2i.sdn.api;

/** Application class ({@code qkd-app-types}): CLIENT an external SAE pair, INTERNAL the node's own use (relay, authentication). */
public enum AppType implements YangIdentity {
    CLIENT("CLIENT"),
    INTERNAL("INTERNAL");

    private final String identity;

    AppType(String identity) {
        this.identity = identity;
    }

    @Override
    public String identity() {
        return identity;
    }
}
