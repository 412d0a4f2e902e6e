package org.qkdv2i.sdn.controller.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.qkdv2i.sdn.controller.internal.graph.AppRequest;
import org.qkdv2i.sdn.controller.internal.graph.Network;

public class StateFileTest {

    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void roundTripAndNoLeftovers() throws Exception {
        Path f = tmp.getRoot().toPath().resolve("data/state.json");
        StateFile s = new StateFile(f);
        assertNull("no file yet", s.read());
        Network.Saved saved = new Network.Saved(
                List.of(new Network.SavedApp(new AppRequest("app-1", "s", "A", "c", "C", 3,
                        new AppRequest.Qos(2_000, 1_000, 5, 60)), Instant.parse("2026-11-27T07:00:00Z"))),
                List.of(new Network.SavedRelay("A", "C", "vl-9", List.of("A", "B", "C"), List.of("AB", "BC"), true,
                        "no path: link BC DOWN", true, 2)));
        s.write(saved);
        s.write(saved); // replaced whole
        assertEquals(saved, s.read());
        try (var files = Files.list(f.getParent())) {
            assertEquals("no temporary files left", 1, files.count());
        }
    }

    @Test
    public void aDamagedFileIsReportedNotIgnored() throws Exception {
        Path f = tmp.newFile("state.json").toPath();
        Files.writeString(f, "{\"version\":1,\"applications\":[{\"app_id\":\"a\"}]}");
        try {
            new StateFile(f).read();
            fail();
        } catch (IOException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("server_sae_id"));
        }
        Files.writeString(f, "{\"version\":7}");
        try {
            new StateFile(f).read();
            fail();
        } catch (IOException e) {
            assertTrue(e.getMessage().contains("version 1"));
        }
    }
}
