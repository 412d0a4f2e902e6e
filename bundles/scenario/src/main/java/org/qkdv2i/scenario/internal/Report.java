package org.qkdv2i.scenario.internal;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.qkdv2i.scenario.api.CityView;

/**
 * What happened in a run, for the demo's final report and the story test: the totals, each
 * handover with its key ID and whether both base stations held the same key, each reroute, each
 * eavesdropping detection; per RSU and vehicle its V2X counters; the DPN sessions opened; when the
 * devices (DAUs enrolled, DPN endpoints listening) were ready (wall seconds since the start, NaN: never);
 * how far the links' simulated physics ran behind the clock ({@link Clock}).
 */
public record Report(String scenario, boolean ready, double readyAfterWallSeconds, double simSeconds,
        CityView.Totals totals, Map<String, Long> eventCounts, List<Handover> handovers, List<Reroute> reroutes,
        List<Detection> detections, long keyRequestsFailed, List<String> problems, List<V2xCount> v2x,
        long dpnSessionsOpened, double devicesReadyAfterWallSeconds, Clock clock, long rsuSetUpsFull,
        long rsuSetUpsFast, List<V2xTotal> v2xWhilePlaying) {

    public Report {
        eventCounts = Map.copyOf(eventCounts);
        handovers = List.copyOf(handovers);
        reroutes = List.copyOf(reroutes);
        detections = List.copyOf(detections);
        problems = List.copyOf(problems);
        v2x = List.copyOf(v2x);
        v2xWhilePlaying = List.copyOf(v2xWhilePlaying);
    }

    /**
     * The simulated clock against the links' physics over the run (see {@link CityView.Clock}).
     *
     * @param requestedSpeed   simulated seconds per wall second asked for ({@code --speed}; the last one)
     * @param clockSpeed       simulated seconds the clock made per wall second since it started
     * @param heldS            simulated seconds the clock was behind the requested speed at the end
     * @param maxHeldS         the most it was held back
     * @param lagS             the slowest link's lag behind the requested speed at the end, simulated s
     * @param peakLagS         the largest lag seen, on {@code peakLagLink} at simulated {@code peakLagAtS}
     * @param behindS          simulated seconds during which the clock was held back
     * @param toleranceS       how far the clock may run ahead of the slowest link (two rounds plus
     *                         the drivers' update interval): a lag up to it is pacing in rounds
     * @param peakLagByLink    per link with a simulated driver, its largest lag
     * @param eventsDeferred   timeline weather/attack changes that waited for their link to reach their time
     * @param maxDeferralS     the longest such wait, simulated seconds of the city's clock
     * @param eventsPending    changes still waiting at the end (their links never got there)
     * @param maxAheadS        the most the fastest link's physics was ahead of the held clock (it paces
     *                         to the requested speed): timeline changes reached it that much late
     */
    public record Clock(double requestedSpeed, double clockSpeed, double heldS, double maxHeldS, double lagS,
            double peakLagS, String peakLagLink, double peakLagAtS, double behindS, double toleranceS,
            Map<String, Double> peakLagByLink, int eventsDeferred, double maxDeferralS, int eventsPending,
            double maxAheadS) {
        public Clock {
            peakLagByLink = Map.copyOf(peakLagByLink);
        }
    }

    /**
     * A session transfer between base stations over their DPN session (paper Figure 6).
     *
     * @param keyId          the KMM's ID of the QKD key mixed into the base stations' DPN session for
     *                       this transfer (DpnSession.quantumKeyId), null if the session did not name one
     * @param sameKey        both base stations' ends of the DPN session export the same bytes (their
     *                       SHA-256 hashes compared), at the same epoch: the same session keys, so the
     *                       same QKD key mixed in
     * @param contextOpened  the new base station received the context intact over the session
     * @param path           the relay path of the handover application's keys, node by node
     * @param dpnSession     the base stations' DPN session ID (hex)
     * @param epoch          its key epoch used (0 = set-up, n = n-th rekey, each with a fresh QKD key)
     * @param quantumKeyed   both ends report a QKD key mixed into the session
     * @param fingerprint    first 16 bytes (hex) of SHA-256 of the session's exporter output (label
     *                       {@code qkdv2i/city/handover-proof}): a hash, never key bytes
     * @param servingSession the new RSU's DPN session to the vehicle (hex), null if not opened
     */
    public record Handover(double atS, String vehicle, String from, String to, UUID keyId, boolean sameKey,
            boolean contextOpened, List<String> path, String failure, String dpnSession, int epoch,
            boolean quantumKeyed, String fingerprint, String servingSession) {
        public Handover {
            path = List.copyOf(path);
        }
    }

    /**
     * One RSU's or vehicle's V2X counters, from its stack ({@code V2xStack.statistics()}).
     *
     * @param delivered       messages received, verified (SIGNED / PSK) and delivered
     * @param refusedBy       the refusals by cause ({@code StackStatistics.refusedBy()}: STALE, UNKNOWN_SIGNER, NO_PSK, …)
     * @param pskPayloads     serving greetings it received protected with a DPN-exported PSK
     * @param servingSessions DPN sessions it opened to vehicles (RSUs)
     */
    public record V2xCount(String station, String kind, String technology, long sent, long received, long delivered,
            long refused, Map<String, Long> refusedBy, long pskPayloads, long servingSessions) {
        public V2xCount {
            refusedBy = Map.copyOf(refusedBy);
        }
    }

    /**
     * The V2X counters of all RSUs or all vehicles while the clock ran (from its start to the
     * report), without what the stacks did while the city was still starting.
     *
     * @param kind        {@code RSU} or {@code VEHICLE}
     * @param stations    how many
     * @param wallSeconds wall time from the clock's start to the report
     * @param refusedBy   {@code refused} by cause, as in {@link V2xCount}
     */
    public record V2xTotal(String kind, int stations, double wallSeconds, long sent, long received, long delivered,
            long refused, Map<String, Long> refusedBy) {
        public V2xTotal {
            refusedBy = Map.copyOf(refusedBy);
        }
    }

    /** An application's relay path changed. */
    public record Reroute(double atS, String app, List<String> before, List<String> after) {
        public Reroute {
            before = List.copyOf(before);
            after = List.copyOf(after);
        }
    }

    /** A link reported eavesdropping (its QKD rounds aborted). */
    public record Detection(double atS, String link, String attack, double qber) {
    }
}
