package org.qkdv2i.zap.internal.auth;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;

import org.qkdv2i.zap.api.AuthenticationException;
import org.qkdv2i.zap.api.AuthenticationException.Reason;
import org.qkdv2i.zap.api.DeviceId;
import org.qkdv2i.zap.api.IdentityDirectory;
import org.qkdv2i.zap.api.IdentityRecord;
import org.qkdv2i.zap.api.UnitAuthentication;
import org.qkdv2i.zap.internal.identity.DeviceKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mutual unit authentication of one DAU (paper §4, ZAP): starts and answers handshakes.
 *
 * <p>With an enrolled relation to the peer: three messages, KMAC256 challenge-response
 * under the per-pair key K = KMAC256(relation secret, lower ID ‖ higher ID,
 * "qkdv2i/unit-auth/pair-key/v1"); each side's tag covers both identities and both
 * 32-byte nonces (the whole transcript so far), the key never travels.
 *
 * <p>Without one: the same three messages carry ML-KEM-768 encapsulations to each other's
 * key (FIPS 203) and ML-DSA-65 signatures over the transcript (FIPS 204), with public keys
 * from the {@link IdentityDirectory}; both sides then store a new relation secret (sealed at
 * rest) so later runs use KMAC.
 *
 * <p>An initiator holding any relation starts with KMAC; a responder that does not hold the
 * same relation answers NO_RELATION and the run continues post-quantum (two more messages on
 * the same {@link UnitAuthentication}). A forged NO_RELATION can only force that full
 * post-quantum handshake, never a weaker one (see {@link HandshakeRun}).
 *
 * <p>Replay: both nonces are fresh; a responder refuses a first message it has seen (bounded
 * cache) and every tag or signature covers the other side's fresh nonce.
 */
public final class UnitAuthEngine {

    static final Logger LOG = LoggerFactory.getLogger(UnitAuthEngine.class);

    final String dauName;
    final DeviceKeys keys;
    final IdentityRecord self;
    final RelationStore relations;
    final Supplier<Optional<IdentityDirectory>> directory;
    final Clock clock;
    final SecureRandom random;
    final ReplayCache replay;

    public UnitAuthEngine(String dauName, DeviceKeys keys, IdentityRecord self, RelationStore relations,
            Supplier<Optional<IdentityDirectory>> directory, Clock clock, SecureRandom random, int replayCacheSize) {
        this.dauName = dauName;
        this.keys = keys;
        this.self = self;
        this.relations = relations;
        this.directory = directory;
        this.clock = clock;
        this.random = random;
        this.replay = new ReplayCache(replayCacheSize);
    }

    public UnitAuthentication initiate(DeviceId expectedPeer) throws AuthenticationException {
        if (expectedPeer == null || expectedPeer.equals(self.id())) {
            throw refuse(expectedPeer, Reason.PROTOCOL, "a DAU cannot authenticate to itself or to no one");
        }
        Optional<IdentityDirectory> dir = directory.get();
        if (dir.isPresent() && dir.get().isRevoked(expectedPeer)) {
            throw refuse(expectedPeer, Reason.REVOKED, "peer " + expectedPeer + " is revoked in the identity log");
        }
        Optional<RelationStore.Relation> relation = relations.get(expectedPeer);
        // any relation, even one the peer has not yet shown it holds (our last post-quantum
        // message may have been lost): KMAC first; a peer without it answers NO_RELATION and the
        // same run continues post-quantum, so set-ups that always start at this end still get
        // from ML-DSA + ML-KEM to KMAC after one run
        if (relation.isPresent()) {
            return HandshakeRun.kmacInitiator(this, relation.get());
        }
        if (dir.isEmpty()) {
            throw refuse(expectedPeer, Reason.UNAVAILABLE, "no enrolled relation with " + expectedPeer
                    + " and no identity directory to look up its public keys");
        }
        IdentityRecord peer = dir.get().find(expectedPeer).filter(r -> r.id().equals(expectedPeer)).orElseThrow(() -> refuse(expectedPeer,
                Reason.UNKNOWN_PEER, "peer " + expectedPeer + " is neither enrolled in the identity log nor related"));
        return HandshakeRun.pqInitiator(this, peer);
    }

    public UnitAuthentication respond() {
        return HandshakeRun.responder(this);
    }

    /** Forgets the relation with a revoked peer. */
    public void revoked(DeviceId peer) {
        if (relations.remove(peer)) {
            LOG.info("DAU {}: relation with revoked peer {} removed", dauName, peer);
        }
    }

    AuthenticationException refuse(Object peer, Reason reason, String message) {
        LOG.warn("DAU {}: unit authentication with {} refused ({}): {}", dauName, peer == null ? "?" : peer,
                reason, message);
        return new AuthenticationException(reason, message);
    }
}
