package org.qkdv2i.driver.sim.fso.internal.channel;

import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

import java.util.HashMap;
import java.util.Map;

import org.qkdv2i.qkd.postprocessing.auth.Ghash;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wegman–Carter authentication (Wegman, Carter, JCSS 22, 1981) with pads from a durable
 * {@link PadStore}: tag = GHASH_H(index ‖ message ‖ lengths) ⊕ pad[index], sent as
 * {@code index (8 bytes) ‖ tag (16 bytes)}. GHASH is the ε-almost-XOR-universal polynomial hash
 * over GF(2^128) (NIST SP 800-38D §6.4; Bouncy Castle's multiplier), the same construction as
 * {@code qkd.postprocessing.auth.WegmanCarter}; this class exists because that one keeps its pads
 * in memory without positions, so a restart would use them again. The index bound into the hash
 * makes a replayed or reordered frame fail; a frame whose index is not the next one expected is
 * refused without spending a pad.
 *
 * <p>Not thread-safe: one link thread uses it.
 */
public final class PadAuthenticator implements MessageAuthenticator, AutoCloseable {

    static final int INDEX_BYTES = 8;
    /** Pads a round that ends in a key needs per direction (transcript, VERIFY, AMPLIFY / transcript, CONFIRM). */
    static final int ROUND_PADS = 3;

    private static final Logger LOG = LoggerFactory.getLogger(PadAuthenticator.class);

    private final PadStore store;
    private final boolean alice;
    /** GHASH multipliers by hash key epoch: the current key and, after a post-quantum re-bootstrap, the previous one. */
    private final Map<Long, Ghash> keys = new HashMap<>();

    public PadAuthenticator(PadStore store, boolean alice) {
        this.store = Objects.requireNonNull(store, "store");
        this.alice = alice;
    }

    /** Multipliers for the store's keys now; drops (and wipes) those of keys no longer in use. */
    private synchronized Ghash[] multipliers(long[] epochs) {
        PadStore.HashKeys k = store.hashKeys();
        try {
            keys.entrySet().removeIf(e -> {
                boolean stale = e.getKey() != k.currentEpoch() && e.getKey() != k.previousEpoch();
                if (stale) {
                    e.getValue().wipe();
                }
                return stale;
            });
            epochs[0] = k.currentEpoch();
            epochs[1] = k.previous() == null ? -1 : k.previousEpoch();
            Ghash cur = keys.computeIfAbsent(k.currentEpoch(), e -> new Ghash(k.current()));
            Ghash prev = k.previous() == null ? null : keys.computeIfAbsent(k.previousEpoch(), e -> new Ghash(k.previous()));
            return new Ghash[] { cur.fresh(), prev == null ? null : prev.fresh() };
        } finally {
            Arrays.fill(k.current(), (byte) 0);
            if (k.previous() != null) {
                Arrays.fill(k.previous(), (byte) 0);
            }
        }
    }

    private int sendDir() {
        return alice ? 0 : 1;
    }

    private int receiveDir() {
        return alice ? 1 : 0;
    }

    public PadStore store() {
        return store;
    }

    @Override
    public int tagBytes() {
        return INDEX_BYTES + PadStore.PAD_BYTES;
    }

    @Override
    public byte[] tag(byte[] data) throws IOException {
        Poly p = new Poly();
        p.update(data);
        return p.tag(data.length);
    }

    @Override
    public void verify(byte[] data, byte[] tag) throws IOException {
        Poly p = new Poly();
        p.update(data);
        p.verify(data.length, tag, "classical message");
    }

    @Override
    public Transcript transcript() {
        return new Transcript() {
            private final Poly p = new Poly();
            private long count;

            @Override
            public void add(boolean fromAlice, byte[] header, byte[] payload) {
                byte[] h = new byte[16];
                h[0] = (byte) (fromAlice ? 'A' : 'B');
                System.arraycopy(header, 0, h, 1, Math.min(15, header.length));
                p.block(h);
                p.update(payload);
                p.lengths(count++, 8L * payload.length); // frames are self-delimiting: the encoding is injective
            }

            @Override
            public byte[] tag() throws IOException {
                return p.tag(~count);
            }

            @Override
            public void verify(byte[] tag) throws IOException {
                p.verify(~count, tag, "transcript of the round");
            }
        };
    }

    /**
     * Connection start, both ends at once: each announces its positions (SYNC, untagged), both
     * reconcile the same way (refill rollback, each direction to the larger next index), then an
     * authenticated HELLO each way carries the agreed positions, which must match. Nothing is
     * tagged before an end has learnt the peer's positions, so an end that lost its state file and
     * bootstrapped again still never uses a pad the link has used.
     */
    public void handshake(FramedChannel ch, String linkId) throws IOException {
        handshake(ch, linkId, null);
    }

    /**
     * The connection start with the post-quantum fallback ({@code pq} null: none, today's
     * behaviour). Both SYNCs also say whether the end has the fallback and whether it asks for a
     * re-bootstrap (down too long). The exchange runs, at both ends alike, when both have the
     * fallback and the pads are exhausted, cannot be reconciled, come from different bootstraps,
     * or either end asks; then the HELLOs are tagged with the fresh pads (key confirmation).
     *
     * @return whether the classical channel was re-bootstrapped post-quantum
     */
    public boolean handshake(FramedChannel ch, String linkId, PqRebootstrap pq) throws IOException {
        PadStore.Positions mine = store.positions();
        boolean pqHere = pq != null, askHere = pq != null && pq.requested();
        byte[] sync;
        try (Wire.Buffer b = new Wire.Buffer()) {
            b.writeUTF(linkId);
            b.writeBoolean(alice);
            b.writeBoolean(pqHere);
            b.writeBoolean(askHere);
            writePositions(b, mine);
            sync = b.bytes();
        }
        ch.send(MessageType.SYNC, sync);
        byte[] peerSync = ch.receive(MessageType.SYNC);
        DataInputStream in = Wire.reader(peerSync);
        String peerLink = in.readUTF();
        boolean peerAlice = in.readBoolean();
        if (!peerLink.equals(linkId) || peerAlice == alice) {
            throw new IOException("peer is link " + peerLink + " as " + (peerAlice ? "ALICE" : "BOB")
                    + ": miswired (expected link " + linkId + " as " + (alice ? "BOB" : "ALICE") + ")");
        }
        boolean pqThere = in.readBoolean(), askThere = in.readBoolean();
        PadStore.Positions peer = readPositions(in);
        PadStoreException fatal = null;
        if (peer.generation() != mine.generation()) {
            fatal = new PadStoreException("the two ends' authentication pads come from different bootstraps ("
                    + "generation " + mine.generation() + " here, " + peer.generation() + " at the peer): configure "
                    + "a fresh authKeyHex at both ends", true);
        } else {
            try {
                store.reconcile(peer);
                for (int d = 0; d < 2; d++) {
                    if (store.available(d) < 1 + ROUND_PADS) {
                        throw new PadStoreException(PadStore.EXHAUSTED, true);
                    }
                }
            } catch (PadStoreException e) {
                if (!e.terminal()) {
                    throw e;
                }
                fatal = e;
            }
        }
        boolean rebootstrapped = false;
        if (fatal != null || askHere || askThere) {
            if (pqHere && pqThere) {
                // the advice to configure a fresh authKeyHex does not apply: this is the alternative
                String why = fatal != null ? fatal.getMessage().replaceFirst(":? ?configure a fresh authKeyHex.*$", "")
                        : "link down longer than pqAfterDownSeconds at "
                                + (askHere && askThere ? "both ends" : askHere ? "this end" : "the peer");
                LOG.info("FSO link {} at node {}: {}; re-bootstrapping the authentication post-quantum (ML-KEM-768, "
                        + "ML-DSA-65)", linkId, pq.localNode(), why);
                long generation = Math.max(mine.generation(), peer.generation()) + 1;
                pq.run(ch, alice, linkId, alice ? sync : peerSync, alice ? peerSync : sync, store, generation,
                        Math.max(mine.nextAB(), peer.nextAB()), Math.max(mine.nextBA(), peer.nextBA()));
                rebootstrapped = true;
            } else if (fatal != null) {
                if (pqHere) {
                    throw new PadStoreException(fatal.getMessage() + " (no post-quantum re-bootstrap: pqFallback is "
                            + "off at the peer)", true);
                }
                throw fatal;
            }
        }
        PadStore.Positions agreed = store.positions();
        byte[] hello;
        try (Wire.Buffer b = new Wire.Buffer()) {
            b.writeUTF(linkId);
            b.writeLong(agreed.generation());
            b.writeLong(agreed.nextAB());
            b.writeLong(agreed.nextBA());
            b.writeLong(agreed.refills());
            hello = b.bytes();
        }
        ch.send(MessageType.HELLO, hello);
        byte[] peerHello = ch.receive(MessageType.HELLO);
        if (!Arrays.equals(peerHello, hello)) {
            throw new IOException("the peer agreed on other pad positions: SYNC altered on the way; retrying");
        }
        return rebootstrapped;
    }

    private static void writePositions(Wire.Buffer b, PadStore.Positions p) throws IOException {
        b.writeLong(p.generation());
        b.writeLong(p.nextAB());
        b.writeLong(p.nextBA());
        b.writeLong(p.refills());
        b.writeByte(p.recent().size());
        for (PadStore.Refill r : p.recent()) {
            b.writeLong(r.count());
            b.writeLong(r.blockId().getMostSignificantBits());
            b.writeLong(r.blockId().getLeastSignificantBits());
            b.writeLong(r.startAB());
            b.writeLong(r.startBA());
            b.writeBoolean(r.rotated());
        }
    }

    private static PadStore.Positions readPositions(DataInputStream in) throws IOException {
        long generation = in.readLong();
        long ab = in.readLong(), ba = in.readLong(), refills = in.readLong();
        int k = Wire.checkedCount(in.readUnsignedByte(), PadStore.HISTORY);
        List<PadStore.Refill> recent = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            recent.add(new PadStore.Refill(in.readLong(), new UUID(in.readLong(), in.readLong()), in.readLong(),
                    in.readLong(), in.readBoolean()));
        }
        if (ab < 0 || ba < 0 || refills < 0 || generation < 0) {
            throw new IOException("malformed pad positions from the peer");
        }
        return new PadStore.Positions(generation, ab, ba, refills, recent);
    }

    /** One message's (or one round transcript's) GHASH, ended by one tag or one verification. */
    private final class Poly {
        private final long[] epochs = new long[2];
        private final Ghash g, previous; // previous: only while a post-quantum bootstrap's pads are left

        Poly() {
            Ghash[] m = multipliers(epochs);
            g = m[0];
            previous = m[1];
        }

        void block(byte[] b16) {
            g.update(b16, 0, 16);
            if (previous != null) {
                previous.update(b16, 0, 16);
            }
        }

        void update(byte[] data) {
            g.update(data, 0, data.length);
            if (previous != null) {
                previous.update(data, 0, data.length);
            }
        }

        void lengths(long a, long b) {
            g.updateLengths(a, b);
            if (previous != null) {
                previous.updateLengths(a, b);
            }
        }

        /** Final value for pad {@code index} of direction {@code d}: binds index, direction and {@code len}. */
        private byte[] finish(long index, int d, long len) throws IOException {
            long epoch = store.epochFor(d, index); // the hash key that goes with this pad
            Ghash h = epoch == epochs[0] ? g : previous != null && epoch == epochs[1] ? previous : null;
            if (h == null) {
                throw new IOException("the authentication hash key changed while a message was being tagged");
            }
            h.updateLengths(index | (long) d << 63, len); // indices stay far below 2^63
            return h.digest();
        }

        byte[] tag(long len) throws IOException {
            byte[] pad = new byte[PadStore.PAD_BYTES];
            try {
                long i = store.take(sendDir(), pad); // consumed and persisted before it is used
                byte[] t = finish(i, sendDir(), len);
                byte[] out = new byte[INDEX_BYTES + 16];
                for (int k = 0; k < 8; k++) {
                    out[k] = (byte) (i >>> (56 - 8 * k));
                }
                for (int k = 0; k < 16; k++) {
                    out[INDEX_BYTES + k] = (byte) (t[k] ^ pad[k]);
                }
                Arrays.fill(t, (byte) 0);
                return out;
            } finally {
                Arrays.fill(pad, (byte) 0);
            }
        }

        void verify(long len, byte[] tag, String what) throws IOException {
            if (tag == null || tag.length != INDEX_BYTES + 16) {
                throw new IOException(what + " failed Wegman-Carter authentication: malformed tag");
            }
            long i = 0;
            for (int k = 0; k < 8; k++) {
                i = i << 8 | (tag[k] & 0xFF);
            }
            long expected = store.next(receiveDir());
            if (i != expected) {
                throw new IOException(what + " failed Wegman-Carter authentication: tagged with pad " + i
                        + ", expected pad " + expected + " (replayed, reordered or out of step)");
            }
            byte[] pad = new byte[PadStore.PAD_BYTES];
            byte[] t = null;
            try {
                store.take(receiveDir(), pad); // spent whether or not the tag matches: a failure is never retried
                t = finish(i, receiveDir(), len);
                for (int k = 0; k < 16; k++) {
                    t[k] ^= pad[k];
                }
                if (!org.bouncycastle.util.Arrays.constantTimeAreEqual(16, t, 0, tag, INDEX_BYTES)) {
                    throw new IOException(what + " failed Wegman-Carter authentication: tag mismatch");
                }
            } finally {
                Arrays.fill(pad, (byte) 0);
                if (t != null) {
                    Arrays.fill(t, (byte) 0);
                }
            }
        }
    }

    /** Zeroises the pads in memory (the store's file keeps the unused ones). */
    @Override
    public void close() {
        synchronized (this) {
            keys.values().forEach(Ghash::wipe);
            keys.clear();
        }
        store.close();
    }
}
