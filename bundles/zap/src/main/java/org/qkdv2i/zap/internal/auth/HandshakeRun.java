package org.qkdv2i.zap.internal.auth;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

import org.bouncycastle.crypto.SecretWithEncapsulation;
import org.bouncycastle.crypto.params.MLKEMParameters;
import org.qkdv2i.zap.api.AuthenticatedPeer;
import org.qkdv2i.zap.api.AuthenticationException;
import org.qkdv2i.zap.api.AuthenticationException.Reason;
import org.qkdv2i.zap.api.DeviceId;
import org.qkdv2i.zap.api.IdentityDirectory;
import org.qkdv2i.zap.api.IdentityRecord;
import org.qkdv2i.zap.api.UnitAuthentication;
import org.qkdv2i.zap.internal.crypto.Kdf;
import org.qkdv2i.zap.internal.identity.DeviceKeys;
import org.qkdv2i.zap.internal.identity.Measurement;

/**
 * One handshake run. Messages (version byte 2, then a type byte; version 1 had a KMAC M1
 * without RID and no NO_RELATION, and is refused by name):
 * <pre>
 * KMAC  M1 = 2|01| ID_I | ID_R | N_I | RID                 (initiator → responder)
 *       M2 = 2|02| ID_R | N_R | KMAC(K, M1‖M2', "…responder-tag")
 *       M3 = 2|03| KMAC(K, M1‖M2, "…initiator-tag")
 *       RID = KMAC256(relation secret, lower ID‖higher ID, "qkdv2i/unit-auth/relation-id/v1"), 16 bytes:
 *             names the relation (one-way, like a key ID) so a responder holding none, or another
 *             one, says so instead of answering with a tag the initiator cannot verify
 *  or   NR = 2|04| ID_R | SHA-256(M1)                      (responder has no matching relation)
 *       → the same run goes on with PQ M1 … M3 below (the KMAC M1 and NR are not part of them)
 * PQ    M1 = 2|11| ID_I | ID_R | N_I | ct_I = Encaps(pk_KEM_R)
 *       M2 = 2|12| ID_R | N_R | ct_R = Encaps(pk_KEM_I) | len | Sig_R(M1‖M2') | KMAC(K, …, "…responder-tag")
 *       M3 = 2|13| len | Sig_I(M1‖M2) | KMAC(K, M1‖M2‖Sig_I, "…initiator-tag")
 *       K  = KMAC256(ss_I ‖ ss_R, M1‖M2', "qkdv2i/unit-auth/pq-key/v1")
 * </pre>
 * Result secret = KMAC256(K, SHA-256(M1‖M2‖M3), "qkdv2i/unit-auth/session/v1").
 *
 * <p><b>Downgrade.</b> NR cannot be authenticated: by definition the responder holds no key it
 * shares with the initiator, and an ML-DSA signature on it would make every unauthenticated
 * probe cost the responder a signature while buying nothing. It is bound to this run (the
 * responder's ID and the hash of this run's M1, whose nonce is fresh), so it cannot be replayed
 * from another run. Its only effect is that the initiator runs the full post-quantum handshake,
 * which authenticates both sides on its own (ML-DSA over the whole PQ transcript, ML-KEM key
 * confirmation) and is the strongest mode there is: whoever forges NR can at most make a pair
 * spend the post-quantum CPU once (the new relation then replaces the old one), never reach a
 * weaker mode, and learns nothing of any key. Likewise the only thing a responder ever accepts
 * instead of the KMAC continuation is a complete post-quantum first message (never a second
 * KMAC attempt, never anything unauthenticated); no one deletes a relation because of NR.
 */
final class HandshakeRun implements UnitAuthentication {

    static final byte VERSION = 2;
    static final byte KMAC_1 = 0x01;
    static final byte KMAC_2 = 0x02;
    static final byte KMAC_3 = 0x03;
    static final byte NO_RELATION = 0x04;
    static final byte PQ_1 = 0x11;
    static final byte PQ_2 = 0x12;
    static final byte PQ_3 = 0x13;
    static final int ID = 16;
    static final int NONCE = 32;
    static final int TAG = 32;
    static final int RID = 16;
    static final int KMAC_1_LENGTH = 2 + 2 * ID + NONCE + RID;
    static final int NO_RELATION_LENGTH = 2 + ID + 32;
    static final int KEM_CT = MLKEMParameters.ml_kem_768.getEncapsulationLength();

