package org.qkdv2i.v2x.itsg5.internal.stack;

import java.time.Duration;
import java.time.Instant;

import org.qkdv2i.v2x.api.StationState;

/**
 * The CAM generation frequency management of ETSI EN 302 637-2 v1.4.1 §6.1.3 (without DCC, so
 * T_GenCam_DCC = T_GenCamMin). Called at every check (T_CheckCamGen ≤ T_GenCamMin); decides
 * whether a CAM is generated now and whether it carries the low-frequency container. Not
 * thread-safe: the engine calls it under its lock.
 */
final class CamGenerationRules {
    /** §6.1.3: N_GenCam, CAMs generated under condition 2 before T_GenCam returns to T_GenCamMax. */
    static final int N_GEN_CAM = 3;
    /** §6.1.3 condition 1 thresholds: heading 4° (0.1° units), position 4 m, speed 0.5 m/s (0.01 m/s units). */
    static final int HEADING_THRESHOLD = 40;
    static final double POSITION_THRESHOLD_M = 4.0;
    static final int SPEED_THRESHOLD = 50;

    /** The decision at one check. */
    record Decision(boolean generate, boolean lowFrequency, String trigger) {
        static final Decision NONE = new Decision(false, false, null);
    }

    private final Duration min;
    private final Duration max;
    private final Duration lfInterval;
    private final boolean rsu;

    private Duration tGenCam;
    private int condition2Count;
    private Instant lastCam;
    private StationState lastState;
    private Instant lastLowFrequency;

    CamGenerationRules(Duration min, Duration max, Duration lfInterval, boolean rsu) {
        this.min = min;
        this.max = max;
        this.lfInterval = lfInterval;
        this.rsu = rsu;
        this.tGenCam = max;
    }

    Decision check(Instant now, StationState state) {
        if (lastCam == null) {
            return generated(now, state, "first");
        }
        Duration elapsed = Duration.between(lastCam, now);
        if (elapsed.compareTo(min) < 0) {
            return Decision.NONE;
        }
        // an RSU does not move: its CAMs follow condition 2 only, at T_GenCamMax
        if (!rsu) {
            String dynamics = dynamicsTrigger(state);
            if (dynamics != null) {
                // condition 1: T_GenCam := time elapsed since the last CAM
                tGenCam = elapsed.compareTo(max) > 0 ? max : elapsed;
                condition2Count = 0;
                return generated(now, state, dynamics);
            }
        }
        if (elapsed.compareTo(tGenCam) >= 0) {
            // condition 2; after N_GenCam of them T_GenCam returns to T_GenCamMax
            if (++condition2Count >= N_GEN_CAM) {
                tGenCam = max;
            }
            return generated(now, state, "time");
        }
        return Decision.NONE;
    }

    Duration currentTGenCam() {
        return tGenCam;
    }

    /**
     * The earliest epoch millisecond at which {@link #check} can decide to generate: before it,
     * every check returns {@link Decision#NONE} whatever the station state (elapsed < T_GenCamMin;
     * an RSU also waits for T_GenCam). {@link Long#MIN_VALUE} before the first CAM. Lets the engine
     * skip a tick without reading the station state or allocating.
     */
    long earliestNextMillis() {
        if (lastCam == null) {
            return Long.MIN_VALUE;
        }
        Duration wait = rsu && tGenCam.compareTo(min) > 0 ? tGenCam : min;
        return lastCam.toEpochMilli() + wait.toMillis();
    }

    private Decision generated(Instant now, StationState state, String trigger) {
        boolean lf = !rsu && (lastLowFrequency == null || Duration.between(lastLowFrequency, now).compareTo(lfInterval) >= 0);
        if (lf) {
            lastLowFrequency = now;
        }
        lastCam = now;
        lastState = state;
        return new Decision(true, lf, trigger);
    }

    private String dynamicsTrigger(StationState s) {
        StationState p = lastState;
        if (p.heading() <= 3600 && s.heading() <= 3600) {
            int d = Math.abs(s.heading() - p.heading());
            if (Math.min(d, 3600 - d) > HEADING_THRESHOLD) {
                return "heading";
            }
        }
        if (distanceMetres(p.latitude(), p.longitude(), s.latitude(), s.longitude()) > POSITION_THRESHOLD_M) {
            return "position";
        }
        if (p.speed() < 16383 && s.speed() < 16383 && Math.abs(s.speed() - p.speed()) > SPEED_THRESHOLD) {
            return "speed";
        }
        return null;
    }

    /** Equirectangular distance, ample for the few metres compared here. Units: 0.1 microdegree. */
    static double distanceMetres(int lat1, int lon1, int lat2, int lon2) {
        double r = 6_371_008.8;
        double phi1 = Math.toRadians(lat1 / 1e7);
        double phi2 = Math.toRadians(lat2 / 1e7);
        double dLon = Math.toRadians((lon2 - (double) lon1) / 1e7);
        double x = dLon * Math.cos((phi1 + phi2) / 2);
        double y = phi2 - phi1;
        return r * Math.sqrt(x * x + y * y);
    }
}
