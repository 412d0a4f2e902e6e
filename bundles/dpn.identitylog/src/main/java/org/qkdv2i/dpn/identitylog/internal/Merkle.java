package org.qkdv2i.dpn.identitylog.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.bouncycastle.crypto.digests.SHA256Digest;

/**
 * RFC 9162 §2.1 Merkle tree hashing and the verifiers of inclusion and consistency proofs.
 * Pure functions; {@link MerkleTree} keeps the leaves and produces the proofs.
 */
public final class Merkle {

    public static final int HASH_LENGTH = 32;

    private Merkle() {
    }

    /** RFC 9162 §2.1.1: MTH({}) = SHA-256(). */
    public static byte[] emptyRoot() {
        return sha256(new byte[0][]);
    }

    /** RFC 9162 §2.1.1: leaf hash SHA-256(0x00 || leaf). */
    public static byte[] leafHash(byte[] leaf) {
        return sha256(new byte[] {0x00}, leaf);
    }

    /** RFC 9162 §2.1.1: interior node SHA-256(0x01 || left || right). */
    public static byte[] nodeHash(byte[] left, byte[] right) {
        return sha256(new byte[] {0x01}, left, right);
    }

    /** The largest power of two strictly smaller than {@code n} (n > 1): the RFC's k. */
    static long split(long n) {
        return Long.highestOneBit(n - 1);
    }

    /**
     * RFC 9162 §2.1.3.2: verifies that {@code leafHash} is entry {@code index} of the tree of
     * {@code treeSize} entries whose root is {@code root}.
     */
    public static boolean verifyInclusion(long index, long treeSize, byte[] leafHash, List<byte[]> path, byte[] root) {
        if (index < 0 || index >= treeSize || leafHash == null || root == null || path == null) {
            return false;
        }
        long fn = index;
        long sn = treeSize - 1;
        byte[] r = leafHash;
        for (byte[] p : path) {
            if (p == null || p.length != HASH_LENGTH || sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = nodeHash(p, r);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                r = nodeHash(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && Arrays.equals(r, root);
    }

    /**
     * RFC 9162 §2.1.4.2: verifies that the tree of {@code second} entries with root
     * {@code secondRoot} extends the tree of {@code first} entries with root {@code firstRoot}.
     * Equal sizes need an empty proof and equal roots; every tree extends the empty one.
     */
    public static boolean verifyConsistency(long first, long second, byte[] firstRoot, byte[] secondRoot,
            List<byte[]> proof) {
        if (first < 0 || second < first || firstRoot == null || secondRoot == null || proof == null) {
            return false;
        }
        if (first == second) {
            return proof.isEmpty() && Arrays.equals(firstRoot, secondRoot);
        }
        if (first == 0) {
            return proof.isEmpty() && Arrays.equals(firstRoot, emptyRoot());
        }
        if (proof.isEmpty()) {
            return false;
        }
        List<byte[]> path = new ArrayList<>(proof.size() + 1);
        if (Long.bitCount(first) == 1) {
            path.add(firstRoot);
        }
        path.addAll(proof);
        for (byte[] c : path) {
            if (c == null || c.length != HASH_LENGTH) {
                return false;
            }
        }
        long fn = first - 1;
        long sn = second - 1;
        while ((fn & 1) == 1) {
            fn >>= 1;
            sn >>= 1;
        }
        byte[] fr = path.get(0);
        byte[] sr = path.get(0);
        for (int i = 1; i < path.size(); i++) {
            byte[] c = path.get(i);
            if (sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = nodeHash(c, fr);
                sr = nodeHash(c, sr);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                sr = nodeHash(sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && Arrays.equals(fr, firstRoot) && Arrays.equals(sr, secondRoot);
    }

    static byte[] sha256(byte[]... parts) {
        SHA256Digest d = new SHA256Digest();
        for (byte[] p : parts) {
            d.update(p, 0, p.length);
        }
        byte[] out = new byte[HASH_LENGTH];
        d.doFinal(out, 0);
        return out;
    }
}
