package org.qkdv2i.zap.internal.fuzzy;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.qkdv2i.zap.internal.puf.EmulatedSramPuf;

public class FuzzyExtractorTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private EmulatedSramPuf puf(String device, double ber) throws IOException {
        return new EmulatedSramPuf(EmulatedSramPuf.Settings.of(device, ber, tmp.getRoot().toPath()),
                new SecureRandom());
    }

    private static byte[] enrolledResponse(EmulatedSramPuf puf) {
        List<byte[]> reads = new ArrayList<>();
        for (int i = 0; i < FuzzyExtractor.ENROLMENT_READS; i++) {
            reads.add(puf.read());
        }
        return FuzzyExtractor.majority(reads, puf.cellCount());
    }

    private void reconstructsAt(double ber) throws Exception {
        // several devices, many reads each: every reconstruction gives the enrolled secret
        for (int device = 0; device < 4; device++) {
            EmulatedSramPuf puf = puf("dev" + device + "-" + (int) (ber * 100), ber);
            FuzzyExtractor fe = FuzzyExtractor.forCells(puf.cellCount());
            FuzzyExtractor.Enrolment e = fe.enrol(enrolledResponse(puf), puf.id(), new SecureRandom());
            assertEquals(32, e.deviceSecret().length);
            for (int i = 0; i < 250; i++) {
                assertArrayEquals("BER " + ber + " device " + device + " read " + i, e.deviceSecret(),
                        fe.reconstruct(puf.read(), e.helperData(), puf.id()));
            }
        }
    }

    @Test
    public void reconstructsAtFivePercent() throws Exception {
        reconstructsAt(0.05);
    }

    @Test
    public void reconstructsAtTenPercent() throws Exception {
        reconstructsAt(0.10);
    }

    @Test
    public void reconstructsAtFifteenPercent() throws Exception {
        reconstructsAt(0.15);
    }

    @Test
    public void helperDataDoesNotContainTheSecretAndEachEnrolmentDiffers() throws Exception {
        EmulatedSramPuf puf = puf("h", 0.10);
        FuzzyExtractor fe = FuzzyExtractor.forCells(puf.cellCount());
        byte[] w = enrolledResponse(puf);
        FuzzyExtractor.Enrolment a = fe.enrol(w, puf.id(), new SecureRandom());
        FuzzyExtractor.Enrolment b = fe.enrol(w, puf.id(), new SecureRandom());
        assertFalse("random codewords: helper data differs", Arrays.equals(a.helperData(), b.helperData()));
        assertArrayEquals("same response, same secret", a.deviceSecret(), b.deviceSecret());
        assertFalse(contains(a.helperData(), a.deviceSecret()));
    }

    @Test
    public void tamperedHelperDataIsRefused() throws Exception {
        EmulatedSramPuf puf = puf("tamper", 0.10);
        FuzzyExtractor fe = FuzzyExtractor.forCells(puf.cellCount());
        FuzzyExtractor.Enrolment e = fe.enrol(enrolledResponse(puf), puf.id(), new SecureRandom());
        byte[] helper = e.helperData();
        // one offset bit: the code corrects it as an error, yet the tag over the helper data fails
        for (int pos : new int[] {12, 100, 300, helper.length - 40, helper.length - 1}) {
            byte[] bad = helper.clone();
            bad[pos] ^= 0x01;
            expect(fe, puf, bad, ReconstructionException.Reason.TAMPERED, "does not authenticate");
        }
        byte[] header = helper.clone();
        header[5] ^= 0x01; // BCH m
        expect(fe, puf, header, ReconstructionException.Reason.MALFORMED, "another code");
        expect(fe, puf, Arrays.copyOf(helper, helper.length - 1), ReconstructionException.Reason.MALFORMED,
                "not of this fuzzy extractor");
        // helper data of this PUF, presented as another PUF's
        try {
            fe.reconstruct(puf.read(), helper, "emulated-sram:other");
            fail("helper data bound to another PUF id");
        } catch (ReconstructionException ex) {
            assertEquals(ReconstructionException.Reason.TAMPERED, ex.reason());
        }
    }

    @Test
    public void anotherDevicesResponseDoesNotReconstruct() throws Exception {
        EmulatedSramPuf mine = puf("mine", 0.05);
        EmulatedSramPuf other = puf("other", 0.05);
        FuzzyExtractor fe = FuzzyExtractor.forCells(mine.cellCount());
        FuzzyExtractor.Enrolment e = fe.enrol(enrolledResponse(mine), mine.id(), new SecureRandom());
        try {
            fe.reconstruct(other.read(), e.helperData(), mine.id());
            fail("a clone without the cell skews must not reconstruct");
        } catch (ReconstructionException ex) {
            assertTrue(ex.reason() == ReconstructionException.Reason.TOO_NOISY
                    || ex.reason() == ReconstructionException.Reason.TAMPERED);
        }
    }

    @Test
    public void aTooSmallPufIsRefused() {
        try {
            FuzzyExtractor.forCells(2048);
            fail();
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("needs at least 3570 cells"));
        }
        assertEquals(4, FuzzyExtractor.forCells(8192).params().blocks());
    }

    private static void expect(FuzzyExtractor fe, EmulatedSramPuf puf, byte[] helper,
            ReconstructionException.Reason reason, String text) {
        try {
            fe.reconstruct(puf.read(), helper, puf.id());
            fail("tampered helper data accepted");
        } catch (ReconstructionException ex) {
            assertEquals(ex.getMessage(), reason, ex.reason());
            assertTrue(ex.getMessage(), ex.getMessage().contains(text));
        }
    }

    static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
