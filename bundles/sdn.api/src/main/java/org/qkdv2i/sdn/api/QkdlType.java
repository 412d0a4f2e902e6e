package org.qkdv2i.sdn.api;

/** Key association link type ({@code qkd-link-types}): VIRT a multi-hop relay link, PHYS a direct quantum channel. */
public enum QkdlType implements YangIdentity {
    VIRT("VIRT"),
    PHYS("PHYS");

    private final String identity;

    QkdlType(String identity) {
        this.identity = identity;
    }

    @Override
    public String identity() {
        return identity;
    }
}