    private enum State { INITIATOR_WAIT_M2, RESPONDER_WAIT_M1, RESPONDER_WAIT_PQ1, RESPONDER_WAIT_M3, DONE, FAILED }

    private final UnitAuthEngine engine;
    private final boolean initiator;
    private State state;
    private boolean postQuantum;
    private DeviceId expectedPeer;
    private IdentityRecord peer;
    private byte[] m1;
    private byte[] m2;
    private byte[] nonceI;
    /** KMAC mode: the per-pair key; PQ mode: K. */
    private byte[] key;
    /** PQ initiator: ss_I until M2 arrives. */
    private byte[] ssI;
    private AuthenticatedPeer result;

    private HandshakeRun(UnitAuthEngine engine, boolean initiator) {
        this.engine = engine;
        this.initiator = initiator;
    }

    /**
     * Any relation, confirmed or not, is tried first: if the peer does not hold the same one it
     * answers NO_RELATION and this run goes on post-quantum (see the class comment).
     */
    static HandshakeRun kmacInitiator(UnitAuthEngine engine, RelationStore.Relation relation) {
        HandshakeRun run = new HandshakeRun(engine, true);
        run.peer = relation.peer();
        run.expectedPeer = relation.peer().id();
        run.key = pairKey(relation.secret(), engine.self.id(), run.expectedPeer);
        byte[] rid = relationId(relation.secret(), engine.self.id(), run.expectedPeer);
        Arrays.fill(relation.secret(), (byte) 0);
        run.nonceI = nonce(engine);
        run.m1 = ByteBuffer.allocate(KMAC_1_LENGTH).put(VERSION).put(KMAC_1).put(id(engine.self.id()))
                .put(id(run.expectedPeer)).put(run.nonceI).put(rid).array();
        run.state = State.INITIATOR_WAIT_M2;
        return run;
    }

    static HandshakeRun pqInitiator(UnitAuthEngine engine, IdentityRecord peer) throws AuthenticationException {
        HandshakeRun run = new HandshakeRun(engine, true);
        run.expectedPeer = peer.id();
        run.startPostQuantum(peer);
        return run;
    }

    /** Initiator: (re)starts this run as a post-quantum one; sets m1. */
    private void startPostQuantum(IdentityRecord peerRecord) throws AuthenticationException {
        SecretWithEncapsulation enc = DeviceKeys.encapsulate(peerRecord.mlKemPublicKey(), engine.random);
        if (enc == null) {
            throw fail(Reason.PROTOCOL, "identity record of " + peerRecord.id() + " carries no ML-KEM-768 public key");
        }
        postQuantum = true;
        peer = peerRecord;
        ssI = enc.getSecret();
        byte[] ct = enc.getEncapsulation();
        destroy(enc);
        nonceI = nonce(engine);
        m1 = ByteBuffer.allocate(2 + 2 * ID + NONCE + KEM_CT).put(VERSION).put(PQ_1).put(id(engine.self.id()))
                .put(id(peerRecord.id())).put(nonceI).put(ct).array();
        state = State.INITIATOR_WAIT_M2;
    }

    static HandshakeRun responder(UnitAuthEngine engine) {
        HandshakeRun run = new HandshakeRun(engine, false);
        run.state = State.RESPONDER_WAIT_M1;
        return run;
    }

    @Override
    public Optional<byte[]> firstMessage() {
        return initiator ? Optional.of(m1.clone()) : Optional.empty();
    }

    @Override
    public Optional<AuthenticatedPeer> result() {
        return Optional.ofNullable(result);
    }

