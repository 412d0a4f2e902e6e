package org.qkdv2i.radio.udp;

import org.osgi.annotation.versioning.ProviderType;
import org.qkdv2i.v2x.api.StationState;
import org.qkdv2i.v2x.api.radio.Radio;

/**
 * A {@link Radio} on the virtual air, registered under this interface too, so a mobility model
 * (the scenario engine, a vehicle's positioning) can move it and a test or console can read
 * what the air did to its frames.
 */
@ProviderType
public interface VirtualAirRadio extends Radio {
    /**
     * Sets where this radio is from now on (latitude and longitude of {@code state}; the rest is
     * ignored). Frames sent afterwards carry this position; received frames are judged against it.
     */
    void updatePosition(StationState state);

    /** Forgets the position: range, path loss and sensitivity are not applied to this radio's links. */
    void clearPosition();

    /** A snapshot of the counters since activation. */
    AirStatistics statistics();
}
