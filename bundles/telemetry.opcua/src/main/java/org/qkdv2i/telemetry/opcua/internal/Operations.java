package org.qkdv2i.telemetry.opcua.internal;

import java.util.Collection;
import java.util.Optional;

import org.qkdv2i.dpn.api.DpnEndpoint;
import org.qkdv2i.kmm.api.LinkControl;

/** What the OPC UA methods act on; services that may come and go (looked up per call). */
interface Operations {

    /** The {@link LinkControl} of {@code node}, if one is registered now. */
    Optional<LinkControl> linkControl(String node);

    /** The DPN endpoint named {@code dauName}, if one is registered now. */
    Optional<DpnEndpoint> dpnEndpoint(String dauName);

    /** Names ({@code dau.name}) of the DPN endpoints shown under Adapters/DPN. */
    Collection<String> dpnEndpointNames();

    Operations NONE = new Operations() {
        @Override
        public Optional<LinkControl> linkControl(String node) {
            return Optional.empty();
        }

        @Override
        public Optional<DpnEndpoint> dpnEndpoint(String dauName) {
            return Optional.empty();
        }

        @Override
        public Collection<String> dpnEndpointNames() {
            return java.util.List.of();
        }
    };
}