    @Override
    public Optional<byte[]> receive(byte[] message) throws AuthenticationException {
        if (message == null || message.length < 2) {
            throw fail(Reason.PROTOCOL, "empty or truncated handshake message");
        }
        if (message[0] != VERSION) {
            throw fail(Reason.PROTOCOL, "handshake version " + message[0] + " not supported (this DAU speaks " + VERSION + ")");
        }
        byte type = message[1];
        try {
            switch (state) {
                case INITIATOR_WAIT_M2:
                    if (!postQuantum && type == NO_RELATION) {
                        return Optional.of(initiatorNoRelation(message));
                    }
                    return Optional.of(postQuantum ? initiatorPq2(expect(message, PQ_2)) : initiatorKmac2(
                            expect(message, KMAC_2)));
                case RESPONDER_WAIT_M1:
                    if (type == KMAC_1) {
                        return Optional.of(responderKmac1(message));
                    }
                    if (type == PQ_1) {
                        return Optional.of(responderPq1(message, null));
                    }
                    throw fail(Reason.PROTOCOL, "expected a first handshake message, got type " + type);
                case RESPONDER_WAIT_PQ1:
                    // after NO_RELATION only the full post-quantum handshake, from the same initiator
                    return Optional.of(responderPq1(expect(message, PQ_1), expectedPeer));
                case RESPONDER_WAIT_M3:
                    if (!postQuantum && type == PQ_1) {
                        // the initiator got a NO_RELATION we never sent (forged on the path, our M2
                        // dropped): it now runs the full post-quantum handshake, which authenticates
                        // it completely on its own. Accepting it is an upgrade, never a downgrade;
                        // the KMAC state of this run is dropped, our relation stays until replaced.
                        wipe();
                        key = null;
                        return Optional.of(responderPq1(message, expectedPeer));
                    }
                    if (postQuantum) {
                        responderPq3(expect(message, PQ_3));
                    } else {
                        responderKmac3(expect(message, KMAC_3));
                    }
                    return Optional.empty();
                default:
                    throw fail(Reason.PROTOCOL, "handshake already " + (state == State.DONE ? "complete" : "failed"));
            }
        } catch (AuthenticationException e) {
            if (state != State.FAILED) {
                throw fail(e.reason(), e.getMessage());
            }
            throw e;
        } catch (java.io.UncheckedIOException e) {
            throw fail(Reason.UNAVAILABLE, "cannot store the relation: " + e.getMessage());
        } catch (RuntimeException e) {
            throw fail(Reason.PROTOCOL, "malformed handshake message (" + e.getClass().getSimpleName() + ")");
        }
    }

    private byte[] expect(byte[] message, byte type) throws AuthenticationException {
        if (message[1] != type) {
            throw fail(Reason.PROTOCOL, "expected handshake message type " + type + ", got " + message[1]);
        }
        return message;
    }

    // ---- KMAC mode -------------------------------------------------------------------------

    private byte[] responderKmac1(byte[] msg) throws AuthenticationException {
        checkLength(msg, KMAC_1_LENGTH);
        ByteBuffer in = ByteBuffer.wrap(msg, 2, msg.length - 2);
        DeviceId idI = readId(in);
        DeviceId idR = readId(in);
        expectedPeer = idI;
        checkAddressedToMe(idR);
        checkFresh(msg);
        checkNotRevoked(idI);
        byte[] rid = Arrays.copyOfRange(msg, KMAC_1_LENGTH - RID, KMAC_1_LENGTH);
        Optional<RelationStore.Relation> held = engine.relations.get(idI);
        if (held.isEmpty() || !Kdf.equal(rid, relationId(held.get().secret(), idI, idR))) {
            held.ifPresent(r -> Arrays.fill(r.secret(), (byte) 0));
            return noRelation(msg, idI, idR, held.isPresent());
        }
        RelationStore.Relation relation = held.get();
        peer = relation.peer();
        key = pairKey(relation.secret(), idI, idR);
        Arrays.fill(relation.secret(), (byte) 0);
        m1 = msg.clone();
        byte[] body = ByteBuffer.allocate(2 + ID + NONCE).put(VERSION).put(KMAC_2).put(id(idR)).put(nonce(engine))
                .array();
        byte[] tag = Kdf.kmac(key, "qkdv2i/unit-auth/responder-tag/v1", m1, body);
        m2 = concat(body, tag);
        state = State.RESPONDER_WAIT_M3;
        return m2.clone();
    }

