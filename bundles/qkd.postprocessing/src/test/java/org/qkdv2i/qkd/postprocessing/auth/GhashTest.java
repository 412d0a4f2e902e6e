package org.qkdv2i.qkd.postprocessing.auth;

import static org.junit.Assert.assertArrayEquals;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.modes.gcm.GCMMultiplier;
import org.bouncycastle.crypto.modes.gcm.Tables4kGCMMultiplier;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.util.encoders.Hex;
import org.junit.Test;

/** The table-driven {@link Ghash} against GCM test vectors, full AES-GCM and the previous (Bouncy Castle) code. */
public class GhashTest {

    /** The previous implementation (Bouncy Castle's Tables4kGCMMultiplier on a byte state), kept as the reference. */
    private static final class Reference {
        final GCMMultiplier mul = new Tables4kGCMMultiplier();
        final byte[] x = new byte[16];

        Reference(byte[] h) {
            mul.init(h.clone());
        }

        void update(byte[] data, int off, int len) {
            int end = off + len;
            while (off < end) {
                int k = Math.min(16, end - off);
                for (int i = 0; i < k; i++) {
                    x[i] ^= data[off + i];
                }
                mul.multiplyH(x);
                off += k;
            }
        }

        void updateLongs(long lo, long hi) {
            for (int i = 0; i < 8; i++) {
                x[i] ^= (byte) (lo >>> (8 * i));
                x[8 + i] ^= (byte) (hi >>> (8 * i));
            }
            mul.multiplyH(x);
        }

        void updateLengths(long a, long b) {
            for (int i = 0; i < 8; i++) {
                x[7 - i] ^= (byte) (a >>> (8 * i));
                x[15 - i] ^= (byte) (b >>> (8 * i));
            }
            mul.multiplyH(x);
        }

        byte[] digest() {
            byte[] out = x.clone();
            Arrays.fill(x, (byte) 0);
            return out;
        }
    }

    private static byte[] aes(byte[] key, byte[] block) {
        AESEngine e = new AESEngine();
        e.init(true, new KeyParameter(key));
        byte[] out = new byte[16];
        e.processBlock(block, 0, out, 0);
        return out;
    }

    private static byte[] xor(byte[] a, byte[] b) {
        byte[] out = new byte[16];
        for (int i = 0; i < 16; i++) {
            out[i] = (byte) (a[i] ^ b[i]);
        }
        return out;
    }

    /** GHASH(H, A, C) as GCM computes it (SP 800-38D §7.1 step 5): A and C each zero-padded, then the lengths. */
    private static byte[] ghash(byte[] h, byte[] a, byte[] c) {
        Ghash g = new Ghash(h);
        g.update(a, 0, a.length);
        g.update(c, 0, c.length);
        g.updateLengths(8L * a.length, 8L * c.length);
        return g.digest();
    }

    /** McGrew–Viega, "The Galois/Counter Mode of Operation", test case 2: GHASH(H, {}, C) is given there. */
    @Test
    public void gcmSpecTestCase2() {
        byte[] h = Hex.decode("66e94bd4ef8a2c3b884cfa59ca342b2e");
        byte[] c = Hex.decode("0388dace60b6a392f328c2b971b2fe78");
        assertArrayEquals(Hex.decode("f38cbb1ad69223dcc3457ae5b6b0f885"), ghash(h, new byte[0], c));
        // and the tag: T = GHASH ⊕ E(K, Y0) with K = 0, Y0 = 0^96 ‖ 1
        byte[] y0 = new byte[16];
        y0[15] = 1;
        assertArrayEquals(Hex.decode("ab6e47d42cec13bdf53a67b21257bddf"),
                xor(ghash(h, new byte[0], c), aes(new byte[16], y0)));
    }

    /** McGrew–Viega test case 4 (AAD of 20 bytes, 60-byte ciphertext: both end in partial blocks). */
    @Test
    public void gcmSpecTestCase4() {
        byte[] k = Hex.decode("feffe9928665731c6d6a8f9467308308");
        byte[] h = Hex.decode("b83b533708bf535d0aa6e52980d53b78");
        assertArrayEquals(h, aes(k, new byte[16]));
        byte[] a = Hex.decode("feedfacedeadbeeffeedfacedeadbeefabaddad2");
        byte[] c = Hex.decode("42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
                + "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091");
        assertArrayEquals(Hex.decode("698e57f70e6ecc7fd9463b7260a9ae5f"), ghash(h, a, c));
        byte[] y0 = Hex.decode("cafebabefacedbaddecaf88800000001");
        assertArrayEquals(Hex.decode("5bc94fbc3221a5db94fae95ae7121a47"), xor(ghash(h, a, c), aes(k, y0)));
    }

