package org.qkdv2i.sdn.api;

/** Status of a registered application ({@code app-status-types}). */
public enum AppStatus implements YangIdentity {
    ON("ON"),
    DISCONNECTED("DISCONNECTED"),
    OUT_OF_TIME("OUT-OF-TIME"),
    ZOMBIE("ZOMBIE");

    private final String identity;

    AppStatus(String identity) {
        this.identity = identity;
    }

    @Override
    public String identity() {
        return identity;
    }
}