    /**
     * Responder without the initiator's relation (none, or another one: its last post-quantum
     * message was lost, or a store was reset): tell it to go post-quantum, on this run. Only
     * when that can work here (directory present, initiator enrolled); our own relation, if
     * any, stays until a post-quantum run replaces it.
     */
    private byte[] noRelation(byte[] msg, DeviceId idI, DeviceId idR, boolean holdsAnother)
            throws AuthenticationException {
        String what = holdsAnother ? "holds another relation with " + idI : "has no relation with " + idI;
        IdentityDirectory dir = engine.directory.get().orElseThrow(() -> fail(Reason.UNAVAILABLE, "this DAU " + what
                + " and no identity directory for the post-quantum handshake"));
        if (dir.find(idI).filter(r -> r.id().equals(idI)).isEmpty()) {
            throw fail(Reason.UNKNOWN_PEER, "this DAU " + what + " and " + idI + " is not enrolled in the identity log");
        }
        state = State.RESPONDER_WAIT_PQ1;
        UnitAuthEngine.LOG.info("DAU {}: {} {}: asked it to continue post-quantum", engine.dauName,
                holdsAnother ? "relation does not match the one of" : "no relation with", idI);
        return ByteBuffer.allocate(NO_RELATION_LENGTH).put(VERSION).put(NO_RELATION).put(id(idR))
                .put(Kdf.sha256(msg)).array();
    }

    /**
     * Initiator: the peer says it holds no matching relation. Unauthenticated (see the class
     * comment), so it changes nothing but this run's mode: the relation is kept and the run
     * continues with the full post-quantum handshake. Public keys from the directory when there
     * is one (and the revocation check), else from the relation's record (which came from it).
     */
    private byte[] initiatorNoRelation(byte[] msg) throws AuthenticationException {
        checkLength(msg, NO_RELATION_LENGTH);
        ByteBuffer in = ByteBuffer.wrap(msg, 2, msg.length - 2);
        checkIsExpectedPeer(readId(in));
        byte[] echo = new byte[32];
        in.get(echo);
        if (!Kdf.equal(echo, Kdf.sha256(m1))) {
            throw fail(Reason.PROTOCOL, "NO_RELATION from " + expectedPeer + " does not answer this run's first message");
        }
        Optional<IdentityDirectory> dir = engine.directory.get();
        if (dir.isPresent() && dir.get().isRevoked(expectedPeer)) {
            throw fail(Reason.REVOKED, "peer " + expectedPeer + " is revoked in the identity log");
        }
        DeviceId want = expectedPeer;
        IdentityRecord record = dir.flatMap(d -> d.find(want)).filter(r -> r.id().equals(want)).orElse(peer);
        wipe();
        key = null;
        UnitAuthEngine.LOG.info("DAU {}: {} {} holds no matching relation (unauthenticated answer): continuing "
                + "with ML-DSA + ML-KEM", engine.dauName, peer.name(), expectedPeer);
        startPostQuantum(record);
        return m1.clone();
    }

    private byte[] initiatorKmac2(byte[] msg) throws AuthenticationException {
        checkLength(msg, 2 + ID + NONCE + TAG);
        ByteBuffer in = ByteBuffer.wrap(msg, 2, msg.length - 2);
        DeviceId idR = readId(in);
        checkIsExpectedPeer(idR);
        byte[] nonceR = new byte[NONCE];
        in.get(nonceR);
        checkNotReflected(nonceR);
        byte[] body = Arrays.copyOf(msg, msg.length - TAG);
        byte[] tag = Arrays.copyOfRange(msg, msg.length - TAG, msg.length);
        if (!Kdf.equal(tag, Kdf.kmac(key, "qkdv2i/unit-auth/responder-tag/v1", m1, body))) {
            throw fail(Reason.BAD_PROOF, "responder's KMAC tag does not verify under the pair key of " + idR);
        }
        m2 = msg.clone();
        byte[] m3 = ByteBuffer.allocate(2 + TAG).put(VERSION).put(KMAC_3)
                .put(Kdf.kmac(key, "qkdv2i/unit-auth/initiator-tag/v1", m1, m2)).array();
        finish(m3);
        return m3;
    }

