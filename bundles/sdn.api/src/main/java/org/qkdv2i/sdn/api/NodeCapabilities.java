package org.qkdv2i.sdn.api;

/**
 * {@code qkdn_capabilities}: what an SD-QKD node exposes and supports.
 *
 * @param linkStatsSupport         link statistics (SKR, consumption, status, QBER) exposed
 * @param applicationStatsSupport  application statistics exposed
 * @param keyRelayModeEnable       key relay (multi-hop) services supported
 */
public record NodeCapabilities(boolean linkStatsSupport, boolean applicationStatsSupport, boolean keyRelayModeEnable) {

    /** The YANG defaults: all true. */
    public static NodeCapabilities defaults() {
        return new NodeCapabilities(true, true, true);
    }
}
