package org.qkdv2i.benchmarks.zap;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.qkdv2i.zap.internal.fuzzy.FailureBound;
import org.qkdv2i.zap.internal.fuzzy.FuzzyExtractor;
import org.qkdv2i.zap.internal.fuzzy.ReconstructionException;
import org.qkdv2i.zap.internal.puf.EmulatedSramPuf;

/**
 * Monte Carlo of the DAU's PUF key reconstruction (issue 5: failure &lt; 1e-6 at 15 % mean bit
 * error rate, unstable cells included, shown by ≥ 3·10⁶ reconstructions). Many emulated
 * devices (fresh cell skews each, 5 % unstable cells), each enrolled once from 15 reads, then
 * reconstructed from single fresh reads; a failure is any reconstruction that does not return
 * the enrolled device secret (decoder failure, refused helper data, or a wrong secret).
 *
 * <p>Usage: {@code FuzzyExtractorMonteCarlo [reconstructions=3000000] [ber=0.15] [devices=300]
 * [threads=1] [unstableShare=0.05] [cells=4096]}. Prints the failures, the measured bit error
 * rate, the histogram of bits the BCH decoder corrected per block (margin to t = 18), the
 * analytic bound, the 95 % upper confidence bound on the failure rate and the CPU time.
 */
public final class FuzzyExtractorMonteCarlo {

    private FuzzyExtractorMonteCarlo() {
    }

    private static final class Tally {
        long runs;
        long tooNoisy;
        long tampered;
        long wrongSecret;
        long bitErrors;
        long bits;
        final long[] corrected = new long[64];
        long cpuNanos;

        void add(Tally o) {
            runs += o.runs;
            tooNoisy += o.tooNoisy;
            tampered += o.tampered;
            wrongSecret += o.wrongSecret;
            bitErrors += o.bitErrors;
            bits += o.bits;
            cpuNanos += o.cpuNanos;
            for (int i = 0; i < corrected.length; i++) {
                corrected[i] += o.corrected[i];
            }
        }
    }

    public static void main(String[] args) throws Exception {
        long total = args.length > 0 ? Long.parseLong(args[0].replace("_", "")) : 3_000_000L;
        double ber = args.length > 1 ? Double.parseDouble(args[1]) : 0.15;
        int devices = args.length > 2 ? Integer.parseInt(args[2]) : 300;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        double unstable = args.length > 4 ? Double.parseDouble(args[4]) : 0.05;
        int cells = args.length > 5 ? Integer.parseInt(args[5]) : 4096;

        Path dir = Files.createTempDirectory("puf-mc");
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long wall0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<Tally>> parts = new ArrayList<>();
        for (int d = 0; d < devices; d++) {
            int device = d;
            long runs = total / devices + (d < total % devices ? 1 : 0);
            parts.add(pool.submit(() -> {
                long cpu0 = mx.getCurrentThreadCpuTime();
                Tally t = runDevice(dir, device, runs, ber, unstable, cells);
                t.cpuNanos = mx.getCurrentThreadCpuTime() - cpu0;
                return t;
            }));
        }
        Tally all = new Tally();
        for (Future<Tally> f : parts) {
            all.add(f.get());
        }
        pool.shutdown();
        double wall = (System.nanoTime() - wall0) / 1e9;
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.delete(p);
            }
        }
        Files.delete(dir);

        FuzzyExtractor fe = FuzzyExtractor.forCells(cells);
        long failures = all.tooNoisy + all.tampered + all.wrongSecret;
        double upper95 = failures == 0 ? 3.0 / all.runs : Double.NaN; // "rule of three" (Hanley & Lippman-Hand 1983)
        System.out.printf(Locale.ROOT, "code: %s, %d of %d cells; %d devices, %.0f %% unstable cells, enrolment "
                + "majority of %d reads%n", fe.describe(), fe.params().cellsUsed(), cells, devices, unstable * 100,
                FuzzyExtractor.ENROLMENT_READS);
        System.out.printf(Locale.ROOT, "configured mean BER %.3f, measured %.5f over %,d bits%n", ber,
                all.bitErrors / (double) all.bits, all.bits);
        System.out.printf(Locale.ROOT, "reconstructions %,d: failures %d (decoder %d, helper tag %d, wrong secret %d)%n",
                all.runs, failures, all.tooNoisy, all.tampered, all.wrongSecret);
        System.out.printf(Locale.ROOT, "failure rate %.3g; 95 %% upper bound %s; analytic bound %.3g%n",
                failures / (double) all.runs, failures == 0 ? String.format(Locale.ROOT, "%.3g", upper95) : "n/a",
                FailureBound.reconstructionFailure(fe.params(), ber));
        StringBuilder h = new StringBuilder("bits corrected per BCH block (t = " + fe.params().t() + "):");
        int max = 0;
        for (int i = 0; i < all.corrected.length; i++) {
            if (all.corrected[i] > 0) {
                h.append(' ').append(i).append(':').append(all.corrected[i]);
                max = i;
            }
        }
        System.out.println(h);
        System.out.printf(Locale.ROOT, "largest correction seen %d of %d; CPU %.1f s (%.1f us per reconstruction "
                + "incl. the PUF read), wall %.1f s on %d thread(s)%n", max, fe.params().t(), all.cpuNanos / 1e9,
                all.cpuNanos / 1e3 / all.runs, wall, threads);
    }

    private static Tally runDevice(Path dir, int device, long runs, double ber, double unstable, int cells)
            throws Exception {
        SecureRandom random = new SecureRandom();
        EmulatedSramPuf puf = new EmulatedSramPuf(new EmulatedSramPuf.Settings("mc-" + device, cells, ber, unstable,
                25, 0, dir), random);
        List<byte[]> reads = new ArrayList<>();
        for (int i = 0; i < FuzzyExtractor.ENROLMENT_READS; i++) {
            reads.add(puf.read());
        }
        byte[] w = FuzzyExtractor.majority(reads, cells);
        FuzzyExtractor fe = FuzzyExtractor.forCells(cells);
        FuzzyExtractor.Enrolment e = fe.enrol(w, puf.id(), random);
        Tally t = new Tally();
        int[] corrected = new int[fe.params().blocks()];
        for (long i = 0; i < runs; i++) {
            byte[] read = puf.read();
            if ((i & 63) == 0) { // sample the raw bit error rate
                for (int b = 0; b < w.length; b++) {
                    t.bitErrors += Integer.bitCount((w[b] ^ read[b]) & 0xFF);
                }
                t.bits += cells;
            }
            t.runs++;
            try {
                byte[] secret = fe.reconstruct(read, e.helperData(), puf.id(), corrected);
                if (!Arrays.equals(secret, e.deviceSecret())) {
                    t.wrongSecret++;
                }
            } catch (ReconstructionException ex) {
                if (ex.reason() == ReconstructionException.Reason.TOO_NOISY) {
                    t.tooNoisy++;
                } else {
                    t.tampered++;
                }
            }
            for (int c : corrected) {
                if (c >= 0) {
                    t.corrected[c]++;
                }
            }
        }
        Files.deleteIfExists(dir.resolve("puf-mc-" + device + ".sram"));
        return t;
    }
}
