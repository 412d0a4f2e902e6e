package org.qkdv2i.sdn.api;

/** Physical performance parameter types ({@code phys-perf-types}). */
public enum PhysPerfType implements YangIdentity {
    QBER("QBER"),
    SNR("SNR");

    private final String identity;

    PhysPerfType(String identity) {
        this.identity = identity;
    }

    @Override
    public String identity() {
        return identity;
    }
}
