package org.qkdv2i.qkd.postprocessing.auth;

import java.util.Arrays;


/**
 * Wegman–Carter authentication of classical post-processing messages (Wegman, Carter, JCSS 22,
 * 1981): tag = GHASH_H(seq ‖ message ‖ lengths) ⊕ pad, where GHASH is the ε-almost-XOR-universal
 * polynomial hash over GF(2^128) (ε = (L + 2)/2^128 for L-block messages), H is a long-term secret
 * hash key that may be reused, and the 128-bit pad is fresh one-time key for every tag and is
 * never reused. The per-direction sequence number bound into the hash makes a replayed or
 * reordered message fail.
 *
 * <p>Key budget: {@link #spentKeyBits()} counts the pad bits consumed (plus the 128-bit hash key
 * once); a driver subtracts them from the secret key it reports. Pads come from an
 * {@link AuthKeyStore} per direction, started from a pre-shared bootstrap key and refilled from
 * generated key by {@link #refill} (both ends with the same bytes at the same protocol point).
 *
 * <p>Thread-safe: tag and verify are serialised per instance.
 */
public final class WegmanCarter implements AutoCloseable {
    public static final int TAG_BYTES = 16;

    private final Ghash ghash;
    private final byte[] hashKey;
    private final AuthKeyStore send;
    private final AuthKeyStore receive;
    private final boolean alice;
    private long sendSeq;
    private long receiveSeq;
    private boolean closed;

    private WegmanCarter(byte[] hashKey, AuthKeyStore send, AuthKeyStore receive, boolean alice) {
        this.ghash = new Ghash(hashKey);
        this.hashKey = hashKey.clone();
        this.send = send;
        this.receive = receive;
        this.alice = alice;
    }

    /**
     * Starts from a pre-shared key: the first 16 bytes are the GHASH key H, the rest is split in
     * two halves, pads for Alice → Bob first, then Bob → Alice. Both ends pass the same key; the
     * array is zeroised here.
     *
     * @param alice whether this end is Alice (sends with the first half)
     */
    public static WegmanCarter bootstrap(byte[] preSharedKey, boolean alice) {
        if (preSharedKey.length < 16 + 2 * TAG_BYTES) {
            throw new IllegalArgumentException("bootstrap key too short: need at least 48 bytes");
        }
        byte[] h = Arrays.copyOfRange(preSharedKey, 0, 16);
        int half = (preSharedKey.length - 16) / 2;
        byte[] aToB = Arrays.copyOfRange(preSharedKey, 16, 16 + half);
        byte[] bToA = Arrays.copyOfRange(preSharedKey, 16 + half, 16 + 2 * half);
        Arrays.fill(preSharedKey, (byte) 0);
        AuthKeyStore a = new AuthKeyStore(aToB);
        AuthKeyStore b = new AuthKeyStore(bToA);
        Arrays.fill(aToB, (byte) 0);
        Arrays.fill(bToA, (byte) 0);
        WegmanCarter wc = alice ? new WegmanCarter(h, a, b, true) : new WegmanCarter(h, b, a, false);
        Arrays.fill(h, (byte) 0);
        return wc;
    }

    /** Tags a message with the next send pad. */
    public synchronized byte[] tag(byte[] message) throws AuthenticationException {
        byte[] pad = send.take(TAG_BYTES);
        return withPad(hash(sendSeq++, message), pad);
    }

    /**
     * Verifies a received message with the next receive pad; the pad is spent whether or not the
     * tag matches, so a failure can never be retried with the same pad.
     */
    public synchronized void verify(byte[] message, byte[] tag) throws AuthenticationException {
        requireTagLength(tag);
        byte[] pad = receive.take(TAG_BYTES);
        compare(withPad(hash(receiveSeq++, message), pad), tag, "message authentication failed");
    }

    private static void requireTagLength(byte[] tag) throws AuthenticationException {
        if (tag == null || tag.length != TAG_BYTES) {
            throw new AuthenticationException(AuthenticationException.Reason.MALFORMED, "tag must be 16 bytes");
        }
    }

    /** {@code hash} XOR {@code pad}, in {@code hash}'s array; the pad is zeroised. */
    private static byte[] withPad(byte[] hash, byte[] pad) {
        xor(hash, pad);
        Arrays.fill(pad, (byte) 0);
        return hash;
    }

