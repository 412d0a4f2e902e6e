package org.qkdv2i.driver.sim.fso.internal.channel;

/**
 * What one round produced, the same at both ends (Alice decides, Bob learns the decision).
 *
 * @param outcome            what happened
 * @param reason             a sentence for the status and the log (no key material)
 * @param pulses             pulses Alice sent
 * @param simulatedSeconds   pulses / source rate
 * @param detections         Bob's clicks
 * @param sifted             clicks with matching bases
 * @param qber               signal QBER estimated from the sample (NaN when unknown)
 * @param secretBitsEstimate asymptotic decoy key length of the round (Ma et al. 2005), bits
 * @param key                distilled key (null unless outcome is KEY); the caller zeroises it
 * @param blockId            block ID both ends agreed on (null unless KEY)
 */
public record RoundResult(Outcome outcome, String reason, long pulses, double simulatedSeconds, long detections,
        long sifted, double qber, long secretBitsEstimate, byte[] key, java.util.UUID blockId) {

    public enum Outcome {
        /** A key block was distilled. */
        KEY,
        /** Estimation says there is key, but no post-processing library is wired to distil it. */
        NO_DISTILLER,
        /** QBER above threshold or decoy bounds leave no key: possible eavesdropping. */
        ABORTED_EAVESDROPPING,
        /** The measured values promise key but the round is too short for the statistical margins. */
        TOO_FEW_COUNTS,
        /** No usable signal (fog, blocked beam): nothing to estimate. */
        NO_SIGNAL,
        /** Verification failed after reconciliation: block discarded. */
        VERIFICATION_FAILED
    }
}
