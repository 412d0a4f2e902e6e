package org.qkdv2i.driver.sim.fso.internal.channel;

import java.io.DataInputStream;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.UUID;
import java.util.function.Supplier;

import org.qkdv2i.qkd.postprocessing.Bits;
import org.qkdv2i.qkd.postprocessing.cascade.CascadeAlice;
import org.qkdv2i.qkd.postprocessing.cascade.CascadeBob;
import org.qkdv2i.qkd.postprocessing.cascade.CascadePlan;
import org.qkdv2i.qkd.postprocessing.cascade.CascadePlanCache;
import org.qkdv2i.qkd.postprocessing.cascade.CascadeResult;
import org.qkdv2i.qkd.postprocessing.cascade.CascadeVariant;
import org.qkdv2i.qkd.postprocessing.cascade.ParityRequest;
import org.qkdv2i.qkd.postprocessing.cascade.ParityResponse;
import org.qkdv2i.qkd.postprocessing.hash.PolynomialHash;
import org.qkdv2i.qkd.postprocessing.hash.ToeplitzHash;
import org.qkdv2i.qkd.postprocessing.hash.ToeplitzPool;

/**
 * Reconciliation (optimised Cascade, Bob asks, Alice answers), verification (polynomial hash,
 * ε_cor = 1e-15) and privacy amplification (Toeplitz, NTT) from bundles/qkd.postprocessing.
 *
 * <p>Output length ℓ = privacyBits − disclosed parities − verification tag − 2·log2(1/ε_PA),
 * rounded down to whole bytes: the asymptotic decoy entropy bound minus the actual leakage
 * (the finite-size corrections of Lim et al. 2014 are not applied yet).
 */
public final class LibraryDistiller implements KeyDistiller {

    static final double EPS_COR = 1e-15;
    static final double EPS_PA = 1e-10;

    /**
     * Public seed of the Cascade shuffles of every block. Shuffles are public and independent of
     * the errors, so a fresh one per block buys nothing, while one seed lets an end keep the plan
     * (building it — 13 shuffles of n — cost more CPU than reconciling the block, and 40 MB of
     * garbage per block at 4·10^5 bits).
     */
    static final long PLAN_SEED = 0x5EED_CA5CADEL;

    /**
     * Bob opens the next Cascade pass while at most this many searches of the current one are
     * outstanding (qkd.postprocessing 1.1): at 4·10^5 bits and 1 % QBER, ~500 instead of ~700 round
     * trips for f 1.046 instead of 1.034 (≈ 400 bits of a 147-kbit block); each round trip is a
     * wake-up of both ends' threads.
     */
    static final int OVERLAP_SEARCHES = 5;

    /** Bound of an end's own plan cache when no shared one is there (2 plans: the current length and the last). */
    static final long OWN_PLAN_BYTES = 16L << 20;
    /** Bound of an end's own NTT tables when no shared pool is there (the largest demo size, 2^19 points). */
    static final long OWN_TOEPLITZ_BYTES = 16L << 20;

    private final SecureRandom random;
    /**
     * The framework's shared plan cache (qkd.postprocessing's service) when there is one, else null.
     * Plans are public (announced length and QBER estimate, public seed), so ends share them.
     */
    private final Supplier<CascadePlanCache> sharedPlans;
    private final Supplier<ToeplitzPool> sharedToeplitz;
    /** This end's own, small, used only while no shared service is there; built on first need. */
    private CascadePlanCache ownPlans;
    private ToeplitzPool ownToeplitz;
    private volatile Timing lastTiming;

    /** An end with caches of its own (tests, benchmarks). */
    public LibraryDistiller(SecureRandom random) {
        this(random, () -> null, () -> null);
    }

    /**
     * An end that takes plans and Toeplitz hashes from the framework's shared services while they are
     * there (the suppliers may return null at any time: the end falls back to small caches of its own).
     */
    public LibraryDistiller(SecureRandom random, Supplier<CascadePlanCache> plans, Supplier<ToeplitzPool> toeplitz) {
        this.random = random;
        this.sharedPlans = plans;
        this.sharedToeplitz = toeplitz;
    }

    private synchronized CascadePlanCache plans() {
        CascadePlanCache c = sharedPlans.get();
        if (c != null) {
            ownPlans = null; // let the private copies go
            return c;
        }
        if (ownPlans == null) {
            ownPlans = new CascadePlanCache(4, OWN_PLAN_BYTES);
        }
        return ownPlans;
    }

    private synchronized ToeplitzPool toeplitzPool() {
        ToeplitzPool p = sharedToeplitz.get();
        if (p != null) {
            ownToeplitz = null;
            return p;
        }
        if (ownToeplitz == null) {
            ownToeplitz = new ToeplitzPool(OWN_TOEPLITZ_BYTES);
        }
        return ownToeplitz;
    }

