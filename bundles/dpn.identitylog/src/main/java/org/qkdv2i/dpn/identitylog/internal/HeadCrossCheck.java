package org.qkdv2i.dpn.identitylog.internal;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.qkdv2i.dpn.api.IdentityLogException;
import org.qkdv2i.dpn.api.SignedTreeHead;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cross-checks the tree heads of peer replicas (RFC 9162 §8.1.4-style gossip between base
 * stations): a head must carry the peer's pinned ML-DSA-65 signature, must extend the last
 * head seen from that peer (consistency proof, §2.1.4), and must agree with this replica's own
 * tree (same root at equal size, or a consistency proof from this replica's tree to a larger
 * one). Anything else is a forged or forked head: logged once per head as
 * {@code forged tree head from <peer>: <why>} and kept as an {@link Incident}.
 */
public final class HeadCrossCheck {

    private static final Logger LOG = LoggerFactory.getLogger(HeadCrossCheck.class);
    private static final int MAX_INCIDENTS = 100;

    /** Where proofs for sizes beyond this replica's tree come from (the peer that sent the head). */
    @FunctionalInterface
    public interface ProofSource {
        List<byte[]> consistencyProof(long first, long second) throws IdentityLogException;
    }

    /** The outcome of one check. */
    public record Verdict(Status status, String detail) {
        public boolean ok() {
            return status == Status.OK;
        }
    }

    public enum Status {
        /** Signature, history and agreement with this replica all verified. */
        OK,
        /** Bad signature, wrong log, rolled back, forked or inconsistent: evidence of a forged head. */
        FORGED,
        /** Could not be decided now (no pinned key for the peer yet, proof unavailable). */
        UNVERIFIED
    }

    /** A forged head, kept for operators and tests. */
    public record Incident(String peer, SignedTreeHead head, String reason, Instant at) {
    }

    private final String selfId;
    private final String logId;
    private final LogState state;
    private final Function<String, byte[]> peerKeys;
    private final Map<String, SignedTreeHead> lastSeen = new HashMap<>();
    private final Deque<Incident> incidents = new ArrayDeque<>();

    public HeadCrossCheck(String selfId, String logId, LogState state, Function<String, byte[]> peerKeys) {
        this.selfId = selfId;
        this.logId = logId;
        this.state = state;
        this.peerKeys = peerKeys;
    }

    public Verdict check(String peer, SignedTreeHead head, ProofSource peerProofs) {
        byte[] key = peerKeys.apply(peer);
        if (key == null) {
            LOG.info("tree head from {} not checked yet: no tree-head key of {} pinned in the log (replica {})",
                    peer, peer, selfId);
            return new Verdict(Status.UNVERIFIED, "no pinned key for " + peer);
        }
        if (!logId.equals(head.logId())) {
            return forged(peer, head, "log ID '" + head.logId() + "', this log is '" + logId + "'");
        }
        if (head.treeSize() < 0 || head.rootHash().length != Merkle.HASH_LENGTH) {
            return forged(peer, head, "malformed head (size " + head.treeSize() + ")");
        }
        if (!TreeHeadSigner.verify(key, head)) {
            return forged(peer, head, "ML-DSA-65 signature does not verify under " + peer + "'s pinned key");
        }
        SignedTreeHead previous;
        synchronized (this) {
            previous = lastSeen.get(peer);
        }
        try {
            if (previous != null) {
                String why = extends_(previous, head, peerProofs);
                if (why != null) {
                    return forged(peer, head, why);
                }
            }
            String why = agreesWithOwnTree(head, peerProofs);
            if (why != null) {
                return forged(peer, head, why);
            }
        } catch (IdentityLogException e) {
            LOG.info("tree head of size {} from {} not checked yet: {} (replica {})", head.treeSize(), peer,
                    e.getMessage(), selfId);
            return new Verdict(Status.UNVERIFIED, e.getMessage());
        }
        synchronized (this) {
            SignedTreeHead p = lastSeen.get(peer);
            if (p == null || p.treeSize() <= head.treeSize()) {
                lastSeen.put(peer, head);
            }
        }
        return new Verdict(Status.OK, "size " + head.treeSize());
    }

    /** @return null if {@code head} extends {@code previous}, else why not */
    private String extends_(SignedTreeHead previous, SignedTreeHead head, ProofSource peerProofs)
            throws IdentityLogException {
        long m = previous.treeSize();
        long n = head.treeSize();
        if (n < m) {
            return "tree shrank from size " + m + " to " + n + " (rolled back)";
        }
        if (n == m) {
            return Arrays.equals(previous.rootHash(), head.rootHash()) ? null
                    : "a second root for size " + n + " (fork)";
        }
        List<byte[]> proof = n <= state.size() ? state.consistencyProof(m, n) : peerProofs.consistencyProof(m, n);
        return Merkle.verifyConsistency(m, n, previous.rootHash(), head.rootHash(), proof) ? null
                : "not consistent with its earlier head of size " + m;
    }

    /** @return null if {@code head} and this replica's tree are one history, else why not */
    private String agreesWithOwnTree(SignedTreeHead head, ProofSource peerProofs) throws IdentityLogException {
        LogState.Tree own = state.tree();
        long n = head.treeSize();
        if (n <= own.size()) {
            return Arrays.equals(state.root(n), head.rootHash()) ? null
                    : "root for size " + n + " differs from this replica's (fork)";
        }
        List<byte[]> proof = peerProofs.consistencyProof(own.size(), n);
        return Merkle.verifyConsistency(own.size(), n, own.root(), head.rootHash(), proof) ? null
                : "does not extend this replica's tree of size " + own.size() + " (fork)";
    }

    private Verdict forged(String peer, SignedTreeHead head, String reason) {
        LOG.warn("forged tree head from {}: {} (size {}, seen by replica {})", peer, reason, head.treeSize(), selfId);
        synchronized (this) {
            if (incidents.size() == MAX_INCIDENTS) {
                incidents.removeFirst();
            }
            incidents.addLast(new Incident(peer, head, reason, Instant.now()));
        }
        return new Verdict(Status.FORGED, reason);
    }

    public synchronized List<Incident> incidents() {
        return List.copyOf(incidents);
    }

    public synchronized SignedTreeHead lastSeen(String peer) {
        return lastSeen.get(peer);
    }
}
