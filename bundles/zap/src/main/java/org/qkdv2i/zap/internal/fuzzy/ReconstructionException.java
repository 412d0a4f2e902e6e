package org.qkdv2i.zap.internal.fuzzy;

/** The device secret could not be reconstructed; {@link #reason()} says why. */
public final class ReconstructionException extends Exception {

    private static final long serialVersionUID = 1L;

    public enum Reason {
        /** More bit errors than the code corrects (detected by the BCH decoder). */
        TOO_NOISY,
        /** The helper data does not authenticate under the reconstructed response. */
        TAMPERED,
        /** The helper data is not well-formed or was made for another PUF/code. */
        MALFORMED
    }

    private final Reason reason;

    public ReconstructionException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
