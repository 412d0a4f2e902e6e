package org.qkdv2i.dpn.identitylog;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.qkdv2i.dpn.identitylog.TestRecords.record;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.qkdv2i.dpn.api.IdentityLogException;
import org.qkdv2i.dpn.api.LogEntry;
import org.qkdv2i.dpn.api.SignedTreeHead;
import org.qkdv2i.zap.api.IdentityRecord;

public class EmbeddedIdentityLogTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void enrolRevokeProofsAndListeners() throws Exception {
        try (EmbeddedIdentityLog log = EmbeddedIdentityLog.inMemory()) {
            LinkedBlockingQueue<String> events = new LinkedBlockingQueue<>();
            log.addListener((id, revoked) -> events.add(id + (revoked ? " revoked" : " enrolled")));
            SignedTreeHead empty = log.treeHead();
            assertEquals(0, empty.treeSize());
            assertTrue(log.verifyTreeHead(empty));

            IdentityRecord a = record(1);
            IdentityRecord b = record(2);
            LogEntry ea = log.enrol(a);
            LogEntry eb = log.enrol(b);
            assertEquals(0, ea.index());
            assertEquals(1, eb.index());
            assertEquals(a, log.find(a.id()).orElseThrow());
            assertEquals(a.id() + " enrolled", events.poll(10, TimeUnit.SECONDS));
            assertEquals(b.id() + " enrolled", events.poll(10, TimeUnit.SECONDS));

            SignedTreeHead two = log.treeHead();
            assertEquals(2, two.treeSize());
            assertTrue(log.verifyTreeHead(two));
            assertTrue(EmbeddedIdentityLog.verifyInclusion(ea, 2, log.inclusionProof(0, 2), two.rootHash()));
            assertTrue(EmbeddedIdentityLog.verifyInclusion(eb, 2, log.inclusionProof(1, 2), two.rootHash()));
            assertFalse(EmbeddedIdentityLog.verifyInclusion(ea, 2, log.inclusionProof(1, 2), two.rootHash()));

            LogEntry rev = log.revoke(a.id(), "key compromised");
            assertEquals(LogEntry.Type.REVOKE, rev.type());
            assertEquals("key compromised", rev.reason());
            assertTrue(log.isRevoked(a.id()));
            assertFalse(log.isRevoked(b.id()));
            assertTrue("a revoked device stays findable", log.find(a.id()).isPresent());
            assertEquals(a.id() + " revoked", events.poll(10, TimeUnit.SECONDS));

            SignedTreeHead three = log.treeHead();
            assertTrue(EmbeddedIdentityLog.verifyConsistency(two, three, log.consistencyProof(2, 3)));
            assertTrue(EmbeddedIdentityLog.verifyConsistency(empty, three, log.consistencyProof(0, 3)));
            assertEquals(List.of(LogEntry.Type.ENROL, LogEntry.Type.ENROL, LogEntry.Type.REVOKE),
                    log.entries(0, 10).stream().map(LogEntry::type).toList());
            assertArrayEquals(rev.leafHash(), log.entries(2, 3).get(0).leafHash());
        }
    }

    @Test
    public void refusalsAreClearAndChangeNothing() throws Exception {
        try (EmbeddedIdentityLog log = EmbeddedIdentityLog.inMemory()) {
            IdentityRecord a = record(1);
            log.enrol(a);
            // the same identity again (a DAU restarting) is the same entry, not a new one
            IdentityRecord again = new IdentityRecord(a.id(), a.name(), a.role(), a.kind(), a.zone(),
                    a.measurementDigest(), a.mlDsaPublicKey(), a.mlKemPublicKey(), Instant.now());
            assertEquals(0, log.enrol(again).index());
            IdentityRecord otherKeys = new IdentityRecord(a.id(), a.name(), a.role(), a.kind(), a.zone(),
                    a.measurementDigest(), record(9).mlDsaPublicKey(), a.mlKemPublicKey(), a.enrolledAt());
            assertRefused(() -> log.enrol(otherKeys), "already enrolled with different keys");
            assertRefused(() -> log.revoke(record(5).id(), "x"), "is not enrolled");
            log.revoke(a.id(), "stolen");
            assertEquals(1, log.revoke(a.id(), "again").index());
            assertRefused(() -> log.enrol(a), "is revoked");
            assertEquals(2, log.treeHead().treeSize());
            try {
                log.inclusionProof(2, 2);
                fail();
            } catch (IdentityLogException e) {
                assertTrue(e.getMessage(), e.getMessage().contains("no inclusion proof for entry 2"));
            }
            try {
                log.consistencyProof(1, 5);
                fail();
            } catch (IdentityLogException e) {
                assertTrue(e.getMessage(), e.getMessage().contains("holds 2 entries"));
            }
        }
    }

    @Test
    public void aPersistedLogReopensWithItsEntriesAndItsKey() throws Exception {
        Path dir = tmp.newFolder("log").toPath();
        byte[] key;
        SignedTreeHead before;
        try (EmbeddedIdentityLog log = EmbeddedIdentityLog.inDirectory(dir, "demo")) {
            log.enrol(record(1));
            log.enrol(record(2));
            log.revoke(record(1).id(), "test");
            before = log.treeHead();
            key = log.treeHeadKey();
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("sth-signing.kek"))));
        byte[] stored = Files.readAllBytes(dir.resolve("sth-signing.key"));
        assertEquals("magic + nonce + 32-byte seed + tag, nothing in clear", 4 + 12 + 32 + 16, stored.length);
        try (EmbeddedIdentityLog log = EmbeddedIdentityLog.inDirectory(dir, "demo")) {
            assertArrayEquals(key, log.treeHeadKey());
            assertEquals(3, log.treeHead().treeSize());
            assertArrayEquals(before.rootHash(), log.treeHead().rootHash());
            assertTrue("the old head still verifies under the reopened key", log.verifyTreeHead(before));
            assertTrue(log.isRevoked(record(1).id()));
            log.enrol(record(3));
            assertTrue(EmbeddedIdentityLog.verifyConsistency(before, log.treeHead(), log.consistencyProof(3, 4)));
        }
        // a different KEK does not open the key: the key file is useless without it
        Files.delete(dir.resolve("sth-signing.kek"));
        try {
            EmbeddedIdentityLog.inDirectory(dir, "demo").close();
            fail("opened a key file under a new KEK");
        } catch (java.io.UncheckedIOException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("does not decrypt"));
        }
    }

    @Test
    public void aTornJournalTailIsCutOffAndTheRestReplayed() throws Exception {
        Path dir = tmp.newFolder("torn").toPath();
        try (EmbeddedIdentityLog log = EmbeddedIdentityLog.inDirectory(dir, "demo")) {
            log.enrol(record(1));
            log.enrol(record(2));
        }
        Path journal = dir.resolve("journal.bin");
        byte[] j = Files.readAllBytes(journal);
        Files.write(journal, java.util.Arrays.copyOf(j, j.length - 10));
        try (EmbeddedIdentityLog log = EmbeddedIdentityLog.inDirectory(dir, "demo")) {
            assertEquals(1, log.treeHead().treeSize());
            assertTrue(log.find(record(1).id()).isPresent());
            assertFalse(log.find(record(2).id()).isPresent());
            assertEquals(1, log.enrol(record(2)).index());
        }
    }

    @Test
    public void headsOfDifferentLogsDiffer() throws Exception {
        try (EmbeddedIdentityLog a = EmbeddedIdentityLog.inMemory("a"); EmbeddedIdentityLog b = EmbeddedIdentityLog.inMemory("b")) {
            assertNotEquals(a.treeHead().logId(), b.treeHead().logId());
            assertFalse("a head of log a is not signed by log b's key", b.verifyTreeHead(a.treeHead()));
            assertNull(null);
        }
    }

    private interface Call {
        void run() throws IdentityLogException;
    }

    private static void assertRefused(Call call, String expected) {
        try {
            call.run();
            fail("expected refusal: " + expected);
        } catch (IdentityLogException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(expected));
        }
    }
}
