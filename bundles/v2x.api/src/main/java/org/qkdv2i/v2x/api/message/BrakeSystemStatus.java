package org.qkdv2i.v2x.api.message;

/**
 * J2735 {@code BrakeSystemStatus}. {@code wheelBrakes} is BrakeAppliedStatus
 * ({@code BIT STRING (SIZE(5))}): bit {@code n} is the named bit {@code n} (0 unavailable,
 * 1 leftFront, 2 leftRear, 3 rightFront, 4 rightRear).
 */
public record BrakeSystemStatus(int wheelBrakes, ControlStatus traction, ControlStatus abs, ControlStatus scs,
        BrakeBoostApplied brakeBoost, AuxiliaryBrakeStatus auxBrakes) {
    public static final int WHEEL_BRAKES_UNAVAILABLE = 0;
    public static final int LEFT_FRONT = 1;
    public static final int LEFT_REAR = 2;
    public static final int RIGHT_FRONT = 3;
    public static final int RIGHT_REAR = 4;
    /** Nothing known: the unavailable bit set, every status unavailable. */
    public static final BrakeSystemStatus UNAVAILABLE = new BrakeSystemStatus(1, ControlStatus.UNAVAILABLE,
            ControlStatus.UNAVAILABLE, ControlStatus.UNAVAILABLE, BrakeBoostApplied.UNAVAILABLE,
            AuxiliaryBrakeStatus.UNAVAILABLE);

    public BrakeSystemStatus {
        Check.range("wheelBrakes", wheelBrakes, 0, 0x1F);
        Check.notNull("traction", traction);
        Check.notNull("abs", abs);
        Check.notNull("scs", scs);
        Check.notNull("brakeBoost", brakeBoost);
        Check.notNull("auxBrakes", auxBrakes);
    }

    /** Whether BrakeAppliedStatus named bit {@code namedBit} (0..4) is set. */
    public boolean wheelBrakeSet(int namedBit) {
        return (wheelBrakes >> namedBit & 1) != 0;
    }
}
