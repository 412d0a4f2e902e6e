package org.qkdv2i.dpn.identitylog.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import org.junit.Test;

/**
 * The tree against a literal transcription of RFC 9162 §2.1 (MTH, PATH, PROOF/SUBPROOF over the
 * raw leaves), and the verifiers against every proof of many tree sizes, honest and tampered.
 */
public class MerkleTest {

    private static byte[] leaf(int i) {
        return ("leaf-" + i).getBytes(StandardCharsets.UTF_8);
    }

    // ---- reference: RFC 9162 §2.1.1, §2.1.3.1, §2.1.4.1 over D[n] literally ----

    private static byte[] mth(List<byte[]> d) {
        int n = d.size();
        if (n == 0) {
            return Merkle.sha256();
        }
        if (n == 1) {
            return Merkle.sha256(new byte[] {0}, d.get(0));
        }
        int k = Integer.highestOneBit(n - 1);
        return Merkle.sha256(new byte[] {1}, mth(d.subList(0, k)), mth(d.subList(k, n)));
    }

    private static List<byte[]> refPath(int m, List<byte[]> d) {
        int n = d.size();
        List<byte[]> out = new ArrayList<>();
        if (n == 1) {
            return out;
        }
        int k = Integer.highestOneBit(n - 1);
        if (m < k) {
            out.addAll(refPath(m, d.subList(0, k)));
            out.add(mth(d.subList(k, n)));
        } else {
            out.addAll(refPath(m - k, d.subList(k, n)));
            out.add(mth(d.subList(0, k)));
        }
        return out;
    }

    private static List<byte[]> refSubproof(int m, List<byte[]> d, boolean b) {
        int n = d.size();
        List<byte[]> out = new ArrayList<>();
        if (m == n) {
            if (!b) {
                out.add(mth(d));
            }
            return out;
        }
        int k = Integer.highestOneBit(n - 1);
        if (m <= k) {
            out.addAll(refSubproof(m, d.subList(0, k), b));
            out.add(mth(d.subList(k, n)));
        } else {
            out.addAll(refSubproof(m - k, d.subList(k, n), false));
            out.add(mth(d.subList(0, k)));
        }
        return out;
    }

    private static void assertSameHashes(String what, List<byte[]> expected, List<byte[]> actual) {
        assertEquals(what + " length", expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(what + " element " + i, expected.get(i), actual.get(i));
        }
    }

    private static List<byte[]> flipped(List<byte[]> proof, int element) {
        List<byte[]> out = new ArrayList<>();
        for (byte[] p : proof) {
            out.add(p.clone());
        }
        out.get(element)[7] ^= 0x10;
        return out;
    }

    @Test
    public void emptyTreeRootIsSha256OfNothing() {
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                HexFormat.of().formatHex(new MerkleTree().root(0)));
    }

    @Test
    public void rootsAndProofsMatchTheRfcOnEverySizeUpTo70AndSomeLarger() {
        int[] sizes = new int[74];
        for (int i = 0; i < 70; i++) {
            sizes[i] = i + 1;
        }
        sizes[70] = 127;
        sizes[71] = 128;
        sizes[72] = 129;
        sizes[73] = 300;
        List<byte[]> leaves = new ArrayList<>();
        MerkleTree tree = new MerkleTree();
        int checkedInclusion = 0;
        int checkedConsistency = 0;
        for (int n : sizes) {
            while (leaves.size() < n) {
                byte[] l = leaf(leaves.size());
                leaves.add(l);
                tree.append(Merkle.leafHash(l));
            }
            List<byte[]> d = leaves.subList(0, n);
            byte[] root = mth(d);
            assertArrayEquals("root of " + n, root, tree.root(n));
            // every leaf for small trees, a stride for the big ones (RFC recursion is O(n) per proof)
            int step = n <= 70 ? 1 : 23;
            for (int m = 0; m < n; m += step) {
                List<byte[]> proof = tree.inclusionProof(m, n);
                assertSameHashes("PATH(" + m + ", D[" + n + "])", refPath(m, d), proof);
                byte[] lh = Merkle.leafHash(leaves.get(m));
                assertTrue("inclusion " + m + "/" + n, Merkle.verifyInclusion(m, n, lh, proof, root));
                assertFalse("wrong leaf " + m + "/" + n,
                        Merkle.verifyInclusion(m, n, Merkle.leafHash(leaf(m + 100000)), proof, root));
                if (n > 1) {
                    assertFalse("wrong index " + m + "/" + n,
                            Merkle.verifyInclusion((m + 1) % n, n, lh, proof, root));
                    assertFalse("tampered path " + m + "/" + n,
                            Merkle.verifyInclusion(m, n, lh, flipped(proof, proof.size() - 1), root));
                    assertFalse("short path " + m + "/" + n,
                            Merkle.verifyInclusion(m, n, lh, proof.subList(0, proof.size() - 1), root));
                }
                assertFalse("index beyond size", Merkle.verifyInclusion(n, n, lh, proof, root));
                checkedInclusion++;
            }
            for (int m = 0; m <= n; m += step) {
                List<byte[]> proof = tree.consistencyProof(m, n);
                byte[] old = mth(leaves.subList(0, m));
                assertArrayEquals("root of " + m, old, tree.root(m));
                if (m > 0 && m < n) {
                    assertSameHashes("PROOF(" + m + ", D[" + n + "])", refSubproof(m, d, true), proof);
                }
                assertTrue("consistency " + m + "->" + n, Merkle.verifyConsistency(m, n, old, root, proof));
                if (m > 0 && m < n) {
                    for (int e = 0; e < proof.size(); e++) {
                        assertFalse("tampered consistency " + m + "->" + n + " at " + e,
                                Merkle.verifyConsistency(m, n, old, root, flipped(proof, e)));
                    }
                    byte[] forkedOld = mth(substituted(leaves.subList(0, m), m - 1));
                    assertFalse("forked old root " + m + "->" + n,
                            Merkle.verifyConsistency(m, n, forkedOld, root, proof));
                    byte[] forkedNew = mth(substituted(d, m - 1));
                    assertFalse("new tree rewrote history " + m + "->" + n,
                            Merkle.verifyConsistency(m, n, old, forkedNew, proof));
                }
                checkedConsistency++;
            }
        }
        assertTrue(checkedInclusion > 2000);
        assertTrue(checkedConsistency > 2000);
    }

    @Test
    public void emptyConsistencyProofIsOnlyGoodForEqualTrees() {
        MerkleTree tree = new MerkleTree();
        for (int i = 0; i < 5; i++) {
            tree.append(Merkle.leafHash(leaf(i)));
        }
        assertTrue(Merkle.verifyConsistency(5, 5, tree.root(5), tree.root(5), List.of()));
        assertFalse(Merkle.verifyConsistency(5, 5, tree.root(5), tree.root(4), List.of()));
        assertFalse(Merkle.verifyConsistency(3, 5, tree.root(3), tree.root(5), List.of()));
        assertFalse("a shrinking tree is never consistent",
                Merkle.verifyConsistency(5, 3, tree.root(5), tree.root(3), tree.consistencyProof(3, 5)));
    }

    @Test(expected = IllegalArgumentException.class)
    public void noProofBeyondTheTree() {
        MerkleTree tree = new MerkleTree();
        tree.append(Merkle.leafHash(leaf(0)));
        tree.inclusionProof(0, 2);
    }

    private static List<byte[]> substituted(List<byte[]> d, int at) {
        List<byte[]> out = new ArrayList<>(d);
        out.set(at, Arrays.copyOf(d.get(at), d.get(at).length + 1));
        return out;
    }
}
