package org.qkdv2i.v2x.codec.internal.security;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;

/**
 * Remembers message signatures that verified: "ECDSA P-256 accepts (e, r, s) under Q". That
 * verdict is a pure function of exactly those inputs (e = the IEEE 1609.2 §5.3.1 hash of the
 * ToBeSignedData and the signer certificate), so a receiver that meets the same bytes again may
 * reuse it; nothing else is remembered here. Freshness, the signer lookup, trust, the chain,
 * validity and permissions stay the verifying receiver's (see {@link Verifier}).
 * <p>
 * Keyed by a full SHA-256 over the length-prefixed e, r, s and the compressed Q: equal keys mean
 * equal ECDSA inputs (a collision would be a SHA-256 collision), never a truncated hash or a
 * message ID. Only "valid" is stored: a failed verification is not cached, so a forger can neither
 * poison an entry nor fill the memo with his messages (and resending a bad signature costs him
 * nothing anyway, so caching the refusal would buy nothing). Valid messages evict the least
 * recently used entries; an evicted verdict is simply computed again.
 * <p>
 * Thread-safe and bounded ({@link StripedLru}, at most {@link #capacity()} entries). A lookup costs one SHA-256 of ~140 octets (≈ 1 µs) against ≈ 100 µs for the
 * ECDSA verification it saves.
 * <p>
 * Single flight: two receivers that miss the memo for the same key at once (the two radio I/O
 * threads delivering one CAM to two stacks) would both run ECDSA; the second waits for the first's
 * verdict instead ({@link #takeOff}/{@link #land}; the same inputs give the same verdict, so the
 * waiter may take a refusal too). A flight always lands (finally), so a waiter waits at most one
 * ECDSA verification.
 */
final class MessageVerdictMemo {

    /** ≈ 2 s (the receive path's default maxAge) of a 1,050-station city's ≈ 2,600 signed CAMs/s, 3×. */
    static final int DEFAULT_CAPACITY = 16_384;
    private volatile boolean enabled;
    private volatile StripedLru<Boolean> valid;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    /** Verifications in progress, by key (single flight); entries live only while one runs. */
    private final Map<ByteBuffer, CompletableFuture<Boolean>> inFlight = new ConcurrentHashMap<>();

    MessageVerdictMemo(boolean enabled, int capacity) {
        configure(enabled, capacity);
    }

    /** A new capacity starts an empty memo; only turning it on or off keeps the entries. */
    synchronized void configure(boolean enabled, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        if (valid == null || capacity != valid.capacity()) {
            valid = new StripedLru<>(capacity);
        }
        this.enabled = enabled;
    }

    boolean enabled() {
        return enabled;
    }

    int capacity() {
        return valid.capacity();
    }

    /**
     * The memo key of an ECDSA verification, or {@code null} where the signature has no readable
     * (r, s) (then there is nothing to remember: the verification fails).
     */
    static byte[] key(byte[] digest, org.bouncycastle.oer.its.ieee1609dot2.basetypes.Signature signature,
            ECPublicKeyParameters q) {
        byte[][] rs = Ecdsa256.rs(signature);
        if (rs == null) {
            return null;
        }
        SHA256Digest d = new SHA256Digest();
        part(d, digest);
        part(d, rs[0]);
        part(d, rs[1]);
        part(d, q.getQ().getEncoded(true));
        byte[] k = new byte[32];
        d.doFinal(k, 0);
        return k;
    }

    /** Length-prefixed, so that no two different input tuples hash the same octet string. */
    private static void part(SHA256Digest d, byte[] p) {
        d.update((byte) (p.length >>> 8));
        d.update((byte) p.length);
        d.update(p, 0, p.length);
    }

    /** {@code true} if this exact verification succeeded before (and the memo is on). */
    boolean knownValid(byte[] key) {
        if (!enabled) {
            return false;
        }
        boolean hit = valid.get(key) != null; // get: marks it recently used
        (hit ? hits : misses).increment();
        return hit;
    }

    /** As {@link #knownValid} without counting a lookup (the single-flight leader's second look). */
    boolean containsValid(byte[] key) {
        return enabled && valid.get(key) != null;
    }

    /**
     * Call only after the ECDSA verification of exactly these inputs returned true. Returns
     * {@code true} if the verdict was already there: that verification was a duplicate.
     */
    boolean rememberValid(byte[] key) {
        return enabled && valid.putIfAbsent(key, Boolean.TRUE) != null;
    }

    /**
     * Single flight: registers {@code mine} as the verification of {@code key} in progress and
     * returns {@code null} (the caller verifies, then calls {@link #land} whatever happens), or
     * returns the verification already in progress, whose verdict the caller waits for.
     */
    CompletableFuture<Boolean> takeOff(byte[] key, CompletableFuture<Boolean> mine) {
        return inFlight.putIfAbsent(ByteBuffer.wrap(key), mine);
    }

    /** Ends the flight: {@code verdict} to the waiters, {@code null} if there is none (the check threw). */
    void land(byte[] key, CompletableFuture<Boolean> mine, Boolean verdict) {
        inFlight.remove(ByteBuffer.wrap(key), mine);
        mine.complete(verdict);
    }

    int inFlight() {
        return inFlight.size();
    }

    int size() {
        return valid.size();
    }

    long hits() {
        return hits.sum();
    }

    long misses() {
        return misses.sum();
    }
}