    /**
     * Where the last block's distillation went at this end: Cascade (wall and this thread's CPU,
     * round trips), verification and privacy amplification (wall). For the speed benchmark.
     */
    public record Timing(long cascadeWallNs, long cascadeCpuNs, int cascadeRounds, long restWallNs, long restCpuNs) {
    }

    /** The last block's timing, or null before the first. */
    public Timing lastTiming() {
        return lastTiming;
    }

    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

    private static long cpu() {
        return CPU.getCurrentThreadCpuTime();
    }

    @Override
    public boolean available() {
        return true;
    }

    private CascadePlan plan(int paddedN, double qber) {
        // both ends build the same public plan from announced values
        return plans().get(CascadeVariant.OPTIMISED, paddedN, Math.max(qber, 0.001), PLAN_SEED);
    }

    /**
     * The length Cascade runs on: n rounded up to a multiple of 1/32–1/64 of it (4·10^5 → a multiple
     * of 8192), so that blocks of nearby lengths share a kept plan. Both ends pad with the same zeros,
     * which hold no error and no secret; the extra top-level parities (at most ~2 % more pass-1 blocks,
     * parity 0) are counted as disclosed like every other.
     */
    static int paddedLength(int n) {
        long step = Math.max(64, Integer.highestOneBit(Math.max(1, n)) >>> 5);
        return (int) Math.min(Integer.MAX_VALUE - 64, (n + step - 1) / step * step);
    }

