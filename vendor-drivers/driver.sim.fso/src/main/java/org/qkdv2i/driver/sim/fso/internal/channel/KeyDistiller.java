package org.qkdv2i.driver.sim.fso.internal.channel;

import java.io.IOException;
import java.util.UUID;

/**
 * Error reconciliation, verification and privacy amplification of one round, run by both
 * ends over the classical channel. Implemented on top of bundles/qkd.postprocessing (Cascade,
 * PolynomialHash, ToeplitzHash); this driver does not carry its own.
 */
public interface KeyDistiller {

    /** Whether a distiller is wired at all. */
    boolean available();

    /**
     * Alice's side. {@code key} holds her raw key bits (0/1 per byte, first {@code n});
     * {@code privacyBits} is the entropy the decoy bounds leave in them before reconciliation
     * leakage; returns the final key bytes, or null when the block was discarded.
     */
    byte[] alice(FramedChannel ch, byte[] key, int n, double qber, long privacyBits, UUID blockId) throws IOException;

    /** Bob's side, mirror of {@link #alice}. */
    byte[] bob(FramedChannel ch, byte[] key, int n, double qber, long privacyBits, UUID blockId) throws IOException;

    /**
     * No distillation: rounds end after parameter estimation (outcome NO_DISTILLER). The driver
     * always uses {@link LibraryDistiller}; this one measures the quantum layer alone.
     */
    KeyDistiller PENDING = new KeyDistiller() {
        @Override
        public boolean available() {
            return false;
        }

        @Override
        public byte[] alice(FramedChannel ch, byte[] key, int n, double qber, long privacyBits, UUID blockId) {
            return null;
        }

        @Override
        public byte[] bob(FramedChannel ch, byte[] key, int n, double qber, long privacyBits, UUID blockId) {
            return null;
        }
    };
}
