package org.qkdv2i.zap.internal.puf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.qkdv2i.zap.internal.fuzzy.FuzzyExtractor;

public class EmulatedSramPufTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void solvedSigmaGivesTheConfiguredMeanErrorRate() {
        for (double ber : new double[] {0.05, 0.10, 0.15}) {
            double sigma = SramModel.solveSigma(ber, 0.05, 15);
            double got = 0.05 * 0.5 + 0.95 * SramModel.meanMismatch(sigma, 15);
            assertEquals(ber, got, 1e-9);
        }
        // monotone: more noise for a higher rate
        assertTrue(SramModel.solveSigma(0.15, 0.05, 15) > SramModel.solveSigma(0.05, 0.05, 15));
    }

    /** A city of 1,050 PUFs with the same settings solves σ once (issue 8): the memo answers the rest. */
    @Test
    public void sigmaIsSolvedOncePerSettings() throws IOException {
        double ber = 0.0975; // settings no other test uses
        long before = SramModel.SOLVES.get();
        List<EmulatedSramPuf> pufs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            pufs.add(new EmulatedSramPuf(EmulatedSramPuf.Settings.of("memo" + i, ber, tmp.getRoot().toPath()),
                    new SecureRandom()));
        }
        assertEquals(1, SramModel.SOLVES.get() - before);
        // the memo's answer is the solver's
        double got = 0.05 * 0.5 + 0.95 * SramModel.meanMismatch(pufs.get(4).noiseSigma(), 15);
        assertEquals(ber, got, 1e-9);
        assertEquals(pufs.get(0).noiseSigma(), pufs.get(4).noiseSigma(), 0);
    }

    /** New skews: N(0,1) with the configured unstable share, drawn in one call to the random source. */
    @Test
    public void newSkewsAreStandardNormalFromOneDraw() {
        int[] calls = new int[1];
        SecureRandom source = new SecureRandom();
        java.util.Random counting = new java.util.Random() {
            @Override
            public void nextBytes(byte[] bytes) {
                calls[0]++;
                source.nextBytes(bytes);
            }

            @Override
            protected int next(int bits) {
                calls[0]++;
                return source.nextInt() >>> (32 - bits);
            }
        };
        int n = 200_000;
        float[] s = SramModel.newSkews(n, 0.05, counting);
        assertEquals("random source calls", 1, calls[0]);
        int zeros = 0;
        double sum = 0;
        double sq = 0;
        int beyond2 = 0;
        for (float f : s) {
            if (f == 0f) {
                zeros++;
                continue;
            }
            sum += f;
            sq += f * f;
            beyond2 += Math.abs(f) > 2 ? 1 : 0;
        }
        int stable = n - zeros;
        assertEquals("unstable share", 0.05, zeros / (double) n, 0.003);
        assertEquals("mean", 0, sum / stable, 0.01);
        assertEquals("variance", 1, sq / stable - (sum / stable) * (sum / stable), 0.015);
        assertEquals("P(|g| > 2)", 0.0455, beyond2 / (double) stable, 0.003);
    }

    @Test
    public void aTruncatedStateFileIsRefused() throws IOException {
        Path dir = tmp.getRoot().toPath();
        new EmulatedSramPuf(EmulatedSramPuf.Settings.of("cut", 0.10, dir), new SecureRandom());
        Path file = dir.resolve("puf-cut.sram");
        byte[] all = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(all, all.length - 4));
        try {
            new EmulatedSramPuf(EmulatedSramPuf.Settings.of("cut", 0.10, dir), new SecureRandom());
            fail("a truncated state file was accepted");
        } catch (IOException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("truncated"));
        }
    }

    @Test
    public void phiIsTheNormalCdf() {
        assertEquals(0.5, SramModel.phi(0), 1e-7);
        assertEquals(0.841344746, SramModel.phi(1), 1e-7);
        assertEquals(0.022750132, SramModel.phi(-2), 1e-7);
    }

    @Test
    public void measuredBitErrorRateAgainstTheEnrolledResponseIsTheConfiguredOne() throws IOException {
        for (double ber : new double[] {0.05, 0.10, 0.15}) {
            // 64k cells so the device's own mean is close to the population mean
            EmulatedSramPuf puf = new EmulatedSramPuf(new EmulatedSramPuf.Settings("d" + (int) (ber * 100), 65536,
                    ber, 0.05, 25, 0, tmp.getRoot().toPath()), new SecureRandom());
            double measured = measure(puf, 20);
            assertEquals("configured " + ber, ber, measured, 0.006);
        }
    }

    @Test
    public void noiseGrowsAwayFrom25DegreesAndWithAge() throws IOException {
        // enrolled at 25 °C when new (factory), read later in the heat or after years
        Path dir = tmp.getRoot().toPath();
        EmulatedSramPuf factory = new EmulatedSramPuf(new EmulatedSramPuf.Settings("t", 16384, 0.05, 0.05, 25, 0, dir),
                new SecureRandom());
        byte[] w = enrolled(factory);
        double base = errorRate(w, factory, 10);
        double hot = errorRate(w, new EmulatedSramPuf(new EmulatedSramPuf.Settings("t", 16384, 0.05, 0.05, 85, 0,
                dir), new SecureRandom()), 10);
        double old = errorRate(w, new EmulatedSramPuf(new EmulatedSramPuf.Settings("t", 16384, 0.05, 0.05, 25, 10,
                dir), new SecureRandom()), 10);
        assertEquals(0.05, base, 0.008);
        assertTrue("85 °C " + hot + " vs 25 °C " + base, hot > base * 1.3);
        assertTrue("10 years " + old + " vs new " + base, old > base * 1.2);
    }

    @Test
    public void skewsPersistSoARestartedPufIsTheSameDevice() throws IOException {
        Path dir = tmp.getRoot().toPath();
        EmulatedSramPuf.Settings s = EmulatedSramPuf.Settings.of("bs-E", 0.10, dir);
        byte[] a = enrolled(new EmulatedSramPuf(s, new SecureRandom()));
        byte[] b = enrolled(new EmulatedSramPuf(s, new SecureRandom()));
        assertTrue("restarted PUF differs in " + distance(a, b) + " bits", distance(a, b) < 4096 * 0.12);
        byte[] other = enrolled(new EmulatedSramPuf(EmulatedSramPuf.Settings.of("bs-F", 0.10, dir),
                new SecureRandom()));
        assertTrue("two devices differ in about half the bits", Math.abs(distance(a, other) - 2048) < 250);
        Path file = dir.resolve("puf-bs-E.sram");
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE), perms);
    }

    @Test
    public void aChangedCellCountIsRefused() throws IOException {
        Path dir = tmp.getRoot().toPath();
        new EmulatedSramPuf(EmulatedSramPuf.Settings.of("x", 0.10, dir), new SecureRandom());
        try {
            new EmulatedSramPuf(new EmulatedSramPuf.Settings("x", 8192, 0.10, 0.05, 25, 0, dir), new SecureRandom());
            fail("a PUF cannot change size");
        } catch (IOException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("4096 cells but 8192 are configured"));
        }
    }

    @Test
    public void badSettingsAreRefusedWithAClearMessage() {
        Path dir = tmp.getRoot().toPath();
        try {
            new EmulatedSramPuf.Settings("x", 4096, 0.5, 0.05, 25, 0, dir);
            fail();
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().contains("meanBitErrorRate"));
        }
        try {
            new EmulatedSramPuf(new EmulatedSramPuf.Settings("x", 4096, 0.05, 0.2, 25, 0, dir), new SecureRandom());
            fail();
        } catch (IllegalArgumentException | IOException e) {
            assertTrue(e.getMessage().contains("unstableCellShare"));
        }
    }

    @Test
    public void readsAreFreshAndNoisy() throws IOException {
        EmulatedSramPuf puf = new EmulatedSramPuf(EmulatedSramPuf.Settings.of("n", 0.10,
                tmp.getRoot().toPath()), new SecureRandom());
        assertEquals(4096, puf.cellCount());
        assertEquals("emulated-sram:n", puf.id());
        byte[] a = puf.read();
        byte[] b = puf.read();
        assertEquals(512, a.length);
        assertFalse(Arrays.equals(a, b));
        assertNotEquals(0, distance(a, b));
    }

    static byte[] enrolled(EmulatedSramPuf puf) {
        List<byte[]> reads = new ArrayList<>();
        for (int i = 0; i < FuzzyExtractor.ENROLMENT_READS; i++) {
            reads.add(puf.read());
        }
        return FuzzyExtractor.majority(reads, puf.cellCount());
    }

    static double measure(EmulatedSramPuf puf, int reads) {
        return errorRate(enrolled(puf), puf, reads);
    }

    static double errorRate(byte[] w, EmulatedSramPuf puf, int reads) {
        long errors = 0;
        for (int i = 0; i < reads; i++) {
            errors += distance(w, puf.read());
        }
        return errors / (double) reads / puf.cellCount();
    }

    static int distance(byte[] a, byte[] b) {
        int d = 0;
        for (int i = 0; i < a.length; i++) {
            d += Integer.bitCount((a[i] ^ b[i]) & 0xFF);
        }
        return d;
    }
}
