package org.qkdv2i.driver.sim.fso.internal.channel;

/**
 * Messages of one round of the post-processing protocol, in the order they are exchanged
 * (A = Alice, B = Bob).
 */
public enum MessageType {
    /**
     * Either way, once per connection after {@link #SYNC}: link ID and the agreed pad positions,
     * tagged — proves the peer holds the key and agrees where the pads stand.
     */
    HELLO(1),
    /** A→B: a round starts (round number, first pulse, pulse count); the qubits follow on the quantum channel. */
    ROUND(2),
    /** B→A: sifting announcement — pulse index and basis of each of Bob's clicks (never his bits). */
    CLICKS(3),
    /** A→B: Alice's basis and intensity class of each click (decoy class announcement). */
    SIFT(4),
    /** B→A: parameter-estimation sample — Bob's bits of all decoy/vacuum sifted clicks and of a random sample of signal ones. */
    ESTIMATE(5),
    /** A→B: estimation result — go (with the statistics) or the reason the round is aborted. */
    DECISION(6),
    /**
     * Either way: Cascade parity requests and answers (qkd.postprocessing). Hundreds per block:
     * they carry no tag each but go into the round's transcript, which {@link #TRANSCRIPT}
     * authenticates as a whole before anything depends on the result.
     */
    RECONCILE(7),
    /** A→B: verification hash point and tag (qkd.postprocessing PolynomialHash). */
    VERIFY(8),
    /** A→B: privacy-amplification seed and output length, and the block ID both ends file the key under. */
    AMPLIFY(9),
    /** B→A: Bob confirms verification and block ID. */
    CONFIRM(10),
    /** Either way: the sender gives up the round (reason in UTF-8). */
    ABORT(11),
    /**
     * Either way, after reconciliation: Wegman–Carter tag over the transcript of all RECONCILE
     * frames. The payload is itself a one-time-padded tag, so the frame needs no other.
     */
    TRANSCRIPT(12),
    /**
     * Either way, first frame of a connection, untagged: link ID, role and pad positions
     * ({@link PadAuthenticator#handshake}); confirmed by the tagged {@link #HELLO}.
     */
    SYNC(13),
    /**
     * Post-quantum re-bootstrap ({@link PqRebootstrap}), after SYNC instead of HELLO when the pads
     * are exhausted or the link was down too long: A→B offer (ephemeral ML-KEM-768 key, nonce),
     * B→A accept (ciphertext, nonce, ML-DSA-65 signature), A→B finish (signature), B→A key
     * confirmation. Authenticated by the signatures over the transcript, not by pads.
     */
    PQ_OFFER(14),
    PQ_ACCEPT(15),
    PQ_FINISH(16),
    PQ_CONFIRM(17);

    public final int code;

    MessageType(int code) {
        this.code = code;
    }

    /**
     * Whether frames of this type are authenticated through the round's transcript rather than one
     * by one: everything up to the end of reconciliation. Nothing depends on them before the
     * transcript tags are checked (the key is discarded otherwise), and a round that ends early —
     * aborted, no signal — spends no pad at all, so aborted rounds cannot drain the pads.
     */
    boolean deferred() {
        return this == ROUND || this == CLICKS || this == SIFT || this == ESTIMATE || this == DECISION
                || this == RECONCILE;
    }

    /**
     * Whether frames of this type carry no tag of their own (deferred ones, the transcript tag itself,
     * SYNC, and the signed post-quantum re-bootstrap).
     */
    public boolean untagged() {
        return deferred() || this == TRANSCRIPT || this == SYNC || this == PQ_OFFER || this == PQ_ACCEPT
                || this == PQ_FINISH || this == PQ_CONFIRM;
    }

    public static MessageType of(int code) throws java.io.IOException {
        for (MessageType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        throw new java.io.IOException("unknown classical message type " + code);
    }
}
