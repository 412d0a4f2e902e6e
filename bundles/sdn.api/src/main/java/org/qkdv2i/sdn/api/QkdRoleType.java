package org.qkdv2i.sdn.api;

/** Working mode of a QKD module ({@code qkd-role-types}). */
public enum QkdRoleType implements YangIdentity {
    TRANSMITTER("TRANSMITTER"),
    RECEIVER("RECEIVER"),
    TRANSCEIVER("TRANSCEIVER");

    private final String identity;

    QkdRoleType(String identity) {
        this.identity = identity;
    }

    @Override
    public String identity() {
        return identity;
    }
}
