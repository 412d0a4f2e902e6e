package org.qkdv2i.v2x.codec.testing;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.Assume;

/**
 * TEST HELPER shared by the Wireshark cross-checks of v2x.codec, radio.pcap, v2x.itsg5 and v2x.cv2x
 * (published in v2x.codec's tests jar): finds tshark, skips or fails when it is missing, runs it
 * with a timeout and reads its -V text and -T fields output.
 */
public final class Tshark {
    private static volatile Boolean present;

    private Tshark() {
    }

    /** Whether {@code tshark -v} runs (probed once per JVM). */
    public static boolean present() {
        Boolean p = present;
        if (p == null) {
            p = probe();
            present = p;
        }
        return p;
    }

    private static boolean probe() {
        try {
            Process p = new ProcessBuilder("tshark", "-v").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Skips the calling test when tshark is absent outside CI; fails it when tshark is absent on
     * CI (environment variable CI set), where a silent skip would hide the check.
     *
     * @param check what is skipped, for the message (e.g. "Wireshark cross-check")
     */
    public static void require(String check) {
        if (present()) {
            return;
        }
        String ci = System.getenv("CI");
        if (ci != null && !ci.isEmpty()) {
            throw new AssertionError("tshark not found but CI=" + ci + ": the " + check + " must run on CI"
                    + " (.ci/run installs tshark)");
        }
        Assume.assumeTrue("tshark not installed (and CI not set): " + check + " skipped;"
                + " apt-get install tshark to run it", false);
    }

    /** A classic pcap file (LINKTYPE_ETHERNET, microsecond stamps 1 s, 2 s, ...) of these frames. */
    public static byte[] pcap(List<byte[]> ethernetFrames) {
        int size = 24 + ethernetFrames.stream().mapToInt(f -> 16 + f.length).sum();
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1);
        int t = 0;
        for (byte[] f : ethernetFrames) {
            b.putInt(++t).putInt(0).putInt(f.length).putInt(f.length).put(f);
        }
        return b.array();
    }

    /**
     * Runs {@code tshark -r pcap options...} (TZ=UTC: Wireshark shows ITS timestamps as dates) with a
     * two-minute limit, asserts it exits 0 and returns its output (stdout and stderr).
     */
    public static String run(File pcap, String... options) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-r", pcap.getPath()));
        cmd.addAll(Arrays.asList(options));
        // output to a file next to the capture: a pipe could fill up and stall tshark
        Path out = Files.createTempFile(pcap.getAbsoluteFile().getParentFile().toPath(), "tshark", ".txt");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
            pb.environment().put("TZ", "UTC");
            Process p = pb.start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("tshark did not finish in 120 s: " + cmd);
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            assertEquals(text, 0, p.exitValue());
            return text;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /**
     * {@code tshark -T fields} output as one field-to-value map per frame ("" where a frame lacks
     * the field; several occurrences joined by ","); lines of another shape (tshark's own notices,
     * e.g. about running as root) are left out.
     */
    public static List<Map<String, String>> fields(File pcap, List<String> names, String... options)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(Arrays.asList(options));
        args.addAll(List.of("-T", "fields", "-E", "separator=|"));
        for (String f : names) {
            args.add("-e");
            args.add(f);
        }
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : run(pcap, args.toArray(String[]::new)).lines().toList()) {
            String[] v = line.split("\\|", -1);
            if (v.length != names.size()) {
                continue;
            }
            Map<String, String> row = new HashMap<>();
            for (int i = 0; i < v.length; i++) {
                row.put(names.get(i), v[i]);
            }
            rows.add(row);
        }
        return rows;
    }

    /** The -V text of each frame, in order. */
    public static List<String> frames(String text) {
        List<String> frames = new ArrayList<>();
        for (String part : text.split("(?m)^(?=Frame \\d+: )")) {
            if (part.startsWith("Frame ")) {
                frames.add(part);
            }
        }
        return frames;
    }

    /**
     * No malformed packet, and every expert item of one of these severities (e.g. "Note",
     * "Chat"); with none given, no expert item at all.
     */
    public static void assertClean(String text, String... allowedExpertSeverities) {
        assertFalse(text, text.contains("Malformed"));
        for (String l : text.lines().toList()) {
            if (l.contains("Expert Info")) {
                assertTrue(l, Arrays.stream(allowedExpertSeverities).anyMatch(s -> l.contains("Expert Info (" + s + "/")));
            }
        }
    }
}
