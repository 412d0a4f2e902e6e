package org.qkdv2i.sdn.api;

/** Status of an SD-QKD node ({@code qkdn-status-types}): NEW installed, OPERATING up, DOWN not working as expected, FAILURE unreachable, OUT switched off. */
public enum QkdnStatus implements YangIdentity {
    NEW("NEW"),
    OPERATING("OPERATING"),
    DOWN("DOWN"),
    FAILURE("FAILURE"),
    OUT("OUT");

    private final String identity;

    QkdnStatus(String identity) {
        this.identity = identity;
    }

    @Override
    public String identity() {
        return identity;
    }
}
