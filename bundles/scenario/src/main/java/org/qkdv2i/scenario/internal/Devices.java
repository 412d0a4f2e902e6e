package org.qkdv2i.scenario.internal;

import java.util.Map;

import org.qkdv2i.dpn.api.DpnEndpoint;
import org.qkdv2i.dpn.api.IdentityLog;
import org.qkdv2i.radio.udp.VirtualAirRadio;
import org.qkdv2i.v2x.api.adapter.V2xStack;
import org.qkdv2i.zap.api.DeviceAuthenticationUnit;
import org.qkdv2i.zap.api.MessageProtection;

/**
 * The city's devices as services, looked up by name ({@code dau.name}, {@code v2x.stack},
 * {@code radio.id}); any may be absent (not yet started, or gone) and then the lookup is null.
 * The OSGi implementation tracks the service registry ({@link OsgiDevices}); tests use fakes.
 */
interface Devices extends AutoCloseable {

    DpnEndpoint endpoint(String dau);

    DeviceAuthenticationUnit dau(String name);

    V2xStack stack(String name);

    VirtualAirRadio radio(String id);

    IdentityLog identityLog();

    MessageProtection protection();

    /** Registers a whiteboard service (station state providers, DPN message handlers); close() unregisters. */
    <S> AutoCloseable register(Class<S> type, S service, Map<String, Object> properties);

    @Override
    void close();
}
