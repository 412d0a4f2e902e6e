package org.qkdv2i.radio.udp.internal;

/**
 * What a radio is on the air, for the optional V2I filter ({@link Hears#V2I}): a city of a
 * thousand vehicles need not carry every vehicle's CAMs to every other vehicle when only the
 * vehicle-infrastructure exchange is under study.
 */
public enum AirRole {
    /** Not a vehicle and not an RSU (a test tool, a probe): never filtered by role. */
    UNSPECIFIED(0),
    /** An on-board unit. */
    VEHICLE(AirDatagram.ROLE_VEHICLE),
    /** A road-side unit. */
    RSU(AirDatagram.ROLE_RSU);

    final int bits;

    AirRole(int bits) {
        this.bits = bits;
    }

    /** Which frames a radio takes part in. */
    public enum Hears {
        /** Every radio in range (V2V and V2I). */
        ALL,
        /**
         * Vehicle-to-infrastructure only: a {@link AirRole#VEHICLE} radio neither sends to nor
         * hears anything but {@link AirRole#RSU} radios (so V2V is not simulated); no effect on
         * RSUs and unspecified radios.
         */
        V2I
    }

    /** The role octet of a radio's datagrams (AirDatagram octet 53). */
    static int bits(AirRole role, Hears hears) {
        return role.bits | (hears == Hears.V2I && role == VEHICLE ? AirDatagram.ROLE_V2I_ONLY : 0);
    }

    /**
     * Whether a frame from a radio with role octet {@code sender} reaches one with {@code receiver}:
     * a V2I-only vehicle talks to RSUs alone, in both directions.
     */
    static boolean allows(int sender, int receiver) {
        if ((sender & AirDatagram.ROLE_V2I_ONLY) != 0 && (receiver & AirDatagram.ROLE_MASK) != AirDatagram.ROLE_RSU) {
            return false;
        }
        return (receiver & AirDatagram.ROLE_V2I_ONLY) == 0 || (sender & AirDatagram.ROLE_MASK) == AirDatagram.ROLE_RSU;
    }
}