    private void responderKmac3(byte[] msg) throws AuthenticationException {
        checkLength(msg, 2 + TAG);
        byte[] tag = Arrays.copyOfRange(msg, 2, 2 + TAG);
        if (!Kdf.equal(tag, Kdf.kmac(key, "qkdv2i/unit-auth/initiator-tag/v1", m1, m2))) {
            throw fail(Reason.BAD_PROOF, "initiator's KMAC tag does not verify under the pair key of " + expectedPeer);
        }
        finish(msg.clone());
    }

    // ---- post-quantum mode -----------------------------------------------------------------

    /** @param sameInitiator when this run began with a KMAC first message: the ID it named */
    private byte[] responderPq1(byte[] msg, DeviceId sameInitiator) throws AuthenticationException {
        postQuantum = true;
        checkLength(msg, 2 + 2 * ID + NONCE + KEM_CT);
        ByteBuffer in = ByteBuffer.wrap(msg, 2, msg.length - 2);
        DeviceId idI = readId(in);
        DeviceId idR = readId(in);
        if (sameInitiator != null && !sameInitiator.equals(idI)) {
            throw fail(Reason.WRONG_PEER, "post-quantum continuation from " + idI + " on a run begun by " + sameInitiator);
        }
        expectedPeer = idI;
        checkAddressedToMe(idR);
        checkFresh(msg);
        IdentityDirectory dir = engine.directory.get().orElseThrow(() -> fail(Reason.UNAVAILABLE,
                "no identity directory to look up " + idI + " (no enrolled relation either)"));
        if (dir.isRevoked(idI)) {
            throw fail(Reason.REVOKED, "peer " + idI + " is revoked in the identity log");
        }
        peer = dir.find(idI).filter(r -> r.id().equals(idI)).orElseThrow(() -> fail(Reason.UNKNOWN_PEER,
                "peer " + idI + " is not enrolled in the identity log"));
        in.position(2 + 2 * ID + NONCE);
        byte[] ctI = new byte[KEM_CT];
        in.get(ctI);
        byte[] ssI = engine.keys.decapsulate(ctI);
        SecretWithEncapsulation enc = DeviceKeys.encapsulate(peer.mlKemPublicKey(), engine.random);
        if (enc == null) {
            Arrays.fill(ssI, (byte) 0);
            throw fail(Reason.PROTOCOL, "identity record of " + idI + " carries no ML-KEM-768 public key");
        }
        byte[] ssR = enc.getSecret();
        byte[] ctR = enc.getEncapsulation();
        destroy(enc);
        m1 = msg.clone();
        byte[] body = ByteBuffer.allocate(2 + ID + NONCE + KEM_CT).put(VERSION).put(PQ_2).put(id(idR))
                .put(nonce(engine)).put(ctR).array();
        key = pqKey(ssI, ssR, m1, body);
        byte[] sig = engine.keys.sign(signed("responder", m1, body), engine.random);
        byte[] tag = Kdf.kmac(key, "qkdv2i/unit-auth/responder-tag/v1", m1, body, sig);
        m2 = ByteBuffer.allocate(body.length + 2 + sig.length + TAG).put(body).putShort((short) sig.length).put(sig)
                .put(tag).array();
        state = State.RESPONDER_WAIT_M3;
        return m2.clone();
    }

