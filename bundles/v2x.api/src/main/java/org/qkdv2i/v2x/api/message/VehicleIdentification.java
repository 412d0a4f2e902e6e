package org.qkdv2i.v2x.api.message;

/**
 * {@code VehicleIdentification}: optional WMI number (IA5String of 1..3) and VDS (IA5String of
 * exactly 6) of the vehicle identification number; {@code null} when absent.
 */
public record VehicleIdentification(String wmiNumber, String vds) {
    public VehicleIdentification {
        Check.ia5("wMInumber", wmiNumber, 1, 3);
        Check.ia5("vDS", vds, 6, 6);
    }
}
