package org.qkdv2i.v2x.api.message;

/**
 * A Cooperative Awareness Message (EN 302 637-2 v1.4.1): {@code CAM ::= SEQUENCE {header,
 * cam CoopAwareness}} with CoopAwareness's generationDeltaTime (0..65535 ms, the station's
 * time stamp modulo 65536) and its CamParameters.
 *
 * @param lowFrequencyContainer {@code null} when absent
 * @param specialVehicleContainer {@code null} when absent
 */
public record Cam(ItsPduHeader header, int generationDeltaTime, BasicContainer basicContainer,
        HighFrequencyContainer highFrequencyContainer, BasicVehicleContainerLowFrequency lowFrequencyContainer,
        SpecialVehicleContainer specialVehicleContainer) {

    public Cam {
        Check.notNull("header", header);
        Check.range("generationDeltaTime", generationDeltaTime, 0, 65535);
        Check.notNull("basicContainer", basicContainer);
        Check.notNull("highFrequencyContainer", highFrequencyContainer);
    }

    /** A CAM without a special vehicle container. */
    public Cam(ItsPduHeader header, int generationDeltaTime, BasicContainer basicContainer,
            HighFrequencyContainer highFrequencyContainer, BasicVehicleContainerLowFrequency lowFrequencyContainer) {
        this(header, generationDeltaTime, basicContainer, highFrequencyContainer, lowFrequencyContainer, null);
    }

    /** generationDeltaTime for a TimestampIts (ms since 2004-01-01 UTC): its value modulo 65536 (EN 302 637-2 B.3). */
    public static int generationDeltaTimeOf(long timestampIts) {
        return (int) (timestampIts % 65536);
    }

    /** The sending station's ID from the header. */
    public long stationId() {
        return header.stationId();
    }
}
