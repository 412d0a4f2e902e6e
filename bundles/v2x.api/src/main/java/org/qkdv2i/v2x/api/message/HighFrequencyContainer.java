package org.qkdv2i.v2x.api.message;

/**
 * CAM {@code HighFrequencyContainer ::= CHOICE {basicVehicleContainerHighFrequency,
 * rsuContainerHighFrequency, ...}}.
 */
public sealed interface HighFrequencyContainer
        permits BasicVehicleContainerHighFrequency, RsuContainerHighFrequency {
}
