package org.qkdv2i.v2x.api.adapter;

import java.util.Map;

/**
 * Counters of one stack since its activation.
 *
 * @param sent frames handed to the radio
 * @param sendFailures sends the radio refused or that had no radio
 * @param received frames received from the radio
 * @param delivered messages delivered to listeners (each message once, however many listeners)
 * @param malformed frames dropped because they did not decode (any layer)
 * @param refused frames dropped by security (verification failed, unknown PSK, unsecured where not accepted)
 * @param duplicates DENM repetitions not delivered again (EN 302 637-3 §8.3)
 * @param outsideArea GeoBroadcast packets for an area this station is not in (EN 302 636-4-1 §10.3.11.3), not delivered
 * @param refusedBy {@code refused} split by cause (since 1.1): for signed data the IEEE 1609.2
 *        verification outcome ({@code STALE}, {@code UNKNOWN_SIGNER}, {@code BAD_SIGNATURE}, …, as the
 *        codec names it); {@link #NO_PSK} for encrypted data under no key this station holds (another
 *        station's traffic); {@code PSK_} + the channel's reason for a refused PSK message;
 *        {@link #UNSECURED} and {@link #PSID_MISMATCH}. The values add up to {@code refused}.
 *        Unmodifiable; empty from a stack that does not split.
 */
public record StackStatistics(long sent, long sendFailures, long received, long delivered, long malformed,
        long refused, long duplicates, long outsideArea, Map<String, Long> refusedBy) {

    /** Encrypted data for no pre-shared key this station holds: addressed to another station. */
    public static final String NO_PSK = "NO_PSK";
    /** An unsecured message where the stack accepts only secured ones. */
    public static final String UNSECURED = "UNSECURED";
    /** The signed PSID (ITS-AID) does not match the port or PSID it arrived on. */
    public static final String PSID_MISMATCH = "PSID_MISMATCH";

    public StackStatistics {
        refusedBy = refusedBy == null ? Map.of() : Map.copyOf(refusedBy);
    }

    /** Counters without the split of refusals (1.0). */
    public StackStatistics(long sent, long sendFailures, long received, long delivered, long malformed,
            long refused, long duplicates, long outsideArea) {
        this(sent, sendFailures, received, delivered, malformed, refused, duplicates, outsideArea, Map.of());
    }
}
