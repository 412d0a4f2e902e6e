package org.qkdv2i.v2x.api.message;

/** J2735 {@code VehicleSize}: width (0..1023 cm) and length (0..4095 cm); 0 means unavailable. */
public record VehicleSize(int width, int length) {
    public VehicleSize {
        Check.range("width", width, 0, 1023);
        Check.range("length", length, 0, 4095);
    }
}