    /** Random keys, AAD and messages of every length class: GHASH ⊕ E(K, J0) equals Bouncy Castle's AES-GCM tag. */
    @Test
    public void matchesAesGcmTags() throws Exception {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int trial = 0; trial < 300; trial++) {
            byte[] k = new byte[16], iv = new byte[12];
            rnd.nextBytes(k);
            rnd.nextBytes(iv);
            byte[] a = new byte[rnd.nextInt(70)], p = new byte[rnd.nextInt(300)];
            rnd.nextBytes(a);
            rnd.nextBytes(p);
            GCMModeCipher gcm = GCMBlockCipher.newInstance(AESEngine.newInstance());
            gcm.init(true, new AEADParameters(new KeyParameter(k), 128, iv, a));
            byte[] out = new byte[gcm.getOutputSize(p.length)];
            int n = gcm.processBytes(p, 0, p.length, out, 0);
            gcm.doFinal(out, n);
            byte[] c = Arrays.copyOf(out, p.length), tag = Arrays.copyOfRange(out, p.length, out.length);
            byte[] j0 = Arrays.copyOf(iv, 16);
            j0[15] = 1;
            assertArrayEquals("trial " + trial, tag, xor(ghash(aes(k, new byte[16]), a, c), aes(k, j0)));
        }
    }

    /** Every method, random call sequences and split points: bit for bit the previous implementation. */
    @Test
    public void matchesPreviousImplementation() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int trial = 0; trial < 200; trial++) {
            byte[] h = new byte[16];
            rnd.nextBytes(h);
            if (trial == 0) {
                Arrays.fill(h, (byte) 0xFF);
            }
            Ghash g = new Ghash(h);
            Ghash f = g.fresh();
            Reference r = new Reference(h);
            int calls = 1 + rnd.nextInt(12);
            for (int c = 0; c < calls; c++) {
                switch (rnd.nextInt(3)) {
                    case 0: {
                        byte[] d = new byte[rnd.nextInt(200)];
                        rnd.nextBytes(d);
                        int off = d.length == 0 ? 0 : rnd.nextInt(d.length);
                        int len = rnd.nextInt(d.length - off + 1);
                        g.update(d, off, len);
                        f.update(d, off, len);
                        r.update(d, off, len);
                        break;
                    }
                    case 1: {
                        long lo = rnd.nextLong(), hi = rnd.nextLong();
                        g.updateLongs(lo, hi);
                        f.updateLongs(lo, hi);
                        r.updateLongs(lo, hi);
                        break;
                    }
                    default: {
                        long a = rnd.nextLong(), b = rnd.nextLong();
                        g.updateLengths(a, b);
                        f.updateLengths(a, b);
                        r.updateLengths(a, b);
                    }
                }
            }
            byte[] expected = r.digest();
            assertArrayEquals("trial " + trial, expected, g.digest());
            assertArrayEquals("fresh copy, trial " + trial, expected, f.digest());
        }
    }

    @Test
    public void digestResetsAndWipeClearsTheKey() {
        byte[] h = Hex.decode("66e94bd4ef8a2c3b884cfa59ca342b2e");
        byte[] c = Hex.decode("0388dace60b6a392f328c2b971b2fe78");
        Ghash g = new Ghash(h);
        g.update(c, 0, 16);
        byte[] first = g.digest();
        g.update(c, 0, 16);
        assertArrayEquals(first, g.digest());
        Ghash f = g.fresh();
        g.wipe();
        f.update(c, 0, 16);
        assertArrayEquals(new byte[16], f.digest()); // tables shared and zeroed: the key is gone
    }

    @Test(expected = IndexOutOfBoundsException.class)
    public void rejectsRangeOutsideTheArray() {
        new Ghash(new byte[16]).update(new byte[10], 4, 8);
    }
}
