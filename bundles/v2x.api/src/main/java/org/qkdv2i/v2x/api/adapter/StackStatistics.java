package org.qkdv2i.v2x.api.adapter;

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
 */
public record StackStatistics(long sent, long sendFailures, long received, long delivered, long malformed,
        long refused, long duplicates, long outsideArea) {
}
