package org.qkdv2i.dpn.identitylog.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.qkdv2i.dpn.identitylog.TestRecords.record;

import java.security.SecureRandom;
import java.util.List;

import org.junit.Before;
import org.junit.Test;
import org.qkdv2i.dpn.api.IdentityLogException;
import org.qkdv2i.dpn.api.SignedTreeHead;
import org.qkdv2i.dpn.identitylog.internal.EntryCodec.Leaf;
import org.qkdv2i.dpn.identitylog.internal.HeadCrossCheck.Status;

/**
 * The cross-check against heads made with the peer's real key: honest growth passes; a fork, a
 * second root for a size, a head that does not extend this tree or the peer's earlier head, a
 * wrong log ID are reported as forged; missing keys or proofs leave the head unverified.
 */
public class HeadCrossCheckTest {

    private final SecureRandom random = new SecureRandom();
    private final TreeHeadSigner peer = SigningKeyStore.ephemeral(random);
    private LogState own;
    private LogState peerState;
    private HeadCrossCheck check;

    @Before
    public void setUp() {
        own = new LogState(e -> { });
        peerState = new LogState(e -> { });
        for (LogState s : List.of(own, peerState)) {
            s.apply(LogState.pinKeyCommand("bs-p", peer.publicKeyInfo()));
        }
        check = new HeadCrossCheck("bs-me", "log", own, own::replicaKey);
    }

    private static void append(LogState s, int n) {
        byte[] reply = s.apply(LogState.appendCommand(Leaf.enrol(record(n), n)));
        assertEquals(LogState.OK, reply[0]);
    }

    private SignedTreeHead head(LogState s) {
        LogState.Tree t = s.tree();
        return peer.sign("log", t.size(), 1000 + t.size(), t.root());
    }

    private HeadCrossCheck.ProofSource proofsOf(LogState s) {
        return (m, n) -> s.consistencyProof(m, n);
    }

    @Test
    public void honestHeadsPassAsTheLogGrows() {
        for (int i = 0; i < 5; i++) {
            append(own, i);
            append(peerState, i);
        }
        assertEquals(Status.OK, check.check("bs-p", head(peerState), proofsOf(peerState)).status());
        // the peer is ahead of this replica: the proof from this tree to its head comes from the peer
        append(peerState, 5);
        append(peerState, 6);
        assertEquals(Status.OK, check.check("bs-p", head(peerState), proofsOf(peerState)).status());
        append(own, 5);
        append(own, 6);
        append(own, 7);
        assertEquals(Status.OK, check.check("bs-p", head(peerState), proofsOf(peerState)).status());
        assertTrue(check.incidents().isEmpty());
        assertEquals(7, check.lastSeen("bs-p").treeSize());
    }

    @Test
    public void aForkSignedWithThePeersRealKeyIsForged() {
        for (int i = 0; i < 4; i++) {
            append(own, i);
        }
        // the peer's log holds a different entry 2: same size, other root, valid signature
        append(peerState, 0);
        append(peerState, 1);
        append(peerState, 99);
        append(peerState, 3);
        HeadCrossCheck.Verdict v = check.check("bs-p", head(peerState), proofsOf(peerState));
        assertEquals(Status.FORGED, v.status());
        assertTrue(v.detail(), v.detail().contains("differs from this replica's (fork)"));
        // and a forked tree larger than ours cannot prove it extends ours
        append(peerState, 4);
        v = check.check("bs-p", head(peerState), proofsOf(peerState));
        assertEquals(Status.FORGED, v.status());
        assertTrue(v.detail(), v.detail().contains("does not extend this replica's tree of size 4"));
        assertEquals(2, check.incidents().size());
        assertNull("no forged head is remembered as the peer's last", check.lastSeen("bs-p"));
    }

    @Test
    public void aSecondRootForASeenSizeIsForged() {
        append(peerState, 0);
        append(peerState, 1);
        SignedTreeHead first = head(peerState);
        // this replica is behind (size 0): the first head passes by the peer's own proof
        assertEquals(Status.OK, check.check("bs-p", first, proofsOf(peerState)).status());
        LogState other = new LogState(e -> { });
        append(other, 0);
        append(other, 7);
        HeadCrossCheck.Verdict v = check.check("bs-p", head(other), proofsOf(other));
        assertEquals(Status.FORGED, v.status());
        assertTrue(v.detail(), v.detail().contains("a second root for size 2"));
    }

    @Test
    public void aHeadThatDoesNotExtendThePeersEarlierHeadIsForged() {
        append(peerState, 0);
        assertEquals(Status.OK, check.check("bs-p", head(peerState), proofsOf(peerState)).status());
        LogState rewritten = new LogState(e -> { });
        append(rewritten, 50);
        append(rewritten, 51);
        append(rewritten, 52);
        HeadCrossCheck.Verdict v = check.check("bs-p", head(rewritten), proofsOf(rewritten));
        assertEquals(Status.FORGED, v.status());
        assertTrue(v.detail(), v.detail().contains("not consistent with its earlier head of size 1"));
    }

    @Test
    public void wrongLogAndUnknownKeysAndMissingProofs() {
        append(peerState, 0);
        LogState.Tree t = peerState.tree();
        HeadCrossCheck.Verdict v = check.check("bs-p", peer.sign("other-log", t.size(), 1, t.root()),
                proofsOf(peerState));
        assertEquals(Status.FORGED, v.status());
        assertTrue(v.detail(), v.detail().contains("log ID 'other-log'"));
        assertEquals(Status.UNVERIFIED, check.check("bs-x", head(peerState), proofsOf(peerState)).status());
        HeadCrossCheck.Verdict noProof = check.check("bs-p", head(peerState), (m, n) -> {
            throw new IdentityLogException("peer unreachable");
        });
        assertEquals(Status.UNVERIFIED, noProof.status());
        assertEquals(1, check.incidents().size());
    }
}
