package org.qkdv2i.v2x.api.message;

import java.util.List;

/**
 * CAM {@code RSUContainerHighFrequency}: the protected communication zones an RSU announces
 * (ProtectedCommunicationZonesRSU, 1..16 entries), or none (the component is absent when the
 * list is empty).
 */
public record RsuContainerHighFrequency(List<ProtectedCommunicationZone> protectedCommunicationZones)
        implements HighFrequencyContainer {
    public RsuContainerHighFrequency {
        protectedCommunicationZones = List.copyOf(Check.notNull("protectedCommunicationZones", protectedCommunicationZones));
        Check.range("protectedCommunicationZones size", protectedCommunicationZones.size(), 0, 16);
    }
}
