package org.qkdv2i.v2x.itsg5.internal.stack;

import java.time.Duration;
import java.util.Objects;

import org.qkdv2i.v2x.api.adapter.Profile;

/**
 * What a stack is configured with (both bundles' metatype map onto this).
 *
 * @param stackId the {@code v2x.stack} name
 * @param profile EU or US
 * @param stationId ITS station ID (CAM/DENM header, BSM temporary ID)
 * @param stationType TS 102 894-2 station type (15 = RSU)
 * @param signGenerated sign the generated CAMs/BSMs and DENMs (else unsecured)
 * @param acceptUnsecured deliver received unsecured messages
 * @param generate generate CAMs (EU) / BSMs (US) from the station state
 * @param camMin T_GenCamMin
 * @param camMax T_GenCamMax
 * @param lowFrequencyInterval interval of the CAM low-frequency container
 * @param bsmInterval BSM interval
 * @param maxAge freshness limit of signed messages (generation time vs. now)
 * @param gbcHopLimit maximum hop limit of GeoBroadcast DENMs
 */
public record StackConfig(String stackId, Profile profile, long stationId, int stationType, boolean signGenerated,
        boolean acceptUnsecured, boolean generate, Duration camMin, Duration camMax, Duration lowFrequencyInterval,
        Duration bsmInterval, Duration maxAge, int gbcHopLimit) {

    /** EN 302 637-2 §6.1.3: T_GenCamMin 100 ms, T_GenCamMax 1000 ms; LF container every 500 ms (§6.1.3). */
    public static final Duration CAM_MIN = Duration.ofMillis(100);
    public static final Duration CAM_MAX = Duration.ofMillis(1000);
    public static final Duration LF_INTERVAL = Duration.ofMillis(500);
    public static final Duration BSM_INTERVAL = Duration.ofMillis(100);

    public StackConfig {
        Objects.requireNonNull(stackId, "stackId");
        Objects.requireNonNull(profile, "profile");
        if (stationId < 0 || stationId > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("stationId " + stationId + " outside 0..4294967295");
        }
        if (stationType < 0 || stationType > 31) {
            throw new IllegalArgumentException("stationType " + stationType + " outside 0..31");
        }
        if (camMin.compareTo(CAM_MIN) < 0 || camMax.compareTo(CAM_MAX) > 0 || camMin.compareTo(camMax) > 0) {
            throw new IllegalArgumentException("CAM intervals must satisfy 100 ms <= min <= max <= 1000 ms");
        }
        if (bsmInterval.isNegative() || bsmInterval.isZero() || lowFrequencyInterval.isNegative() || maxAge.isNegative()) {
            throw new IllegalArgumentException("intervals must be positive");
        }
        if (gbcHopLimit < 1 || gbcHopLimit > 255) {
            throw new IllegalArgumentException("gbcHopLimit " + gbcHopLimit + " outside 1..255");
        }
    }

    /** Defaults of the standards, unsecured. */
    public static StackConfig defaults(String stackId, Profile profile, long stationId, int stationType) {
        return new StackConfig(stackId, profile, stationId, stationType, false, true, true, CAM_MIN, CAM_MAX,
                LF_INTERVAL, BSM_INTERVAL, Duration.ofSeconds(2), 10);
    }

    public StackConfig signed(boolean sign, boolean acceptUnsecuredMessages) {
        return new StackConfig(stackId, profile, stationId, stationType, sign, acceptUnsecuredMessages, generate, camMin,
                camMax, lowFrequencyInterval, bsmInterval, maxAge, gbcHopLimit);
    }

    public StackConfig generating(boolean on) {
        return new StackConfig(stackId, profile, stationId, stationType, signGenerated, acceptUnsecured, on, camMin,
                camMax, lowFrequencyInterval, bsmInterval, maxAge, gbcHopLimit);
    }

    public boolean isRsu() {
        return stationType == org.qkdv2i.v2x.api.message.StationType.ROAD_SIDE_UNIT;
    }
}