    private byte[] initiatorPq2(byte[] msg) throws AuthenticationException {
        int bodyLen = 2 + ID + NONCE + KEM_CT;
        if (msg.length < bodyLen + 2 + TAG) {
            throw fail(Reason.PROTOCOL, "truncated handshake message (" + msg.length + " bytes)");
        }
        ByteBuffer in = ByteBuffer.wrap(msg, 2, msg.length - 2);
        DeviceId idR = readId(in);
        checkIsExpectedPeer(idR);
        byte[] nonceR = new byte[NONCE];
        in.get(nonceR);
        checkNotReflected(nonceR);
        byte[] ctR = new byte[KEM_CT];
        in.get(ctR);
        int sigLen = in.getShort() & 0xFFFF;
        checkLength(msg, bodyLen + 2 + sigLen + TAG);
        byte[] sig = new byte[sigLen];
        in.get(sig);
        byte[] tag = new byte[TAG];
        in.get(tag);
        byte[] body = Arrays.copyOf(msg, bodyLen);
        if (!DeviceKeys.verify(peer.mlDsaPublicKey(), signed("responder", m1, body), sig)) {
            throw fail(Reason.BAD_PROOF, "responder's ML-DSA signature does not verify under the key of " + idR);
        }
        byte[] ssR = engine.keys.decapsulate(ctR);
        key = pqKey(ssI, ssR, m1, body);
        Arrays.fill(ssI, (byte) 0);
        if (!Kdf.equal(tag, Kdf.kmac(key, "qkdv2i/unit-auth/responder-tag/v1", m1, body, sig))) {
            throw fail(Reason.BAD_PROOF, "responder " + idR + " did not confirm the ML-KEM key (tag does not verify)");
        }
        m2 = msg.clone();
        byte[] sigI = engine.keys.sign(signed("initiator", m1, m2), engine.random);
        byte[] tagI = Kdf.kmac(key, "qkdv2i/unit-auth/initiator-tag/v1", m1, m2, sigI);
        byte[] m3 = ByteBuffer.allocate(2 + 2 + sigI.length + TAG).put(VERSION).put(PQ_3)
                .putShort((short) sigI.length).put(sigI).put(tagI).array();
        finish(m3);
        return m3;
    }

    private void responderPq3(byte[] msg) throws AuthenticationException {
        if (msg.length < 2 + 2 + TAG) {
            throw fail(Reason.PROTOCOL, "truncated handshake message (" + msg.length + " bytes)");
        }
        ByteBuffer in = ByteBuffer.wrap(msg, 2, msg.length - 2);
        int sigLen = in.getShort() & 0xFFFF;
        checkLength(msg, 2 + 2 + sigLen + TAG);
        byte[] sig = new byte[sigLen];
        in.get(sig);
        byte[] tag = new byte[TAG];
        in.get(tag);
        if (!DeviceKeys.verify(peer.mlDsaPublicKey(), signed("initiator", m1, m2), sig)) {
            throw fail(Reason.BAD_PROOF, "initiator's ML-DSA signature does not verify under the key of "
                    + expectedPeer);
        }
        if (!Kdf.equal(tag, Kdf.kmac(key, "qkdv2i/unit-auth/initiator-tag/v1", m1, m2, sig))) {
            throw fail(Reason.BAD_PROOF, "initiator " + expectedPeer + " did not confirm the ML-KEM key");
        }
        finish(msg.clone());
    }

    // ---- common ----------------------------------------------------------------------------

    private void finish(byte[] m3) {
        byte[] th = Kdf.sha256Framed(m1, m2, m3);
        byte[] secret = Kdf.kmac(key, "qkdv2i/unit-auth/session/v1", th);
        result = new AuthenticatedPeer(engine.self.id(), peer, initiator, postQuantum, th,
                new AuthenticatedPeer.Secret(secret));
        Arrays.fill(secret, (byte) 0);
        if (postQuantum) {
            // a relation for later runs: both sides derive the same secret, never sent
            byte[] relation = Kdf.kmac(key, "qkdv2i/unit-auth/relation/v1", th);
            // the responder has verified message 3, so the initiator holds it too; the initiator
            // cannot know that message 3 arrived until the relation first works
            engine.relations.put(peer, relation, engine.clock.instant(), !initiator);
            Arrays.fill(relation, (byte) 0);
        } else {
            engine.relations.confirm(peer.id()); // the peer proved it holds the relation
        }
        state = State.DONE;
        wipe();
        UnitAuthEngine.LOG.info("DAU {}: authenticated {} {} ({}, {})", engine.dauName, peer.name(), peer.id(),
                postQuantum ? "ML-DSA + ML-KEM, relation enrolled" : "KMAC relation",
                initiator ? "initiator" : "responder");
    }

    private void checkAddressedToMe(DeviceId idR) throws AuthenticationException {
        if (!idR.equals(engine.self.id())) {
            throw fail(Reason.WRONG_PEER, "handshake addressed to " + idR + ", this DAU is " + engine.self.id());
        }
        if (expectedPeer.equals(idR)) {
            throw fail(Reason.PROTOCOL, "handshake from this DAU's own identity");
        }
    }

