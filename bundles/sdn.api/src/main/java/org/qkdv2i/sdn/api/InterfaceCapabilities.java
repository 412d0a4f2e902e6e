package org.qkdv2i.sdn.api;

/**
 * {@code qkdi_capabilities} of a QKD interface.
 *
 * @param roleSupport     the roles the module can take; null if absent
 * @param wavelengthRange WDM channels, e.g. {@code 1,12-20}; null if absent
 * @param maxAbsorption   largest supported absorption, dB (decimal64, 3 fraction digits); null if absent
 */
public record InterfaceCapabilities(QkdRoleType roleSupport, String wavelengthRange, Double maxAbsorption) {
}