    /** Constant-time comparison; {@code expect} is zeroised. */
    private static void compare(byte[] expect, byte[] tag, String failure) throws AuthenticationException {
        boolean ok = org.bouncycastle.util.Arrays.constantTimeAreEqual(expect, tag);
        Arrays.fill(expect, (byte) 0);
        if (!ok) {
            throw new AuthenticationException(AuthenticationException.Reason.TAG_MISMATCH, failure);
        }
    }

    private byte[] hash(long seq, byte[] message) {
        ghash.reset();
        byte[] s = new byte[16];
        for (int i = 0; i < 8; i++) {
            s[i] = (byte) (seq >>> (56 - 8 * i));
        }
        ghash.update(s, 0, 16);
        ghash.update(message, 0, message.length);
        ghash.updateLengths(seq, 8L * message.length);
        return ghash.digest();
    }

    private static void xor(byte[] a, byte[] b) {
        for (int i = 0; i < a.length; i++) {
            a[i] ^= b[i];
        }
    }

    /**
     * Adds generated key to the pad stores: the first half to Alice → Bob, the second to
     * Bob → Alice. Both ends must call this with identical bytes; the array is zeroised.
     */
    public synchronized void refill(byte[] generatedKey) {
        int half = generatedKey.length / 2;
        byte[] first = Arrays.copyOfRange(generatedKey, 0, half);
        byte[] second = Arrays.copyOfRange(generatedKey, half, 2 * half);
        Arrays.fill(generatedKey, (byte) 0);
        (alice ? send : receive).refill(first);
        (alice ? receive : send).refill(second);
        Arrays.fill(first, (byte) 0);
        Arrays.fill(second, (byte) 0);
    }

    /** Key bits spent on authentication so far by this end (pads used in both directions). */
    public synchronized long spentKeyBits() {
        return send.spentBits() + receive.spentBits();
    }

    public synchronized long availableSendBits() {
        return send.availableBits();
    }

    public synchronized long availableReceiveBits() {
        return receive.availableBits();
    }

    /** Zeroises pads and the hash state. */
    @Override
    public synchronized void close() {
        send.wipe();
        receive.wipe();
        ghash.wipe();
        Arrays.fill(hashKey, (byte) 0);
        closed = true;
    }

    /**
     * Starts a transcript: both ends add every message of an exchange (e.g. all Cascade requests
     * and responses of one block) in the same order, then one end sends {@link Transcript#tag()}
     * and the other checks it with {@link Transcript#verify(byte[])}. One 128-bit pad per
     * transcript instead of one per message — Cascade needs hundreds of round trips per block,
     * which at 2 × 128 bits each can exceed the key the block yields. This is delayed
     * authentication: nothing derived from the exchange (the reconciled key) may be used, and the
     * block must be discarded, unless the transcript tag verifies.
     */
    public synchronized Transcript transcript() {
        if (closed) {
            throw new IllegalStateException("authenticator closed");
        }
        return new Transcript(new Ghash(hashKey));
    }

    /** Running GHASH over a sequence of messages, each framed by its index and length. Not thread-safe. */
    public final class Transcript {
        private final Ghash g;
        private long count;
        private boolean finished;

        private Transcript(Ghash g) {
            this.g = g;
        }

        /** Adds the next message of the exchange (both ends, same order). */
        public void add(byte[] message) {
            if (finished) {
                throw new IllegalStateException("transcript already tagged or verified");
            }
            g.update(message, 0, message.length);
            g.updateLengths(count++, 8L * message.length);
        }

        /** The tag of the transcript with the next send pad (ends the transcript). */
        public byte[] tag() throws AuthenticationException {
            synchronized (WegmanCarter.this) {
                byte[] pad = send.take(TAG_BYTES);
                return withPad(finish(sendSeq++), pad);
            }
        }

        /** Checks the peer's transcript tag with the next receive pad (ends the transcript). */
        public void verify(byte[] tag) throws AuthenticationException {
            requireTagLength(tag);
            synchronized (WegmanCarter.this) {
                byte[] pad = receive.take(TAG_BYTES);
                compare(withPad(finish(receiveSeq++), pad), tag, "transcript authentication failed");
            }
        }

        private byte[] finish(long seq) {
            if (finished) {
                throw new IllegalStateException("transcript already tagged or verified");
            }
            finished = true;
            // a final block binds the direction's sequence number and the message count
            g.updateLengths(seq, ~count);
            byte[] d = g.digest();
            g.wipe();
            return d;
        }
    }
}