    private void checkIsExpectedPeer(DeviceId idR) throws AuthenticationException {
        if (!idR.equals(expectedPeer)) {
            throw fail(Reason.WRONG_PEER, "expected " + expectedPeer + " but " + idR + " answered");
        }
    }

    private void checkFresh(byte[] first) throws AuthenticationException {
        if (!engine.replay.firstTime(Kdf.sha256(first))) {
            throw fail(Reason.REPLAYED, "first handshake message from " + expectedPeer + " was seen before (replay)");
        }
    }

    private void checkNotRevoked(DeviceId idI) throws AuthenticationException {
        Optional<IdentityDirectory> dir = engine.directory.get();
        if (dir.isPresent() && dir.get().isRevoked(idI)) {
            throw fail(Reason.REVOKED, "peer " + idI + " is revoked in the identity log");
        }
    }

    private void checkNotReflected(byte[] nonceR) throws AuthenticationException {
        if (Arrays.equals(nonceR, nonceI)) {
            throw fail(Reason.REPLAYED, "responder nonce equals this run's own nonce (reflection)");
        }
    }

    private void checkLength(byte[] msg, int expected) throws AuthenticationException {
        if (msg.length != expected) {
            throw fail(Reason.PROTOCOL, "handshake message of " + msg.length + " bytes, expected " + expected);
        }
    }

    private AuthenticationException fail(Reason reason, String message) {
        state = State.FAILED;
        wipe();
        return engine.refuse(expectedPeer, reason, message);
    }

    private static byte[] signed(String role, byte[]... parts) {
        byte[][] all = new byte[parts.length + 1][];
        all[0] = Kdf.utf8("qkdv2i/unit-auth/" + role + "/v1");
        System.arraycopy(parts, 0, all, 1, parts.length);
        ByteBuffer bb = ByteBuffer.allocate(Arrays.stream(all).mapToInt(p -> 4 + p.length).sum());
        for (byte[] p : all) {
            bb.putInt(p.length).put(p);
        }
        return bb.array();
    }

    /** Public name of a relation (16 bytes, one-way): lets a responder see it holds the same one. */
    static byte[] relationId(byte[] relationSecret, DeviceId a, DeviceId b) {
        DeviceId lo = a.compareTo(b) <= 0 ? a : b;
        DeviceId hi = lo == a ? b : a;
        return Kdf.kmac(relationSecret, "qkdv2i/unit-auth/relation-id/v1", RID, id(lo), id(hi));
    }

    static byte[] pairKey(byte[] relationSecret, DeviceId a, DeviceId b) {
        DeviceId lo = a.compareTo(b) <= 0 ? a : b;
        DeviceId hi = lo == a ? b : a;
        return Kdf.kmac(relationSecret, "qkdv2i/unit-auth/pair-key/v1", id(lo), id(hi));
    }

    private static byte[] pqKey(byte[] ssI, byte[] ssR, byte[] m1, byte[] body2) {
        byte[] ikm = concat(ssI, ssR);
        try {
            return Kdf.kmac(ikm, "qkdv2i/unit-auth/pq-key/v1", m1, body2);
        } finally {
            Arrays.fill(ikm, (byte) 0);
            Arrays.fill(ssI, (byte) 0);
            Arrays.fill(ssR, (byte) 0);
        }
    }

    private static byte[] nonce(UnitAuthEngine engine) {
        byte[] n = new byte[NONCE];
        engine.random.nextBytes(n);
        return n;
    }

    private static byte[] id(DeviceId id) {
        return Measurement.idBytes(id);
    }

    private static DeviceId readId(ByteBuffer in) {
        byte[] b = new byte[ID];
        in.get(b);
        return new DeviceId(HexFormat.of().formatHex(b));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static void destroy(SecretWithEncapsulation enc) {
        try {
            enc.destroy();
        } catch (javax.security.auth.DestroyFailedException e) {
            // BC's implementation zeroises and never throws; nothing else to do
        }
    }

    private void wipe() {
        if (key != null) {
            Arrays.fill(key, (byte) 0);
        }
        if (ssI != null) {
            Arrays.fill(ssI, (byte) 0);
        }
    }

    @Override
    public void close() {
        wipe();
        if (state != State.DONE) {
            state = State.FAILED;
        }
    }
}
