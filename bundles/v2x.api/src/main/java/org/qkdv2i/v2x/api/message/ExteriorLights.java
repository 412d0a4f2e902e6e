package org.qkdv2i.v2x.api.message;

/**
 * {@code ExteriorLights ::= BIT STRING (SIZE(8))}. Bit {@code n} of {@link #bits()} is the
 * ASN.1 named bit {@code n} (named bit 0 is the first bit on the wire).
 */
public record ExteriorLights(int bits) {
    public static final int LOW_BEAM_HEADLIGHTS_ON = 0;
    public static final int HIGH_BEAM_HEADLIGHTS_ON = 1;
    public static final int LEFT_TURN_SIGNAL_ON = 2;
    public static final int RIGHT_TURN_SIGNAL_ON = 3;
    public static final int DAYTIME_RUNNING_LIGHTS_ON = 4;
    public static final int REVERSE_LIGHT_ON = 5;
    public static final int FOG_LIGHT_ON = 6;
    public static final int PARKING_LIGHTS_ON = 7;
    public static final ExteriorLights NONE = new ExteriorLights(0);

    public ExteriorLights {
        Check.range("exteriorLights", bits, 0, 0xFF);
    }

    /** Whether named bit {@code namedBit} (0..7) is set. */
    public boolean isSet(int namedBit) {
        return (bits >> namedBit & 1) != 0;
    }

    /** These lights with named bit {@code namedBit} set. */
    public ExteriorLights with(int namedBit) {
        return new ExteriorLights(bits | 1 << namedBit);
    }
}
