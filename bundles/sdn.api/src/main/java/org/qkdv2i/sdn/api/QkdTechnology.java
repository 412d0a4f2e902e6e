package org.qkdv2i.sdn.api;

/** QKD system base technology ({@code qkd-technology-types}). */
public enum QkdTechnology implements YangIdentity {
    CV_QKD("CV-QKD"),
    DV_QKD("DV-QKD"),
    DV_QKD_COW("DV-QKD-COW"),
    DV_QKD_2WS("DV-QKD-2Ws");

    private final String identity;

    QkdTechnology(String identity) {
        this.identity = identity;
    }

    @Override
    public String identity() {
        return identity;
    }
}
