package org.qkdv2i.driver.sim.fso.internal.sim;

import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.prng.EntropySource;
import org.bouncycastle.crypto.prng.EntropySourceProvider;
import org.bouncycastle.crypto.prng.SP800SecureRandomBuilder;

/**
 * Alice's random choices that become key material — the bit and the basis of every pulse —
 * from a cryptographically secure generator: NIST SP 800-90A CTR_DRBG with AES-256 (Bouncy
 * Castle), seeded from the platform's entropy source and read in requests of 32 KiB (the
 * DRBG's per-request maximum is 2^18 bits), so the cost per pulse is a few bit operations
 * (≈ 2 bits per arrival; the DRBG runs at ≈ 100 MB/s on one core, i.e. ≈ 4 ms per simulated
 * second at 1.8·10⁶ arrivals/s). The channel emulation's own randomness (fading, arrival
 * positions, photon numbers, the detector) is physics, not key, and comes from a fast
 * {@link SplittableRandom}.
 *
 * <p>Not thread-safe: one link end's thread owns it.
 */
public final class ChoiceBits {

    private static final int REQUEST_BYTES = 1 << 15;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Request size of a {@link #fork()}: a round's noise clicks want a few hundred bits, not 32 KiB. */
    private static final int FORK_REQUEST_BYTES = 1 << 10;

    private final SecureRandom drbg;
    private final byte[] buf;
    private final int request;
    private final boolean seeded;
    private int pos;
    private long reservoir;
    private int left;

    private ChoiceBits(SecureRandom drbg, boolean seeded) {
        this(drbg, seeded, REQUEST_BYTES);
    }

    private ChoiceBits(SecureRandom drbg, boolean seeded, int request) {
        this.drbg = drbg;
        this.seeded = seeded;
        this.request = request;
        this.buf = new byte[request];
        this.pos = request;
    }

    /**
     * A generator of its own for another thread: from the platform's entropy like this one, or — for a
     * {@link #seeded} one — seeded from this one's next 64 bits, so that a reproducible run stays
     * reproducible. Alice's protocol gives each round's ledger one (drawn on the thread that emits),
     * because the protocol thread draws a round's noise-click choices while the next round is emitted.
     */
    public ChoiceBits fork() {
        if (!seeded) {
            return new ChoiceBits(systemDrbg(), false, FORK_REQUEST_BYTES);
        }
        return new ChoiceBits(seededDrbg(nextLong()), true, FORK_REQUEST_BYTES);
    }

    /** CTR_DRBG (AES-256) instantiated from the platform's {@link SecureRandom}: for key material. */
    public static ChoiceBits fromSystemEntropy() {
        return new ChoiceBits(systemDrbg(), false);
    }

    private static SecureRandom systemDrbg() {
        SecureRandom entropy = new SecureRandom();
        byte[] nonce = new byte[16];
        entropy.nextBytes(nonce);
        return new SP800SecureRandomBuilder(entropy, false)
                .setPersonalizationString("qkd-v2i sim.fso Alice choices".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .buildCTR(AESEngine.newInstance(), 256, nonce, false);
    }

    /**
     * The same DRBG with entropy from a fixed seed: reproducible runs of the in-process simulator
     * (tests, physics report, benchmark). Never for a link that delivers keys.
     */
    public static ChoiceBits seeded(long seed) {
        return new ChoiceBits(seededDrbg(seed), true);
    }

    private static SecureRandom seededDrbg(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        EntropySourceProvider provider = bits -> new EntropySource() {
            @Override
            public boolean isPredictionResistant() {
                return false;
            }

            @Override
            public byte[] getEntropy() {
                byte[] b = new byte[(bits + 7) / 8];
                r.nextBytes(b);
                return b;
            }

            @Override
            public int entropySize() {
                return bits;
            }
        };
        byte[] nonce = new byte[16];
        r.nextBytes(nonce);
        return new SP800SecureRandomBuilder(provider).buildCTR(AESEngine.newInstance(), 256, nonce, false);
    }

    /** 64 fresh random bits. */
    public long nextLong() {
        if (pos == request) {
            drbg.nextBytes(buf);
            pos = 0;
        }
        long v = (long) LONGS.get(buf, pos);
        pos += 8;
        return v;
    }

    /** The next {@code k} (1 ≤ k ≤ 32) random bits as the low bits of an int. */
    public int bits(int k) {
        if (left < k) {
            reservoir = nextLong();
            left = 64;
        }
        int v = (int) (reservoir & ((1L << k) - 1));
        reservoir >>>= k;
        left -= k;
        return v;
    }

    /** A uniform double in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Overwrites the choices drawn but not yet used. */
    public void wipe() {
        Arrays.fill(buf, (byte) 0);
        pos = request;
        reservoir = 0;
        left = 0;
    }
}
