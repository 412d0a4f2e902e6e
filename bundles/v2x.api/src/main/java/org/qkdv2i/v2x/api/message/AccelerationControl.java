package org.qkdv2i.v2x.api.message;

/**
 * {@code AccelerationControl ::= BIT STRING (SIZE(7))}. Bit {@code n} of {@link #bits()} is
 * the ASN.1 named bit {@code n} (named bit 0 is the first bit on the wire).
 */
public record AccelerationControl(int bits) {
    public static final int BRAKE_PEDAL_ENGAGED = 0;
    public static final int GAS_PEDAL_ENGAGED = 1;
    public static final int EMERGENCY_BRAKE_ENGAGED = 2;
    public static final int COLLISION_WARNING_ENGAGED = 3;
    public static final int ACC_ENGAGED = 4;
    public static final int CRUISE_CONTROL_ENGAGED = 5;
    public static final int SPEED_LIMITER_ENGAGED = 6;

    public AccelerationControl {
        Check.range("accelerationControl", bits, 0, 0x7F);
    }

    /** Whether named bit {@code namedBit} (0..6) is set. */
    public boolean isSet(int namedBit) {
        return (bits >> namedBit & 1) != 0;
    }
}
