package org.qkdv2i.driver.sim.fso.internal.channel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * The one-time pads of one link end's Wegman–Carter authentication, kept durably so that no pad
 * is ever used twice — not even across a restart (Wegman, Carter 1981: each pad authenticates one
 * message; a second tag under the same pad leaks the hash key).
 *
 * <p>Pads are numbered per direction (0 = Alice → Bob, 1 = Bob → Alice): the bootstrap key gives
 * indices 0…n−1, each refill from generated key appends at the end. Both ends use index i of a
 * direction for the same message. A pad is taken in this order: <em>consumed</em> (index moved
 * on), <em>persisted</em>, then handed out; so a crash can only skip pads. Persisting happens in
 * reservations of {@link #RESERVE} pads, so one write covers several tags; the reserved pads live
 * only in memory and are skipped after a crash.
 *
 * <p>The file ({@code stateDir/pads-<id>.bin}) holds the unused pads, the next index per
 * direction and the last refills, encrypted with AES-256-GCM under a key derived by HKDF-SHA256
 * (RFC 5869) from the pre-shared authentication key with its own label; the header (magic, file
 * ID) is the associated data. It is written to a temporary file, fsynced and moved atomically over
 * the old one; owner-only permissions where the file system has POSIX permissions. A file that
 * fails the GCM check is refused ({@link PadStoreException#terminal()}), never replaced by a fresh
 * bootstrap. A missing file means a first start: the end bootstraps, and the peer's positions
 * announced at connection ({@link #reconcile}) move it past every pad the link used before.
 *
 * <p>A post-quantum re-bootstrap ({@link #rebootstrap}, {@link PqRebootstrap}) replaces the hash key
 * and all pads and counts a <em>generation</em>; the first refill afterwards replaces that hash key
 * with QKD key, which then authenticates the refilled pads while the bootstrap's pads left keep the
 * old one (file format 2 holds generation, both hash keys and the switch index per direction;
 * format 1 files are still read).
 */
public final class PadStore implements AutoCloseable {

    public static final int PAD_BYTES = 16;
    /** Pads reserved (persisted as used) per file write: at most this many are skipped after a crash. */
    static final int RESERVE = 8;
    /** Refills remembered for rolling back one the peer never made (a loss between the two ends' refills). */
    static final int HISTORY = 4;
    public static final String EXHAUSTED = "authentication key exhausted: configure a fresh authKeyHex";
    static final String LABEL_FILE_KEY = "org.qkdv2i.driver.sim.fso pad store AES-256-GCM key v1";
    static final String LABEL_FILE_ID = "org.qkdv2i.driver.sim.fso pad store file id v1";
    private static final byte[] MAGIC = "QKDPADS1".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 2; // 2: generation, hash keys and their switch-over in the file
    static final int HASH_KEY_BYTES = 16;
    private static final int ID_BYTES = 16, NONCE_BYTES = 12, GCM_TAG_BITS = 128;

    /**
     * A refill both ends made after the same key block: where it started in each direction, and
     * whether it also replaced the hash key (the first refill after a post-quantum re-bootstrap).
     */
    record Refill(long count, UUID blockId, long startAB, long startBA, boolean rotated) {
    }

    /**
     * What an end announces at connection: its bootstrap generation (post-quantum re-bootstraps so
     * far), its next index per direction and its last refills.
     */
    record Positions(long generation, long nextAB, long nextBA, long refills, List<Refill> recent) {
    }

    /**
     * The hash keys in use: {@code current} for pads of direction d at index ≥ {@code switchAt[d]},
     * {@code previous} (may be null) below. Epochs name the keys within this process. Copies; the
     * caller zeroises them.
     */
    record HashKeys(long currentEpoch, byte[] current, long previousEpoch, byte[] previous) {
    }

    private final Path file;
    private final byte[] fileKey;
    private final byte[] fileId;
    private byte[] hashKey;
    /** The post-quantum bootstrap's hash key while its pads (indices below switchAt) are not all used. */
    private byte[] previousHashKey;
    private final long[] switchAt = new long[2];
    /** The hash key came from a post-quantum re-bootstrap: the next refill replaces it with QKD key. */
    private boolean pqKeyed;
    private long generation;
    private long epochs = 1, currentEpoch = 1, previousEpoch = -1;
    private final SecureRandom random;
    private final long[] next = new long[2], persisted = new long[2], end = new long[2], base = new long[2];
    private final long[] target = new long[2];
    private final byte[][] pool = new byte[2][];
    private final ArrayDeque<Refill> history = new ArrayDeque<>();
    private long refills;
    private final long[] firstTaken = { -1, -1 }, lastTaken = { -1, -1 };
    private FileChannel lockChannel;
    private java.nio.channels.FileLock lock;
    private boolean closed;

    private PadStore(Path file, byte[] fileKey, byte[] fileId, byte[] hashKey, SecureRandom random) {
        this.file = file;
        this.fileKey = fileKey;
        this.fileId = fileId;
        this.hashKey = hashKey;
        this.random = random;
    }

    /**
     * Opens the pad store of one link end in {@code dir}, bootstrapping it from {@code authKey}
     * (16-byte GHASH key, then pads: first half Alice → Bob, second half Bob → Alice) when none
     * exists yet for this key. {@code authKey} is not kept.
     *
     * @throws PadStoreException (terminal) when the file exists but fails its integrity check
     */
    public static PadStore open(Path dir, String linkId, String node, boolean alice, byte[] authKey)
            throws PadStoreException {
        if (authKey.length < 16 + 2 * PAD_BYTES) {
            throw new IllegalArgumentException("authentication key too short: need at least 48 bytes");
        }
        byte[] salt = (linkId + '\0' + node + '\0' + (alice ? "ALICE" : "BOB")).getBytes(StandardCharsets.UTF_8);
        byte[] fileKey = hkdf(authKey, salt, LABEL_FILE_KEY, 32);
        byte[] fileId = hkdf(authKey, salt, LABEL_FILE_ID, ID_BYTES);
        Path file = dir.resolve("pads-" + HexFormat.of().formatHex(fileId, 0, 8) + ".bin");
        PadStore s = new PadStore(file, fileKey, fileId, Arrays.copyOfRange(authKey, 0, 16), new SecureRandom());
        try {
            createPrivateDirectories(dir);
            s.lock();
            if (Files.exists(file)) {
                s.load();
            } else {
                s.bootstrap(authKey);
                s.persist();
            }
            return s;
        } catch (PadStoreException e) {
            s.close();
            throw e;
        } catch (IOException e) {
            s.close();
            throw new PadStoreException("pad store " + file + " cannot be opened: " + e.getMessage(), false);
        }
    }

    /**
     * One user per store: a driver instance still shutting down, or a second node pointed at the same
     * directory, would otherwise hand out the same reserved pads twice.
     */
    private void lock() throws IOException {
        Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
        lockChannel = FileChannel.open(lockFile, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                privateFile());
        try {
            lock = lockChannel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            throw new PadStoreException("pad store " + file + " is in use by another link instance", false);
        }
    }

    static byte[] hkdf(byte[] ikm, byte[] salt, String label, int bytes) {
        HKDFBytesGenerator g = new HKDFBytesGenerator(new SHA256Digest()); // RFC 5869
        g.init(new HKDFParameters(ikm, salt, label.getBytes(StandardCharsets.UTF_8)));
        byte[] out = new byte[bytes];
        g.generateBytes(out, 0, bytes);
        return out;
    }

    private void bootstrap(byte[] authKey) {
        int half = (authKey.length - 16) / 2;
        int n = half / PAD_BYTES;
        pool[0] = Arrays.copyOfRange(authKey, 16, 16 + n * PAD_BYTES);
        pool[1] = Arrays.copyOfRange(authKey, 16 + half, 16 + half + n * PAD_BYTES);
        for (int d = 0; d < 2; d++) {
            end[d] = n;
            target[d] = n;
        }
    }

    /** The GHASH keys (copies; the caller zeroises them). */
    synchronized HashKeys hashKeys() {
        return new HashKeys(currentEpoch, hashKey.clone(), previousEpoch,
                previousHashKey == null ? null : previousHashKey.clone());
    }

    /** Epoch of the hash key that authenticates pad {@code index} of direction {@code d}. */
    synchronized long epochFor(int d, long index) {
        return previousHashKey != null && index < switchAt[d] ? previousEpoch : currentEpoch;
    }

    /** Post-quantum re-bootstraps this store has gone through (0: still the configured authKeyHex). */
    public synchronized long generation() {
        return generation;
    }

    /** Whether the hash key in use still comes from a post-quantum re-bootstrap (no refill since). */
    public synchronized boolean pqKeyed() {
        return pqKeyed;
    }

    /**
     * Replaces every pad and the hash key with a fresh bootstrap both ends derived from a
     * post-quantum key exchange ({@code material}: 16-byte GHASH key, then {@code pads} pads
     * Alice → Bob, then {@code pads} pads Bob → Alice; not kept). The new pads take the indices
     * from the agreed next positions on (never back), the refill history starts again, and the
     * next refill replaces the hash key with QKD key (see {@link #refill}). Persisted before it
     * returns.
     */
    public synchronized void rebootstrap(byte[] material, int pads, long newGeneration, long nextAB, long nextBA)
            throws PadStoreException {
        checkOpen();
        if (pads < 1 || material.length != HASH_KEY_BYTES + 2 * pads * PAD_BYTES) {
            throw new IllegalArgumentException("bootstrap material of the wrong size");
        }
        for (int d = 0; d < 2; d++) {
            long start = Math.max(next[d], d == 0 ? nextAB : nextBA);
            if (pool[d] != null) {
                Arrays.fill(pool[d], (byte) 0);
            }
            int off = HASH_KEY_BYTES + d * pads * PAD_BYTES;
            pool[d] = Arrays.copyOfRange(material, off, off + pads * PAD_BYTES);
            next[d] = start;
            base[d] = start;
            persisted[d] = start;
            end[d] = start + pads;
            target[d] = Math.max(target[d], pads);
            switchAt[d] = 0;
        }
        Arrays.fill(hashKey, (byte) 0);
        hashKey = Arrays.copyOfRange(material, 0, HASH_KEY_BYTES);
        if (previousHashKey != null) {
            Arrays.fill(previousHashKey, (byte) 0);
            previousHashKey = null;
        }
        currentEpoch = ++epochs;
        previousEpoch = -1;
        pqKeyed = true;
        generation = newGeneration;
        refills = 0;
        history.clear();
        persist();
    }

    public Path file() {
        return file;
    }

    /** Next unused index of direction {@code d}. */
    public synchronized long next(int d) {
        return next[d];
    }

    /** Pads left in direction {@code d}. */
    public synchronized long available(int d) {
        return Math.max(0, end[d] - next[d]);
    }

    /** First and last index this instance handed out in direction {@code d} (−1 when none): for tests. */
    public synchronized long[] taken(int d) {
        return new long[] { firstTaken[d], lastTaken[d] };
    }

    /**
     * Takes the next pad of direction {@code d} into {@code pad} (16 bytes; the caller zeroises it
     * after use) and returns its index. The index is persisted as used before this returns.
     */
    public synchronized long take(int d, byte[] pad) throws PadStoreException {
        checkOpen();
        long i = next[d];
        if (i >= end[d]) {
            throw new PadStoreException(EXHAUSTED + " (no pad left " + (d == 0 ? "Alice to Bob" : "Bob to Alice")
                    + ")", true);
        }
        if (i >= persisted[d]) {
            long old = persisted[d];
            persisted[d] = Math.min(i + RESERVE, end[d]);
            try {
                persist();
            } catch (PadStoreException e) {
                persisted[d] = old;
                throw e;
            }
        }
        int off = (int) (i - base[d]) * PAD_BYTES;
        System.arraycopy(pool[d], off, pad, 0, PAD_BYTES);
        Arrays.fill(pool[d], off, off + PAD_BYTES, (byte) 0);
        next[d] = i + 1;
        if (firstTaken[d] < 0) {
            firstTaken[d] = i;
        }
        lastTaken[d] = i;
        return i;
    }

    /** Skips direction {@code d} forward to {@code index} (never back); skipped pads are zeroised. */
    private void skipTo(int d, long index) {
        if (index <= next[d]) {
            return;
        }
        long stop = Math.min(index, end[d]);
        if (stop > next[d]) {
            Arrays.fill(pool[d], (int) (next[d] - base[d]) * PAD_BYTES, (int) (stop - base[d]) * PAD_BYTES, (byte) 0);
        }
        next[d] = index;
        persisted[d] = Math.max(persisted[d], index);
    }

    /** Pad bytes a refill needs to bring both directions back to their bootstrap level. */
    public synchronized int refillWanted() {
        return (int) Math.min(Integer.MAX_VALUE / 2, PAD_BYTES * (deficit(0) + deficit(1)));
    }

    private long deficit(int d) {
        return Math.max(0, target[d] - (end[d] - next[d]));
    }

    /**
     * Tops the pads up from the front of a key block both ends distilled (same bytes, same protocol
     * point, same positions at both ends, so both compute the same split) and returns how many bytes
     * of {@code key} it took; the rest is the caller's to deliver. The taken bytes are zeroised in
     * {@code key}'s copy kept here only.
     */
    public synchronized int refill(byte[] key, UUID blockId) throws PadStoreException {
        checkOpen();
        long d0 = deficit(0), d1 = deficit(1);
        // after a post-quantum re-bootstrap the first block also gives a new hash key, so that once the
        // bootstrap's pads are used nothing depends on the key exchange any more (paper §5)
        boolean rotate = pqKeyed && key.length >= HASH_KEY_BYTES;
        int off = rotate ? HASH_KEY_BYTES : 0;
        long n = Math.min((key.length - off) / PAD_BYTES, d0 + d1);
        if (n == 0 && !rotate) {
            return 0;
        }
        long nAB = Math.min(d0, Math.max(n / 2, n - d1));
        long nBA = Math.min(d1, n - nAB);
        Refill r = new Refill(refills + 1, blockId, end[0], end[1], rotate);
        if (rotate) {
            if (previousHashKey != null) {
                Arrays.fill(previousHashKey, (byte) 0);
            }
            previousHashKey = hashKey; // still authenticates the bootstrap's pads left, below switchAt
            previousEpoch = currentEpoch;
            hashKey = Arrays.copyOfRange(key, 0, HASH_KEY_BYTES);
            currentEpoch = ++epochs;
            switchAt[0] = end[0];
            switchAt[1] = end[1];
            pqKeyed = false;
        }
        append(0, key, off, (int) nAB);
        append(1, key, off + (int) nAB * PAD_BYTES, (int) nBA);
        refills++;
        history.addLast(r);
        while (history.size() > HISTORY) {
            history.removeFirst();
        }
        persist();
        return off + (int) (nAB + nBA) * PAD_BYTES;
    }

    /** Appends {@code pads} pads at index end[d]; the pool is compacted to start at next[d]. */
    private void append(int d, byte[] src, int off, int pads) {
        long newEnd = end[d] + pads;
        int live = (int) Math.max(0, end[d] - next[d]);
        long skip = Math.max(0, next[d] - end[d]); // new pads below next (after a skip past the end) are never usable
        int fresh = (int) Math.max(0, pads - skip);
        byte[] p = new byte[(live + fresh) * PAD_BYTES];
        if (live > 0) {
            System.arraycopy(pool[d], (int) (next[d] - base[d]) * PAD_BYTES, p, 0, live * PAD_BYTES);
        }
        if (fresh > 0) {
            System.arraycopy(src, off + (int) skip * PAD_BYTES, p, live * PAD_BYTES, fresh * PAD_BYTES);
        }
        Arrays.fill(pool[d], (byte) 0);
        pool[d] = p;
        base[d] = next[d];
        end[d] = newEnd;
    }

    /** What this end announces at connection. */
    public synchronized Positions positions() {
        return new Positions(generation, next[0], next[1], refills, new ArrayList<>(history));
    }

    /**
     * Brings this end in line with the peer's announcement, the same way at both ends: a refill
     * only one end made (the connection broke between the two ends' refills) is rolled back, and
     * each direction moves on to the larger of the two next indices — skipping pads is safe,
     * reusing them is not. Returns the agreed positions.
     */
    public synchronized Positions reconcile(Positions peer) throws PadStoreException {
        checkOpen();
        long common = Math.min(refills, peer.refills());
        if (refills > common) {
            Refill first = find(history, common + 1);
            if (first == null) {
                throw disagree("this end has " + refills + " refills, the peer " + peer.refills());
            }
            for (Refill undone : history) {
                if (undone.count() > common && undone.rotated()) {
                    unrotate();
                }
            }
            for (int d = 0; d < 2; d++) {
                long start = d == 0 ? first.startAB() : first.startBA();
                if (start < end[d]) {
                    long from = Math.max(start, base[d]);
                    Arrays.fill(pool[d], (int) (from - base[d]) * PAD_BYTES, (int) (end[d] - base[d]) * PAD_BYTES,
                            (byte) 0);
                    end[d] = start;
                }
            }
            history.removeIf(r -> r.count() > common);
            refills = common;
        }
        Refill mine = find(history, common), theirs = find(peer.recent(), common);
        if (mine != null && theirs != null && !mine.equals(theirs)) {
            throw disagree("refill " + common + " came from block " + mine.blockId() + " here, " + theirs.blockId()
                    + " at the peer");
        }
        skipTo(0, peer.nextAB());
        skipTo(1, peer.nextBA());
        persist();
        return positions();
    }

    /** Undoes the hash key replacement of a refill the peer never made. */
    private void unrotate() {
        if (previousHashKey == null) {
            return;
        }
        Arrays.fill(hashKey, (byte) 0);
        hashKey = previousHashKey;
        previousHashKey = null;
        currentEpoch = previousEpoch;
        previousEpoch = -1;
        switchAt[0] = 0;
        switchAt[1] = 0;
        pqKeyed = true;
    }

    private static Refill find(Iterable<Refill> rs, long count) {
        for (Refill r : rs) {
            if (r.count() == count) {
                return r;
            }
        }
        return null;
    }

    private static PadStoreException disagree(String why) {
        return new PadStoreException("the two ends' authentication pads disagree (" + why + "): configure a fresh "
                + "authKeyHex at both ends", true);
    }

    // --- the file

    private void persist() throws PadStoreException {
        int[] pads = new int[2];
        int size = 4 + 8 + 1 + 1 + HASH_KEY_BYTES + (previousHashKey == null ? 0 : HASH_KEY_BYTES) + 8 + 4;
        for (int d = 0; d < 2; d++) {
            pads[d] = (int) Math.max(0, end[d] - persisted[d]);
            size += 8 * 4 + pads[d] * PAD_BYTES;
        }
        size += history.size() * (8 * 5 + 1);
        ByteBuffer body = ByteBuffer.allocate(size);
        body.putInt(VERSION).putLong(generation).put((byte) (pqKeyed ? 1 : 0))
                .put((byte) (previousHashKey == null ? 0 : 1)).put(hashKey);
        if (previousHashKey != null) {
            body.put(previousHashKey);
        }
        body.putLong(refills).putInt(history.size());
        for (Refill r : history) {
            body.putLong(r.count()).putLong(r.blockId().getMostSignificantBits())
                    .putLong(r.blockId().getLeastSignificantBits()).putLong(r.startAB()).putLong(r.startBA())
                    .put((byte) (r.rotated() ? 1 : 0));
        }
        for (int d = 0; d < 2; d++) {
            body.putLong(target[d]).putLong(persisted[d]).putLong(end[d]).putLong(switchAt[d]);
            if (pads[d] > 0) {
                body.put(pool[d], (int) (persisted[d] - base[d]) * PAD_BYTES, pads[d] * PAD_BYTES);
            }
        }
        byte[] plain = body.array();
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        byte[] out;
        try {
            GCMModeCipher gcm = GCMBlockCipher.newInstance(AESEngine.newInstance());
            gcm.init(true, new AEADParameters(new KeyParameter(fileKey), GCM_TAG_BITS, nonce, header()));
            out = new byte[header().length + NONCE_BYTES + gcm.getOutputSize(plain.length)];
            System.arraycopy(header(), 0, out, 0, header().length);
            System.arraycopy(nonce, 0, out, header().length, NONCE_BYTES);
            int off = header().length + NONCE_BYTES;
            int k = gcm.processBytes(plain, 0, plain.length, out, off);
            gcm.doFinal(out, off + k);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException(e); // encryption does not check a tag
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
        try {
            writeAtomically(out);
        } catch (IOException e) {
            throw new PadStoreException("pad store " + file + " cannot be written: " + e.getMessage(), false);
        }
    }

    private byte[] header() {
        byte[] h = new byte[MAGIC.length + ID_BYTES];
        System.arraycopy(MAGIC, 0, h, 0, MAGIC.length);
        System.arraycopy(fileId, 0, h, MAGIC.length, ID_BYTES);
        return h;
    }

    private void writeAtomically(byte[] bytes) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try (SeekableByteChannel ch = Files.newByteChannel(tmp,
                java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), privateFile())) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ((FileChannel) ch).force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the state directory's file system cannot replace a file atomically");
        }
        try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            dir.force(true); // the rename itself reaches the disk
        } catch (IOException notSupported) {
            // some platforms cannot open a directory; the file's own fsync stands
        }
    }

    private void load() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new PadStoreException("pad store " + file + " vanished while opening", false);
        }
        byte[] h = header();
        if (bytes.length < h.length + NONCE_BYTES + GCM_TAG_BITS / 8
                || !Arrays.equals(bytes, 0, h.length, h, 0, h.length)) {
            throw tampered("not a pad store of this link end and key");
        }
        byte[] plain;
        try {
            GCMModeCipher gcm = GCMBlockCipher.newInstance(AESEngine.newInstance());
            gcm.init(false, new AEADParameters(new KeyParameter(fileKey), GCM_TAG_BITS,
                    Arrays.copyOfRange(bytes, h.length, h.length + NONCE_BYTES), h));
            int off = h.length + NONCE_BYTES;
            plain = new byte[gcm.getOutputSize(bytes.length - off)];
            int k = gcm.processBytes(bytes, off, bytes.length - off, plain, 0);
            gcm.doFinal(plain, k);
        } catch (InvalidCipherTextException e) {
            throw tampered("AES-GCM integrity check failed");
        }
        try {
            ByteBuffer b = ByteBuffer.wrap(plain);
            int version = b.getInt();
            if (version != 1 && version != VERSION) {
                throw tampered("unknown version");
            }
            if (version >= 2) {
                generation = b.getLong();
                pqKeyed = b.get() != 0;
                boolean previous = b.get() != 0;
                Arrays.fill(hashKey, (byte) 0);
                hashKey = new byte[HASH_KEY_BYTES];
                b.get(hashKey);
                if (previous) {
                    previousHashKey = new byte[HASH_KEY_BYTES];
                    b.get(previousHashKey);
                    previousEpoch = ++epochs;
                }
                currentEpoch = ++epochs;
            }
            refills = b.getLong();
            int hs = b.getInt();
            if (hs < 0 || hs > HISTORY) {
                throw tampered("malformed refill history");
            }
            for (int i = 0; i < hs; i++) {
                history.addLast(new Refill(b.getLong(), new UUID(b.getLong(), b.getLong()), b.getLong(), b.getLong(),
                        version >= 2 && b.get() != 0));
            }
            for (int d = 0; d < 2; d++) {
                target[d] = b.getLong();
                persisted[d] = b.getLong();
                end[d] = b.getLong();
                switchAt[d] = version >= 2 ? b.getLong() : 0;
                long pads = Math.max(0, end[d] - persisted[d]);
                if (persisted[d] < 0 || target[d] < 0 || pads * PAD_BYTES > b.remaining()) {
                    throw tampered("malformed positions");
                }
                pool[d] = new byte[(int) pads * PAD_BYTES];
                b.get(pool[d]);
                // everything below the persisted index counts as used: reserved pads of the last run are skipped
                next[d] = persisted[d];
                base[d] = persisted[d];
            }
            if (b.hasRemaining()) {
                throw tampered("trailing bytes");
            }
        } catch (java.nio.BufferUnderflowException e) {
            throw tampered("truncated");
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    private PadStoreException tampered(String why) {
        return new PadStoreException("pad store " + file + " refused (" + why + "): tampered or corrupted; restore it, "
                + "or configure a fresh authKeyHex at both ends", true);
    }

    static void createPrivateDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (posix()) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectories(dir);
        }
    }

    static FileAttribute<?>[] privateFile() {
        return posix()
                ? new FileAttribute<?>[] { PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")) }
                : new FileAttribute<?>[0];
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("pad store closed");
        }
    }

    /** Zeroises the pads and keys held in memory (the file stays). */
    @Override
    public synchronized void close() {
        closed = true;
        for (int d = 0; d < 2; d++) {
            if (pool[d] != null) {
                Arrays.fill(pool[d], (byte) 0);
            }
        }
        Arrays.fill(fileKey, (byte) 0);
        Arrays.fill(hashKey, (byte) 0);
        if (previousHashKey != null) {
            Arrays.fill(previousHashKey, (byte) 0);
        }
        try {
            if (lockChannel != null) {
                lockChannel.close(); // releases the lock
            }
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
