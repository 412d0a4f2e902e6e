package org.qkdv2i.driver.sim.fso.internal.channel;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The durable pad store: no pad twice across restarts, encrypted at rest, tampering refused, ends resynchronised. */
public class PadStoreTest {

    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @After
    public void stop() {
        pool.shutdownNow();
    }

    private PadStore open(String dir, byte[] psk, boolean alice) throws Exception {
        return PadStore.open(tmp.getRoot().toPath().resolve(dir), "link-1", alice ? "A" : "B", alice, psk);
    }

    private static byte[] take(PadStore s, int d, List<Long> indices) throws Exception {
        byte[] pad = new byte[16];
        indices.add(s.take(d, pad));
        return pad;
    }

    @Test
    public void aRestartedStoreNeverHandsOutAnIndexOrPadUsedBefore() throws Exception {
        byte[] psk = PadFixtures.psk(200, 1);
        List<Long> before = new ArrayList<>(), after = new ArrayList<>();
        List<byte[]> used = new ArrayList<>();
        PadStore s = open("a", psk, true);
        for (int i = 0; i < 11; i++) {
            used.add(take(s, 0, before));
        }
        s.close(); // a crash looks the same: the file is written before any pad is used
        PadStore again = open("a", psk, true);
        for (int i = 0; i < 5; i++) {
            byte[] pad = take(again, 0, after);
            for (byte[] u : used) {
                assertFalse("a pad came back after the restart", Arrays.equals(u, pad));
            }
        }
        long maxBefore = before.stream().mapToLong(Long::longValue).max().getAsLong();
        assertTrue(after + " vs " + before, after.get(0) > maxBefore);
        assertTrue("indices rise", after.get(4) > after.get(0));
        // at most one reservation is skipped
        assertTrue(after.get(0) <= maxBefore + 1 + PadStore.RESERVE);
        again.close();
    }

