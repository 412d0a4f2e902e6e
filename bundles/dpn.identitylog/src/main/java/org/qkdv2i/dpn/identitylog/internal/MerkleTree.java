package org.qkdv2i.dpn.identitylog.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * An append-only RFC 9162 Merkle tree over leaf hashes. Keeps the hash of every complete,
 * aligned subtree (they never change once full), so a root, an audit path or a consistency
 * proof of any earlier size costs O(log n) hashes. Not thread-safe: {@link LogState} guards it.
 */
public final class MerkleTree {

    /** levels.get(h).get(i) = hash of leaves [i*2^h, (i+1)*2^h). */
    private final List<List<byte[]>> levels = new ArrayList<>();

    public MerkleTree() {
        levels.add(new ArrayList<>());
    }

    public long size() {
        return levels.get(0).size();
    }

    public void append(byte[] leafHash) {
        if (leafHash.length != Merkle.HASH_LENGTH) {
            throw new IllegalArgumentException("a leaf hash has 32 bytes");
        }
        levels.get(0).add(leafHash.clone());
        int h = 0;
        // like a binary counter: every completed pair at level h makes one node at level h+1
        while (levels.get(h).size() % 2 == 0) {
            List<byte[]> level = levels.get(h);
            byte[] node = Merkle.nodeHash(level.get(level.size() - 2), level.get(level.size() - 1));
            if (levels.size() == h + 1) {
                levels.add(new ArrayList<>());
            }
            levels.get(h + 1).add(node);
            h++;
        }
    }

    public byte[] leafHash(long index) {
        return levels.get(0).get(Math.toIntExact(index)).clone();
    }

    /** RFC 9162 §2.1.1 MTH of the first {@code treeSize} leaves. */
    public byte[] root(long treeSize) {
        checkSize(treeSize);
        return treeSize == 0 ? Merkle.emptyRoot() : hash(0, treeSize).clone();
    }

    /** RFC 9162 §2.1.3.1 PATH(index, D[treeSize]). */
    public List<byte[]> inclusionProof(long index, long treeSize) {
        checkSize(treeSize);
        if (index < 0 || index >= treeSize) {
            throw new IllegalArgumentException("index " + index + " is not in a tree of size " + treeSize);
        }
        List<byte[]> out = new ArrayList<>();
        path(index, 0, treeSize, out);
        return out;
    }

    /** RFC 9162 §2.1.4.1 PROOF(first, D[second]); empty for first == second or first == 0. */
    public List<byte[]> consistencyProof(long first, long second) {
        checkSize(second);
        if (first < 0 || first > second) {
            throw new IllegalArgumentException("no consistency proof from size " + first + " to " + second);
        }
        List<byte[]> out = new ArrayList<>();
        if (first > 0 && first < second) {
            subproof(first, 0, second, true, out);
        }
        return out;
    }

    private void path(long m, long start, long end, List<byte[]> out) {
        long n = end - start;
        if (n == 1) {
            return;
        }
        long k = Merkle.split(n);
        if (m < k) {
            path(m, start, start + k, out);
            out.add(hash(start + k, end).clone());
        } else {
            path(m - k, start + k, end, out);
            out.add(hash(start, start + k).clone());
        }
    }

    private void subproof(long m, long start, long end, boolean complete, List<byte[]> out) {
        long n = end - start;
        if (m == n) {
            if (!complete) {
                out.add(hash(start, end).clone());
            }
            return;
        }
        long k = Merkle.split(n);
        if (m <= k) {
            subproof(m, start, start + k, complete, out);
            out.add(hash(start + k, end).clone());
        } else {
            subproof(m - k, start + k, end, false, out);
            out.add(hash(start, start + k).clone());
        }
    }

    /** MTH(D[start:end]), end > start; complete aligned subtrees come from the cache. */
    private byte[] hash(long start, long end) {
        long n = end - start;
        if (Long.bitCount(n) == 1 && start % n == 0) {
            int h = Long.numberOfTrailingZeros(n);
            return levels.get(h).get(Math.toIntExact(start / n));
        }
        long k = Merkle.split(n);
        return Merkle.nodeHash(hash(start, start + k), hash(start + k, end));
    }

    private void checkSize(long treeSize) {
        if (treeSize < 0 || treeSize > size()) {
            throw new IllegalArgumentException("tree size " + treeSize + " is beyond this log's " + size());
        }
    }
}
