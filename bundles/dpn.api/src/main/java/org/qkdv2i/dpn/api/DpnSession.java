package org.qkdv2i.dpn.api;

import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;
import org.qkdv2i.zap.api.IdentityRecord;

/**
 * A pairwise secure session between two DAUs. Messages are protected with the session's
 * current keys (AES-256-GCM, sequence numbers, strict order); a rekey moves both sides to
 * the next epoch. A revocation of the peer closes the session before the next message.
 */
@ProviderType
public interface DpnSession {

    /** Identifies the session on the wire and in logs; not secret. */
    long sessionId();

    /** The peer, as authenticated. */
    IdentityRecord peer();

    /** The micro-segment this session belongs to. */
    String segment();

    /** The key epoch: 0 after set-up, +1 per rekey. */
    int epoch();

    /** True if a QKD key from the KMM was mixed into the session keys. */
    boolean quantumKeyed();

    /**
     * The ID of the QKD key mixed in most recently (at set-up, or by the last rekey that mixed
     * one), as the KMM knows it (ETSI GS QKD 014 {@code key_ID}); not secret. Empty when no QKD
     * key was mixed into this session.
     *
     * @since 1.2
     */
    default Optional<String> quantumKeyId() {
        return Optional.empty();
    }

    /**
     * True if this session was set up by a fast transition (IEEE 802.11-2020 §13 style): keyed
     * from a PMK-R1 the RSU got from its base station (the R0 key holder of the mobility domain)
     * and authenticated with a KMAC256 challenge-response, without a ZAP unit authentication.
     *
     * @since 1.2
     */
    default boolean fastTransition() {
        return false;
    }

    /** Sends one message. @throws DpnException if the session is closed or the peer revoked */
    void send(byte[] payload) throws DpnException;

    /** Moves both sides to fresh keys now (it also happens on the configured schedule). */
    void rekey() throws DpnException;

    /**
     * Derives keying material bound to this session and epoch for another protocol on the
     * same pair of devices (e.g. the IEEE 1609.2 PSK of the RSU-to-vehicle air link). The
     * caller zeroises it.
     */
    byte[] exportKey(String label, int length);

    boolean isOpen();

    void close();
}
