package org.qkdv2i.zap.api;

import java.util.Arrays;

import javax.security.auth.Destroyable;

/**
 * The outcome of a unit authentication: who the peer is and a 32-byte secret bound to both
 * identities and both nonces, from which the DPN derives session keys. The holder
 * destroys it when the keys are derived.
 *
 * @param local          this DAU's identity
 * @param peer           the peer's identity record (from the identity directory or the
 *                       enrolled relation)
 * @param initiator      true if this side started the handshake
 * @param postQuantum    true if the run used ML-DSA + ML-KEM (no enrolled relation)
 * @param transcriptHash SHA-256 over the handshake messages, not secret
 */
public record AuthenticatedPeer(DeviceId local, IdentityRecord peer, boolean initiator, boolean postQuantum,
        byte[] transcriptHash, Secret secret) {

    public AuthenticatedPeer {
        transcriptHash = transcriptHash.clone();
    }

    @Override
    public byte[] transcriptHash() {
        return transcriptHash.clone();
    }

    /** Secret bytes that can be destroyed; {@link #bytes()} returns a copy. */
    public static final class Secret implements Destroyable {
        private final byte[] value;
        private volatile boolean destroyed;

        public Secret(byte[] value) {
            this.value = value.clone();
        }

        /** A copy the caller must zeroise. */
        public byte[] bytes() {
            if (destroyed) {
                throw new IllegalStateException("secret destroyed");
            }
            return value.clone();
        }

        @Override
        public void destroy() {
            Arrays.fill(value, (byte) 0);
            destroyed = true;
        }

        @Override
        public boolean isDestroyed() {
            return destroyed;
        }

        @Override
        public String toString() {
            return "Secret[hidden]";
        }
    }
}
