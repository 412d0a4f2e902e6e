package org.qkdv2i.demo;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The story of the paper's city, end to end: {@code demo.jar} runs the default scenario in its own
 * JVM (real KMMs, simulated FSO BB84 links over loopback TCP, ETSI 015 agents and the SDN
 * controller over mutual TLS) and writes its final report; the test checks the report:
 * keys delivered and relayed, a handover E → F whose session context crossed the base stations'
 * DPN session keyed with a relayed QKD key (same exporter hash at both), every RSU hearing SIGNED
 * V2X messages and serving vehicles over DPN sessions (the air link's PSK exported from them),
 * the fog bank over B rerouting the applications via D, Eve on D–C detected and the applications
 * moved off D–C, and every alarm raised reported as an event.
 *
 * <p>Speed: {@code -Ddemo.story.speed} (default 4 simulated s per wall s; the run takes about two
 * minutes of wall time plus start-up). On a loaded machine the drivers fall behind the engine's
 * clock, so the checks look at the order of things, not at exact times.
 */
public class DemoStoryIT {

    private static JsonNode report;
    private static String log;
    private static int exit;

    @BeforeClass
    public static void play() throws Exception {
        String jar = System.getProperty("demo.jar");
        assumeTrue("demo.jar not built (" + jar + ")", jar != null && new File(jar).isFile());
        Path dir = Path.of(System.getProperty("story.dir", "target/story"));
        Files.createDirectories(dir);
        Path reportFile = dir.resolve("report.json");
        Files.deleteIfExists(reportFile);
        Path out = dir.resolve("demo.log");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1536m", "-Xmn256m", "-jar", new File(jar).getAbsolutePath(), "--headless", "--no-opcua",
                "--speed", System.getProperty("demo.story.speed", "4"), "--report", reportFile.toAbsolutePath().toString()));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        try {
            if (!p.waitFor(12, TimeUnit.MINUTES)) {
                throw new AssertionError("demo did not finish within 12 minutes; log in " + out);
            }
        } finally {
            p.destroyForcibly(); // only our own child process
        }
        exit = p.exitValue();
        log = Files.readString(out);
        assertTrue("no report written; log " + out, Files.isRegularFile(reportFile));
        report = new ObjectMapper().readTree(reportFile.toFile());
    }

    private static List<String> path(JsonNode n) {
        List<String> p = new ArrayList<>();
        n.forEach(x -> p.add(x.asText()));
        return p;
    }

    private static boolean crosses(List<String> path, String a, String b) {
        for (int i = 0; i + 1 < path.size(); i++) {
            if (path.get(i).equals(a) && path.get(i + 1).equals(b) || path.get(i).equals(b) && path.get(i + 1).equals(a)) {
                return true;
            }
        }
        return false;
    }

    @Test
    public void theDemoRanToTheEnd() {
        assertEquals("exit code; log tail: " + tail(), 0, exit);
        assertTrue(report.get("ready").asBoolean());
        assertTrue(report.get("simSeconds").asDouble() >= 320);
        assertTrue("one summary line per second", log.contains("| links ") && log.contains("=== final report"));
        assertEquals("problems: " + report.get("problems"), 0, report.get("problems").size());
    }

    @Test
    public void keysWereDeliveredAndRelayed() {
        JsonNode t = report.get("totals");
        assertTrue(t.toString(), t.get("keysDelivered").asLong() >= 50);
        assertTrue("E and F are not neighbours: every key crossed trusted nodes " + t,
                t.get("keysRelayed").asLong() == t.get("keysDelivered").asLong());
    }

    @Test
    public void aHandoverEtoFCarriedTheSameQkdKeyAtBothBaseStations() {
        boolean found = false;
        for (JsonNode h : report.get("handovers")) {
            if (h.get("from").asText().equals("E") && h.get("to").asText().equals("F") && h.get("failure").isNull()) {
                // over the base stations' DPN session, quantum-keyed at both ends, the same exporter
                // hash at both ends (a hash of the session's exporter output, never key bytes)
                assertTrue(h.toString(), h.get("sameKey").asBoolean());
                assertTrue(h.toString(), h.get("contextOpened").asBoolean());
                assertTrue(h.toString(), h.get("quantumKeyed").asBoolean());
                assertTrue(h.toString(), h.get("dpnSession").asText().matches("[0-9a-f]{16}"));
                assertTrue(h.toString(), h.get("fingerprint").asText().matches("[0-9a-f]{32}"));
                assertTrue("the report names the QKD key mixed into the session: " + h,
                        h.get("keyId").asText().matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"));
                assertTrue("F's RSU opened its DPN session to the vehicle: " + h,
                        h.get("servingSession").asText().matches("[0-9a-f]{16}"));
                List<String> p = path(h.get("path"));
                assertEquals("E", p.get(0));
                assertEquals("F", p.get(p.size() - 1));
                assertTrue("relayed over trusted nodes: " + p, p.size() >= 4);
                found = true;
            }
        }
        assertTrue("no successful E->F handover: " + report.get("handovers"), found);
        assertTrue(report.get("totals").get("handovers").asLong() >= 1);
    }

    @Test
    public void everyRsuHeardSignedV2xMessagesAndServedVehiclesOverDpnSessions() {
        JsonNode v2x = report.get("v2x");
        assertEquals("4 RSUs and 3 vehicles: " + v2x, 7, v2x.size());
        Map<String, Integer> vehiclesOf = new HashMap<>();
        for (JsonNode c : v2x) {
            if (c.get("kind").asText().equals("VEHICLE")) {
                vehiclesOf.merge(c.get("technology").asText(), 1, Integer::sum);
            }
        }
        long psk = 0;
        for (JsonNode c : v2x) {
            if (c.get("kind").asText().equals("RSU")) {
                // from the RSU's stack: its own CAMs sent, vehicles' SIGNED CAMs received and verified
                assertTrue(c.toString(), c.get("sent").asLong() > 0);
                assertTrue(c.toString(), c.get("delivered").asLong() > 0);
                assertTrue("a DPN session RSU -> vehicle: " + c, c.get("servingSessions").asLong() >= 1);
            } else {
                assertTrue(c.toString(), c.get("sent").asLong() > 0);
                psk += c.get("pskPayloads").asLong();
            }
            // the only refusals: CAMs signed with the sender's digest heard before its certificate
            // (TS 103 097 §7.1.1: the certificate once a second, UNKNOWN_SIGNER until then), at most
            // about a second of 10 Hz CAMs per vehicle of the RSU's radio coming into range
            assertTrue("refused on the air: " + c, c.get("refused").asLong()
                    <= 12L * vehiclesOf.getOrDefault(c.get("technology").asText(), 0));
        }
        assertTrue("vehicles got their RSU's greeting under the PSK exported from their DPN session: " + v2x, psk >= 1);
        assertTrue(report.get("totals").toString(), report.get("totals").get("v2xMessages").asLong() > 0);
        assertTrue("4 serving + 1 base-station sessions at least: " + report.get("dpnSessionsOpened"),
                report.get("dpnSessionsOpened").asLong() >= 5);
        assertTrue("devices ready: " + report.get("devicesReadyAfterWallSeconds"),
                report.get("devicesReadyAfterWallSeconds").isNumber());
    }

    @Test
    public void theFogBankOverBReroutedTheApplicationsViaD() {
        boolean found = false;
        for (JsonNode r : report.get("reroutes")) {
            List<String> before = path(r.get("before"));
            List<String> after = path(r.get("after"));
            if (r.get("atS").asDouble() >= 110 && before.contains("B") && after.contains("D")) {
                found = true;
                assertTrue(after.toString(), !crosses(after, "A", "B") && !crosses(after, "B", "C"));
            }
        }
        assertTrue("no reroute from B to D after the fog: " + report.get("reroutes"), found);
    }

    @Test
    public void eveOnDCWasDetectedAndTheApplicationsLeftDC() {
        double detected = -1;
        for (JsonNode d : report.get("detections")) {
            if (d.get("link").asText().equals("D-C")) {
                detected = d.get("atS").asDouble();
                assertEquals("INTERCEPT_RESEND", d.get("attack").asText());
                // the driver aborts on a QBER above 10 % or when the decoy bounds leave no key: a round Eve
                // attacked only in part is caught by the decoy check at a lower QBER (7.6 % seen at load)
                double qber = d.get("qber").asDouble();
                assertTrue("a detection without an error rate: " + d, qber > 0 && qber < 0.5);
            }
        }
        assertTrue("D-C eavesdropping never detected: " + report.get("detections"), detected >= 190);
        boolean moved = false;
        for (JsonNode r : report.get("reroutes")) {
            if (r.get("atS").asDouble() >= 190 && crosses(path(r.get("before")), "D", "C")
                    && !crosses(path(r.get("after")), "D", "C")) {
                moved = true;
            }
        }
        assertTrue("no application left D-C after Eve: " + report.get("reroutes"), moved);
    }

    @Test
    public void noAlarmWasLost() {
        long alarms = report.get("totals").get("alarms").asLong();
        JsonNode counts = report.get("eventCounts");
        long shown = counts.path("ALARM").asLong(0) + counts.path("POOL_EMPTY").asLong(0);
        assertTrue("the fog and Eve raise alarms", alarms >= 2);
        assertEquals("every alarm counted is an event the viewers got", alarms, shown);
    }

    private static String tail() {
        return log.length() > 3000 ? log.substring(log.length() - 3000) : log;
    }
}