    @Test
    public void theFileHoldsNoPlaintextPadAndOnlyItsOwnerMayReadIt() throws Exception {
        byte[] psk = PadFixtures.psk(100, 2);
        PadStore s = open("a", psk, true);
        take(s, 0, new ArrayList<>());
        byte[] file = Files.readAllBytes(s.file());
        assertTrue("unused pads are in the file", file.length > 2 * 90 * 16);
        assertFalse("hash key in the clear", contains(file, Arrays.copyOfRange(psk, 0, 16)));
        for (int off = 16; off + 16 <= psk.length; off += 16) {
            assertFalse("pad at " + off + " in the clear", contains(file, Arrays.copyOfRange(psk, off, off + 16)));
        }
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(s.file())));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(s.file().getParent())));
        }
        s.close();
    }

    private static boolean contains(byte[] hay, byte[] needle) {
        for (int i = 0; i + needle.length <= hay.length; i++) {
            if (Arrays.equals(hay, i, i + needle.length, needle, 0, needle.length)) {
                return true;
            }
        }
        return false;
    }

    @Test
    public void aTamperedOrTruncatedFileIsRefusedNotReBootstrapped() throws Exception {
        byte[] psk = PadFixtures.psk(100, 3);
        PadStore s = open("a", psk, true);
        take(s, 0, new ArrayList<>());
        s.close();
        Path f = s.file();
        byte[] good = Files.readAllBytes(f);
        byte[] bad = good.clone();
        bad[bad.length / 2] ^= 0x10;
        Files.write(f, bad);
        assertRefused(psk, "tampered or corrupted");
        Files.write(f, Arrays.copyOf(good, good.length - 40));
        assertRefused(psk, "tampered or corrupted");
        assertArrayEquals("the refused file is left as it was for inspection", Arrays.copyOf(good, good.length - 40),
                Files.readAllBytes(f));
        Files.write(f, good); // restored: accepted again
        open("a", psk, true).close();
    }

    private void assertRefused(byte[] psk, String why) throws Exception {
        try {
            open("a", psk, true).close();
            fail("tampered pad store accepted");
        } catch (PadStoreException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(why));
            assertTrue(e.terminal());
        }
    }

    @Test
    public void aStoreHasOneUserAtATime() throws Exception {
        byte[] psk = PadFixtures.psk(20, 9);
        PadStore first = open("a", psk, true);
        try {
            open("a", psk, true).close();
            fail("two users of one pad store");
        } catch (PadStoreException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("in use"));
            assertFalse("retrying helps once the other instance is gone", e.terminal());
        }
        first.close();
        open("a", psk, true).close();
    }

    @Test
    public void runningOutOfPadsSaysSo() throws Exception {
        PadStore s = open("a", PadFixtures.psk(5, 4), false);
        for (int i = 0; i < 5; i++) {
            take(s, 1, new ArrayList<>());
        }
        try {
            take(s, 1, new ArrayList<>());
            fail("a sixth pad out of five");
        } catch (PadStoreException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith(PadStore.EXHAUSTED));
            assertTrue(e.terminal());
        }
        s.close();
    }

    @Test
    public void aRefillOnlyOneEndMadeIsRolledBackAndBothEndsAgreeOnEveryPadAgain() throws Exception {
        byte[] psk = PadFixtures.psk(6, 5);
        PadStore a = open("a", psk, true), b = open("b", psk, false);
        byte[] p = new byte[16], q = new byte[16];
        for (int i = 0; i < 3; i++) { // three frames Alice -> Bob
            a.take(0, p);
            b.take(0, q);
            assertArrayEquals(p, q);
        }
        byte[] k1 = PadFixtures.psk(2, 6); // 80 bytes of "generated key"
        UUID id1 = UUID.randomUUID();
        assertEquals(48, a.refill(k1.clone(), id1));
        assertEquals(48, b.refill(k1.clone(), id1));
        a.take(0, p); // Alice's last frames never reached Bob, who also missed the next refill
        a.take(0, p);
        assertEquals(32, a.refill(PadFixtures.psk(2, 7), UUID.randomUUID()));
        PadStore.Positions pa = a.positions(), pb = b.positions();
        PadStore.Positions agreedA = a.reconcile(pb), agreedB = b.reconcile(pa);
        assertEquals(agreedA, agreedB);
        assertEquals(5, a.next(0));
        assertEquals(5, b.next(0));
        for (long i = 5; i < 9; i++) { // index 5 from the bootstrap, 6..8 from the shared refill
            assertEquals(i, a.take(0, p));
            assertEquals(i, b.take(0, q));
            assertArrayEquals("pad " + i, p, q);
        }
        assertEquals(0, a.available(0));
        assertEquals(0, b.available(0));
        a.close();
        b.close();
    }

    @Test
    public void anEndThatLostItsFileSkipsPastEveryPadTheLinkUsedBeforeTaggingAnything() throws Exception {
        byte[] psk = PadFixtures.psk(300, 8);
        PadAuthenticator alice = PadFixtures.end(tmp, psk, true), bob = PadFixtures.end(tmp, psk, false);
        handshake(alice, bob);
        for (int i = 0; i < 20; i++) {
            bob.verify(new byte[] { (byte) i }, alice.tag(new byte[] { (byte) i }));
        }
        long usedByAlice = alice.store().taken(0)[1];
        alice.close();
        Files.delete(alice.store().file()); // Alice's state is lost: she bootstraps from the same key again
        alice = PadFixtures.end(tmp, psk, true);
        assertEquals(0, alice.store().next(0));
        handshake(alice, bob);
        assertTrue("first pad after the loss " + alice.store().taken(0)[0] + " vs " + usedByAlice,
                alice.store().taken(0)[0] > usedByAlice);
        bob.verify(new byte[] { 9 }, alice.tag(new byte[] { 9 }));
        alice.close();
        bob.close();
    }

    private void handshake(PadAuthenticator alice, PadAuthenticator bob) throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket as = new Socket(InetAddress.getLoopbackAddress(), ss.getLocalPort());
                Socket bs = ss.accept()) {
            FramedChannel a = new FramedChannel(as, alice, true), b = new FramedChannel(bs, bob, false);
            Future<?> f = pool.submit(() -> {
                bob.handshake(b, "link-1");
                return null;
            });
            alice.handshake(a, "link-1");
            f.get(30, TimeUnit.SECONDS);
        }
    }
}
