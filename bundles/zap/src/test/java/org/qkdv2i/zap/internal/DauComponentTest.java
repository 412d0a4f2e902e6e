package org.qkdv2i.zap.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.qkdv2i.zap.api.AuthenticationException;
import org.qkdv2i.zap.api.DauKind;
import org.qkdv2i.zap.api.DeviceId;
import org.qkdv2i.zap.api.DeviceRole;
import org.qkdv2i.zap.api.IdentityRecord;
import org.qkdv2i.zap.api.UnitAuthentication;
import org.qkdv2i.zap.internal.fuzzy.ReconstructionException;
import org.qkdv2i.zap.internal.identity.Measurement;
import org.qkdv2i.zap.internal.testing.MemoryDirectory;
import org.qkdv2i.zap.internal.testing.TestDaus;

public class DauComponentTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void enrolsOnFirstStartAndReconstructsTheSameIdentityAfterARestart() throws Exception {
        Path dir = tmp.getRoot().toPath();
        IdentityRecord first;
        try (DauComponent dau = TestDaus.dau(dir, "bs-E", DeviceRole.BASE_STATION, 0.15, Optional.empty())) {
            first = dau.identityRecord();
            assertEquals(dau.id(), first.id());
            assertEquals("bs-E", first.name());
            assertEquals(DeviceRole.BASE_STATION, first.role());
            assertEquals(DauKind.DAU_N, first.kind());
            assertEquals("zone-1", first.zone());
            assertEquals(TestDaus.CLOCK.instant(), first.enrolledAt());
        }
        assertTrue(Files.exists(dir.resolve("dau-bs-E.helper")));
        for (int restart = 0; restart < 5; restart++) {
            try (DauComponent dau = TestDaus.dau(dir, "bs-E", DeviceRole.BASE_STATION, 0.15, Optional.empty())) {
                assertEquals(first, dau.identityRecord());
            }
        }
    }

    @Test
    public void aChangedMeasurementGivesANewIdentityWhoseOldRelationsAreGone() throws Exception {
        Path dir = tmp.getRoot().toPath();
        MemoryDirectory directory = new MemoryDirectory();
        DeviceId oldId;
        DeviceId peer;
        try (DauComponent a = TestDaus.dau(dir, "rsu-7", DeviceRole.RSU, 0.10, Optional.of(directory));
                DauComponent b = TestDaus.dau(dir, "bs-E", DeviceRole.BASE_STATION, 0.10, Optional.of(directory))) {
            directory.enrol(a.identityRecord());
            directory.enrol(b.identityRecord());
            handshake(a.initiate(b.id()), b.respond());
            oldId = a.id();
            peer = b.id();
            assertTrue(Files.exists(dir.resolve("dau-rsu-7-" + oldId + ".relations")));
        }
        List<org.qkdv2i.zap.api.MeasuredComponent> updated = List.of(
                Measurement.software("org.qkdv2i.zap", "0.2.0"));
        try (DauComponent a = TestDaus.dau(dir, "rsu-7", DeviceRole.RSU, 0.10, Optional.empty(), updated)) {
            assertNotEquals(oldId, a.id());
            assertFalse("old relations deleted", Files.exists(dir.resolve("dau-rsu-7-" + oldId + ".relations")));
            try {
                a.initiate(peer);
                fail("the new identity has no relation and no directory");
            } catch (AuthenticationException e) {
                assertEquals(AuthenticationException.Reason.UNAVAILABLE, e.reason());
            }
        }
        // and back to the old software: the old identity again (deterministic), but its relations were dropped
        try (DauComponent a = TestDaus.dau(dir, "rsu-7", DeviceRole.RSU, 0.10, Optional.empty())) {
            assertEquals(oldId, a.id());
        }
    }

    @Test
    public void tamperedHelperDataStopsTheDauWithAClearMessage() throws Exception {
        Path dir = tmp.getRoot().toPath();
        TestDaus.dau(dir, "obu-1", DeviceRole.VEHICLE, 0.10, Optional.empty()).close();
        Path helper = dir.resolve("dau-obu-1.helper");
        byte[] bytes = Files.readAllBytes(helper);
        bytes[40] ^= 0x10;
        Files.write(helper, bytes);
        try {
            TestDaus.dau(dir, "obu-1", DeviceRole.VEHICLE, 0.10, Optional.empty());
            fail("tampered helper data accepted");
        } catch (ReconstructionException e) {
            assertEquals(ReconstructionException.Reason.TAMPERED, e.reason());
            assertTrue(e.getMessage(), e.getMessage().contains("dau-obu-1.helper")
                    && e.getMessage().contains("does not authenticate"));
        }
    }

    @Test
    public void theDirectoryListenerFollowsTheDirectory() throws Exception {
        MemoryDirectory d1 = new MemoryDirectory();
        MemoryDirectory d2 = new MemoryDirectory();
        DauComponent dau = TestDaus.dau(tmp.getRoot().toPath(), "x", DeviceRole.RSU, 0.05, Optional.of(d1));
        assertEquals(1, d1.listenerCount());
        dau.setDirectory(d2);
        assertEquals(0, d1.listenerCount());
        assertEquals(1, d2.listenerCount());
        dau.close();
        assertEquals(0, d2.listenerCount());
    }

    /** Runs a 3-message handshake in memory; returns the messages. */
    static List<byte[]> handshake(UnitAuthentication initiator, UnitAuthentication responder) throws Exception {
        byte[] m1 = initiator.firstMessage().orElseThrow();
        byte[] m2 = responder.receive(m1).orElseThrow();
        byte[] m3 = initiator.receive(m2).orElseThrow();
        assertTrue(responder.receive(m3).isEmpty());
        assertArrayEquals(initiator.result().orElseThrow().secret().bytes(),
                responder.result().orElseThrow().secret().bytes());
        return List.of(m1, m2, m3);
    }
}
