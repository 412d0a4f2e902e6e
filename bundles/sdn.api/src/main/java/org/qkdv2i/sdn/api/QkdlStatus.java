package org.qkdv2i.sdn.api;

/** Status of a key association link ({@code link-status-types}): ACTIVE generating keys, PASSIVE not generating but keys left, PENDING waiting and no keys, OFF no generation and no keys. */
public enum QkdlStatus implements YangIdentity {
    ACTIVE("ACTIVE"),
    PASSIVE("PASSIVE"),
    PENDING("PENDING"),
    OFF("OFF");

    private final String identity;

    QkdlStatus(String identity) {
        this.identity = identity;
    }

    @Override
    public String identity() {
        return identity;
    }
}