    static int outputBits(long privacyBits, long disclosed, int tagBits) {
        long m = privacyBits - disclosed - tagBits - (long) Math.ceil(2 * Math.log(1 / EPS_PA) / Math.log(2));
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE - 7, m) / 8 * 8);
    }

    /**
     * The Toeplitz hash of a (padded) n-bit key to the padded output length M ≥ m, of which the first
     * m bits are the key: the first m rows of an M × N Toeplitz matrix are an m × N Toeplitz matrix
     * over the first N + m − 1 seed bits, and with the key's zero padding an m × n one over a window
     * of n + m − 1 of them, uniform either way — the same universal family as hashing n bits to m
     * (leftover hash lemma). Borrowed from a pool whose NTT tables (public, size-only) are shared by
     * the framework's link ends, and given back after the block (its buffers go): building the
     * tables costs 26–30 ms at 1.5–2.9·10^5 bits against 3–9 ms for the hash, while keeping a whole
     * hash per end held 8–17 MB per end between rounds. The caller releases it to {@code pool}.
     */
    private static ToeplitzHash toeplitz(ToeplitzPool pool, int paddedN, int m) {
        return pool.borrow(paddedN, Math.min(paddedN, paddedLength(m)));
    }

    /**
     * {@code n} uniformly random bits from one {@code nextBytes} call: {@link Bits#random} draws a long
     * at a time, and a {@link SecureRandom}'s nextLong is two 4-byte requests through its synchronized
     * engine (≈ 6,500 per 2·10^5-bit Toeplitz seed, 1–3 ms of Alice's CPU per round).
     */
    static long[] randomBits(int n, SecureRandom random) {
        int words = Bits.words(n);
        byte[] b = new byte[8 * words];
        random.nextBytes(b);
        long[] a = new long[words];
        java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(a);
        Bits.clearTail(a, n);
        return a; // public (sent in AMPLIFY): nothing to wipe
    }

    /** Packs the first n raw bits into an array of {@code paddedN} bits (zeros past n); the temporary copy is zeroised. */
    private static long[] pack(byte[] raw, int n, int paddedN) {
        byte[] copy = Arrays.copyOf(raw, paddedN);
        Arrays.fill(copy, n, paddedN, (byte) 0);
        try {
            return Bits.pack(copy);
        } finally {
            Arrays.fill(copy, (byte) 0);
        }
    }

    @Override
    public byte[] alice(FramedChannel ch, byte[] raw, int n, double qber, long privacyBits, UUID blockId)
            throws IOException {
        long w0 = System.nanoTime(), c0 = cpu();
        int padded = paddedLength(n);
        long[] key = pack(raw, n, padded);
        CascadeAlice cascade = new CascadeAlice(plan(padded, qber), key);
        int rounds = 0;
        ToeplitzPool pool = null;
        ToeplitzHash hash = null;
        try {
            while (true) {
                byte[] req = ch.receive(MessageType.RECONCILE);
                if (req.length == 0) {
                    break;
                }
                rounds++;
                ch.send(MessageType.RECONCILE, cascade.answer(ParityRequest.decode(req)).encode());
            }
            long w1 = System.nanoTime(), c1 = cpu();
            ch.authenticateTranscript();
            long disclosed = cascade.disclosedParities();
            int tagBits = PolynomialHash.tagBits(n, EPS_COR);
            byte[] point = PolynomialHash.randomPoint(random);
            byte[] tag = PolynomialHash.tag(key, n, point, tagBits);
            try (Wire.Buffer b = new Wire.Buffer()) {
                b.write(point);
                b.writeInt(tag.length);
                b.write(tag);
                ch.send(MessageType.VERIFY, b.bytes());
            }
            int m = outputBits(privacyBits, disclosed, tagBits);
            pool = m > 0 ? toeplitzPool() : null;
            hash = m > 0 ? toeplitz(pool, padded, m) : null;
            long[] seed = m > 0 ? randomBits(ToeplitzHash.seedBits(padded, hash.outputBits()), random) : new long[0];
            try (Wire.Buffer b = new Wire.Buffer()) {
                b.writeInt(m);
                b.writeInt(seed.length);
                for (long w : seed) {
                    b.writeLong(w);
                }
                ch.send(MessageType.AMPLIFY, b.bytes());
            }
            if (m == 0) {
                return null;
            }
            long[] out = hash.apply(key, seed);
            byte[] bytes = Bits.toBytes(out, m);
            Bits.wipe(out);
            lastTiming = new Timing(w1 - w0, c1 - c0, rounds, System.nanoTime() - w1, cpu() - c1);
            return bytes;
        } finally {
            cascade.wipe();
            Bits.wipe(key);
            if (pool != null) {
                pool.release(hash); // apply() left no key material in it
            }
        }
    }

    @Override
    public byte[] bob(FramedChannel ch, byte[] raw, int n, double qber, long privacyBits, UUID blockId)
            throws IOException {
        long w0 = System.nanoTime(), c0 = cpu();
        int padded = paddedLength(n);
        long[] key = pack(raw, n, padded);
        CascadeBob cascade = new CascadeBob(plan(padded, qber), key, OVERLAP_SEARCHES);
        Bits.wipe(key);
        CascadeResult result = null;
        ToeplitzPool pool = null;
        ToeplitzHash hash = null;
        try {
            for (ParityRequest r; (r = cascade.nextRequest()) != null;) {
                ch.send(MessageType.RECONCILE, r.encode());
                cascade.accept(ParityResponse.decode(ch.receive(MessageType.RECONCILE)));
            }
            ch.send(MessageType.RECONCILE, new byte[0]);
            long w1 = System.nanoTime(), c1 = cpu();
            ch.authenticateTranscript();
            result = cascade.result();
            // only the first n bits are key: cut the padding off (a failed run could have flipped one)
            long[] corrected = Arrays.copyOf(result.key(), Bits.words(padded));
            Bits.wipe(result.key());
            Bits.clearTail(corrected, n);
            Arrays.fill(corrected, Bits.words(n), corrected.length, 0L); // zeros past n, as at Alice
            result = new CascadeResult(corrected, n, result.disclosedParities(), result.rounds(), result.corrected());
            int tagBits = PolynomialHash.tagBits(n, EPS_COR);
            DataInputStream in = Wire.reader(ch.receive(MessageType.VERIFY));
            byte[] point = new byte[16];
            in.readFully(point);
            byte[] tag = new byte[Wire.checkedCount(in.readInt(), 64)];
            in.readFully(tag);
            boolean ok = PolynomialHash.matches(tag, PolynomialHash.tag(result.key(), n, point, tagBits));
            in = Wire.reader(ch.receive(MessageType.AMPLIFY));
            int m = in.readInt();
            int words = Wire.checkedCount(in.readInt(), FramedChannel.MAX_PAYLOAD / 8);
            long[] seed = new long[words];
            for (int i = 0; i < words; i++) {
                seed[i] = in.readLong();
            }
            if (!ok || m <= 0 || m != outputBits(privacyBits, result.disclosedParities(), tagBits)) {
                return null; // Bob's CONFIRM(false) makes Alice discard too
            }
            pool = toeplitzPool();
            hash = toeplitz(pool, padded, m);
            if (seed.length != Bits.words(ToeplitzHash.seedBits(padded, hash.outputBits()))) {
                return null; // not the seed this length needs: discard, as for a failed verification
            }
            long[] out = hash.apply(result.key(), seed);
            byte[] bytes = Bits.toBytes(out, m);
            Bits.wipe(out);
            lastTiming = new Timing(w1 - w0, c1 - c0, result.rounds(), System.nanoTime() - w1, cpu() - c1);
            return bytes;
        } finally {
            if (result != null) {
                Bits.wipe(result.key());
            }
            if (pool != null) {
                pool.release(hash);
            }
        }
    }
}
