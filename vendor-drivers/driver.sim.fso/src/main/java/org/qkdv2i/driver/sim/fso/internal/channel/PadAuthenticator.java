package org.qkdv2i.driver.sim.fso.internal.channel;

import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

import org.qkdv2i.qkd.postprocessing.auth.Ghash;

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

    private final PadStore store;
    private final boolean alice;
    private final Ghash key;

    public PadAuthenticator(PadStore store, boolean alice) {
        this.store = Objects.requireNonNull(store, "store");
        this.alice = alice;
        byte[] h = store.hashKey();
        key = new Ghash(h);
        Arrays.fill(h, (byte) 0);
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
        PadStore.Positions mine = store.positions();
        try (Wire.Buffer b = new Wire.Buffer()) {
            b.writeUTF(linkId);
            b.writeBoolean(alice);
            writePositions(b, mine);
            ch.send(MessageType.SYNC, b.bytes());
        }
        DataInputStream in = Wire.reader(ch.receive(MessageType.SYNC));
        String peerLink = in.readUTF();
        boolean peerAlice = in.readBoolean();
        if (!peerLink.equals(linkId) || peerAlice == alice) {
            throw new IOException("peer is link " + peerLink + " as " + (peerAlice ? "ALICE" : "BOB")
                    + ": miswired (expected link " + linkId + " as " + (alice ? "BOB" : "ALICE") + ")");
        }
        PadStore.Positions agreed = store.reconcile(readPositions(in));
        for (int d = 0; d < 2; d++) {
            if (store.available(d) < 1 + ROUND_PADS) {
                throw new PadStoreException(PadStore.EXHAUSTED, true);
            }
        }
        byte[] hello;
        try (Wire.Buffer b = new Wire.Buffer()) {
            b.writeUTF(linkId);
            b.writeLong(agreed.nextAB());
            b.writeLong(agreed.nextBA());
            b.writeLong(agreed.refills());
            hello = b.bytes();
        }
        ch.send(MessageType.HELLO, hello);
        byte[] peer = ch.receive(MessageType.HELLO);
        if (!Arrays.equals(peer, hello)) {
            throw new IOException("the peer agreed on other pad positions: SYNC altered on the way; retrying");
        }
    }

    private static void writePositions(Wire.Buffer b, PadStore.Positions p) throws IOException {
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
        }
    }

    private static PadStore.Positions readPositions(DataInputStream in) throws IOException {
        long ab = in.readLong(), ba = in.readLong(), refills = in.readLong();
        int k = Wire.checkedCount(in.readUnsignedByte(), PadStore.HISTORY);
        List<PadStore.Refill> recent = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            recent.add(new PadStore.Refill(in.readLong(), new UUID(in.readLong(), in.readLong()), in.readLong(),
                    in.readLong()));
        }
        if (ab < 0 || ba < 0 || refills < 0) {
            throw new IOException("malformed pad positions from the peer");
        }
        return new PadStore.Positions(ab, ba, refills, recent);
    }

    /** One message's (or one round transcript's) GHASH, ended by one tag or one verification. */
    private final class Poly {
        private final Ghash g = key.fresh();

        void block(byte[] b16) {
            g.update(b16, 0, 16);
        }

        void update(byte[] data) {
            g.update(data, 0, data.length);
        }

        void lengths(long a, long b) {
            g.updateLengths(a, b);
        }

        /** Final value for pad {@code index} of direction {@code d}: binds index, direction and {@code len}. */
        private byte[] finish(long index, int d, long len) {
            g.updateLengths(index | (long) d << 63, len); // indices stay far below 2^63
            return g.digest();
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
        key.wipe();
        store.close();
    }
}
