package org.qkdv2i.tck;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.qkdv2i.qkd.api.KeyBlock;
import org.qkdv2i.qkd.api.LinkStatus;

/**
 * Everything one link end delivered to the kit's sinks during one test, across detach/attach,
 * restarts and bundle updates: block IDs with the SHA-256 of their bytes (the bytes themselves
 * are zeroised at once and never kept or printed), statuses, and contract violations.
 */
class EndRecorder {

    /** One delivered block, without its key. */
    static final class Block {
        final UUID id;
        final String digest;
        final int bits;
        final double qber;
        final double epsilon;
        final long seq;       // arrival order at this end
        final int generation; // which attach (sink) delivered it
        final long nanos = System.nanoTime();

        Block(UUID id, String digest, int bits, double qber, double epsilon, long seq, int generation) {
            this.id = id;
            this.digest = digest;
            this.bits = bits;
            this.qber = qber;
            this.epsilon = epsilon;
            this.seq = seq;
            this.generation = generation;
        }
    }

    final String end;
    private final Map<UUID, Block> blocks = new LinkedHashMap<>();
    private final List<Block> order = new ArrayList<>();
    private final List<UUID> duplicates = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private final List<LinkStatus> statuses = new ArrayList<>();
    private final Map<Integer, Integer> callsAfterDetach = new HashMap<>();

    /** Told each delivered block's ID and bytes before they are zeroised (the kit's peer-message check). */
    private volatile java.util.function.BiConsumer<UUID, byte[]> keyWatcher = (id, key) -> { };

    EndRecorder(String end) {
        this.end = end;
    }

    void watchKeys(java.util.function.BiConsumer<UUID, byte[]> watcher) {
        this.keyWatcher = watcher;
    }

    synchronized void block(KeyBlock b, int generation) {
        if (b == null) {
            violation("keyBlock(null)");
            return;
        }
        if (b.isDestroyed()) {
            violation("block " + b.id() + " was destroyed before it reached the sink");
            return;
        }
        byte[] key = b.key();
        String digest;
        try {
            digest = hex(MessageDigest.getInstance("SHA-256").digest(key));
            keyWatcher.accept(b.id(), key);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
        int bits = b.bits();
        double qber = b.qber();
        double eps = b.epsilon();
        UUID id = b.id();
        b.destroy(); // the sink owns the block: it keeps nothing but the digest
        if (bits <= 0 || bits % 8 != 0) {
            violation("block " + id + " has " + bits + " bits (must be a positive multiple of 8)");
        }
        if (!(Double.isNaN(qber) || (qber >= 0 && qber <= 1))) {
            violation("block " + id + " QBER " + qber + " outside [0,1] (and not NaN)");
        }
        if (!(Double.isNaN(eps) || (eps >= 0 && eps <= 1))) {
            violation("block " + id + " epsilon " + eps + " outside [0,1] (and not NaN)");
        }
        if (b.created() == null) {
            violation("block " + id + " has no creation time");
        }
        Block rec = new Block(id, digest, bits, qber, eps, order.size(), generation);
        if (blocks.containsKey(id)) {
            duplicates.add(id);
            return;
        }
        blocks.put(id, rec);
        order.add(rec);
    }

    synchronized void status(LinkStatus s) {
        if (s == null) {
            violation("status(null)");
            return;
        }
        if (!(Double.isNaN(s.qber()) || (s.qber() >= 0 && s.qber() <= 1))) {
            violation("status QBER " + s.qber() + " outside [0,1] (and not NaN)");
        }
        if (!(Double.isNaN(s.channelLossDb()) || s.channelLossDb() >= 0)) {
            violation("status channel loss " + s.channelLossDb() + " dB is negative");
        }
        statuses.add(s);
    }

    synchronized void afterDetach(int generation, String call) {
        int n = callsAfterDetach.merge(generation, 1, Integer::sum);
        if (n <= 3) { // the first few are enough to tell
            violation(call + " on sink #" + generation + " after detach() had returned (detach contract)");
        }
    }

    synchronized void violation(String what) {
        violations.add("end " + end + ": " + what);
    }

    synchronized int size() {
        return order.size();
    }

    synchronized Block get(UUID id) {
        return blocks.get(id);
    }

    synchronized List<Block> order() {
        return new ArrayList<>(order);
    }

    synchronized List<UUID> duplicates() {
        return new ArrayList<>(duplicates);
    }

    synchronized List<String> violations() {
        return new ArrayList<>(violations);
    }

    synchronized List<LinkStatus> statuses() {
        return Collections.unmodifiableList(new ArrayList<>(statuses));
    }

    private static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length * 2);
        for (byte x : b) {
            sb.append(Character.forDigit((x >> 4) & 0xF, 16)).append(Character.forDigit(x & 0xF, 16));
        }
        return sb.toString();
    }
}
