package org.qkdv2i.driver.sim.fso.internal.channel;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The post-quantum re-bootstrap between two pad authenticators over real sockets: exhausted pads
 * are replaced by a fresh bootstrap both ends agree on, a wrong or forged peer identity is
 * refused at both ends, and the first refill afterwards replaces the hash key (and is rolled back
 * with it when only one end made it).
 */
public class PqRebootstrapTest {

    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @After
    public void stop() {
        pool.shutdownNow();
    }

    private PqIdentity identity(boolean alice, byte[] psk) throws Exception {
        return PqIdentity.open(tmp.getRoot().toPath().resolve(alice ? "alice" : "bob"), "link-1", alice ? "A" : "B",
                alice, psk);
    }

    private static PqRebootstrap pq(PqIdentity own, PqIdentity peer, boolean alice, int pads) {
        return new PqRebootstrap(own, peer == null ? null : peer.publicKeyInfo(), alice ? "A" : "B", alice ? "B" : "A",
                pads, new SecureRandom(), () -> false);
    }

    /** Both ends' handshake outcome: true/false (re-bootstrapped or not) or the exception. */
    private Object[] handshake(PadAuthenticator alice, PadAuthenticator bob, PqRebootstrap pa, PqRebootstrap pb,
            UnaryOperator<byte[]> acceptTamper) throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ServerSocket relay = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket as = new Socket(InetAddress.getLoopbackAddress(), relay.getLocalPort());
                Socket ra = relay.accept();
                Socket rb = new Socket(InetAddress.getLoopbackAddress(), ss.getLocalPort());
                Socket bs = ss.accept()) {
            pool.submit(() -> pump(ra, rb, UnaryOperator.identity()));
            pool.submit(() -> pump(rb, ra, acceptTamper));
            FramedChannel a = new FramedChannel(as, alice, true), b = new FramedChannel(bs, bob, false);
            Future<Boolean> fb = pool.submit(() -> bob.handshake(b, "link-1", pb));
            Future<Boolean> fa = pool.submit(() -> alice.handshake(a, "link-1", pa));
            return new Object[] { outcome(fa), outcome(fb) };
        }
    }

    private static Object outcome(Future<Boolean> f) throws Exception {
        try {
            return f.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    /** Forwards classical frames, letting {@code tamper} change a PQ_ACCEPT's payload on the way. */
    private static Void pump(Socket from, Socket to, UnaryOperator<byte[]> tamper) {
        try {
            DataInputStream in = new DataInputStream(from.getInputStream());
            DataOutputStream out = new DataOutputStream(to.getOutputStream());
            while (true) {
                int code = in.readUnsignedByte();
                int len = in.readInt();
                MessageType type = MessageType.of(code);
                byte[] payload = new byte[len];
                in.readFully(payload);
                byte[] tag = new byte[type.untagged() ? 0 : 24];
                in.readFully(tag);
                if (type == MessageType.PQ_ACCEPT) {
                    payload = tamper.apply(payload);
                }
                out.writeByte(code);
                out.writeInt(payload.length);
                out.write(payload);
                out.write(tag);
                out.flush();
            }
        } catch (IOException closed) {
            try {
                from.close();
                to.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            return null;
        }
    }

    private static void assertTagsVerifyBothWays(PadAuthenticator alice, PadAuthenticator bob, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            byte[] m = { (byte) i, 1, 2 };
            bob.verify(m, alice.tag(m));
            alice.verify(m, bob.tag(m));
        }
    }

    @Test
    public void exhaustedPadsAreReplacedByAFreshBootstrapBothEndsAgreeOn() throws Exception {
        byte[] psk = PadFixtures.psk(3, 21); // fewer than a connection and a round need
        PqIdentity ia = identity(true, psk), ib = identity(false, psk);
        PadAuthenticator alice = PadFixtures.end(tmp, psk, true), bob = PadFixtures.end(tmp, psk, false);
        try {
            Object[] r = handshake(alice, bob, null, null, UnaryOperator.identity());
            assertTrue("without the fallback: " + r[0], r[0] instanceof PadStoreException
                    && ((PadStoreException) r[0]).getMessage().startsWith(PadStore.EXHAUSTED));

            r = handshake(alice, bob, pq(ia, ib, true, 64), pq(ib, ia, false, 64), UnaryOperator.identity());
            assertEquals(Boolean.TRUE, r[0]);
            assertEquals(Boolean.TRUE, r[1]);
            assertEquals(1, alice.store().generation());
            assertEquals(1, bob.store().generation());
            assertEquals("64 fresh pads, one spent on HELLO", 63, alice.store().available(0));
            assertEquals(63, bob.store().available(1));
            assertTagsVerifyBothWays(alice, bob, 3);

            // persisted: a restarted Alice (her reserved pads skipped) reconnects on the fresh bootstrap without another exchange
            alice.close();
            alice = PadFixtures.end(tmp, psk, true);
            assertEquals(1, alice.store().generation());
            r = handshake(alice, bob, pq(ia, ib, true, 64), pq(ib, ia, false, 64), UnaryOperator.identity());
            assertEquals(Boolean.FALSE, r[0]);
            assertEquals(Boolean.FALSE, r[1]);
            assertTagsVerifyBothWays(alice, bob, 1);
        } finally {
            alice.close();
            bob.close();
        }
    }

    @Test
    public void aWrongPeerPublicKeyIsRefusedAtBothEndsAndNothingIsStored() throws Exception {
        byte[] psk = PadFixtures.psk(3, 22);
        PqIdentity ia = identity(true, psk), ib = identity(false, psk);
        PqIdentity stranger = PqIdentity.open(tmp.getRoot().toPath().resolve("stranger"), "link-1", "B", false, psk);
        PadAuthenticator alice = PadFixtures.end(tmp, psk, true), bob = PadFixtures.end(tmp, psk, false);
        try {
            Object[] r = handshake(alice, bob, pq(ia, stranger, true, 8), pq(ib, ia, false, 8),
                    UnaryOperator.identity());
            assertRefused(r[0], "wrong peer public key");
            assertTrue(((Exception) r[0]).getMessage(), ((Exception) r[0]).getMessage().contains(stranger.fingerprint()));
            assertRefused(r[1], "refused by A");
            assertEquals(0, alice.store().generation());
            assertEquals(0, bob.store().generation());

            r = handshake(alice, bob, pq(ia, ib, true, 8), pq(ib, null, false, 8), UnaryOperator.identity());
            assertRefused(r[1], "no pqPeerPublicKey configured at B");
            assertRefused(r[0], "refused by B");
        } finally {
            alice.close();
            bob.close();
        }
    }

    @Test
    public void aCiphertextChangedOnTheWayFailsBobsSignature() throws Exception {
        byte[] psk = PadFixtures.psk(3, 23);
        PqIdentity ia = identity(true, psk), ib = identity(false, psk);
        PadAuthenticator alice = PadFixtures.end(tmp, psk, true), bob = PadFixtures.end(tmp, psk, false);
        try {
            Object[] r = handshake(alice, bob, pq(ia, ib, true, 8), pq(ib, ia, false, 8), p -> {
                p[100] ^= 1; // inside the ML-KEM ciphertext
                return p;
            });
            assertRefused(r[0], "signature of B does not verify");
            assertRefused(r[1], "refused by A");
            assertEquals(0, alice.store().generation());
            assertEquals(0, bob.store().generation());
        } finally {
            alice.close();
            bob.close();
        }
    }

    private static void assertRefused(Object outcome, String cause) {
        if (!(outcome instanceof PadStoreException e)) {
            fail("expected a refusal naming '" + cause + "', got " + outcome);
            return;
        }
        assertTrue(e.getMessage(), e.terminal());
        assertTrue(e.getMessage(), e.getMessage().startsWith(PqRebootstrap.REFUSED));
        assertTrue(e.getMessage(), e.getMessage().contains(cause));
    }

    @Test
    public void theFirstRefillReplacesTheHashKeyAndIsRolledBackWithItWhenOnlyOneEndMadeIt() throws Exception {
        byte[] psk = PadFixtures.psk(3, 24);
        PqIdentity ia = identity(true, psk), ib = identity(false, psk);
        PadAuthenticator alice = PadFixtures.end(tmp, psk, true), bob = PadFixtures.end(tmp, psk, false);
        try {
            handshake(alice, bob, pq(ia, ib, true, 8), pq(ib, ia, false, 8), UnaryOperator.identity());
            assertTrue(alice.store().pqKeyed());
            byte[] block = PadFixtures.psk(4, 25);
            UUID id = UUID.randomUUID();
            // only Bob refills (and replaces his hash key): the next connection must undo it
            bob.store().refill(block.clone(), id);
            assertFalse(bob.store().pqKeyed());
            Object[] r = handshake(alice, bob, pq(ia, ib, true, 8), pq(ib, ia, false, 8), UnaryOperator.identity());
            assertEquals("no new exchange needed", Boolean.FALSE, r[0]);
            assertTrue("Bob's hash key replacement rolled back", bob.store().pqKeyed());
            assertTagsVerifyBothWays(alice, bob, 2);

            // both refill from the same block: new hash key for the refilled pads, the old one for the rest
            int a = alice.store().refill(block.clone(), id), b = bob.store().refill(block.clone(), id);
            assertEquals(a, b);
            assertFalse(alice.store().pqKeyed());
            assertFalse(bob.store().pqKeyed());
            long switchAt = alice.store().next(0) + alice.store().available(0) - (a - 16) / 32;
            assertNotEquals(alice.store().epochFor(0, alice.store().next(0)), alice.store().epochFor(0, 1_000_000));
            assertTagsVerifyBothWays(alice, bob, 8); // runs across the switch in both directions
            assertTrue("tags ran past the switch", alice.store().next(0) > switchAt);
            alice.close();
            alice = PadFixtures.end(tmp, psk, true); // both keys and the switch survive a restart
            handshake(alice, bob, pq(ia, ib, true, 8), pq(ib, ia, false, 8), UnaryOperator.identity());
            assertTagsVerifyBothWays(alice, bob, 2);
        } finally {
            alice.close();
            bob.close();
        }
    }

    @Test
    public void theIdentityIsStoredEncryptedAndReloadedAndATamperedFileIsRefused() throws Exception {
        byte[] psk = PadFixtures.psk(3, 26);
        PqIdentity first = identity(true, psk);
        Path file = first.file();
        byte[] bytes = Files.readAllBytes(file);
        assertEquals("same key after a restart", first.publicKeyBase64(), identity(true, psk).publicKeyBase64());
        assertArrayEquals(PqIdentity.parsePublicKey(first.publicKeyBase64()), first.publicKeyInfo());
        assertEquals(bytes.length, 8 + 16 + 12 + 32 + 16); // header, nonce, the sealed 32-byte seed, tag
        bytes[40] ^= 1;
        Files.write(file, bytes);
        try {
            identity(true, psk);
            fail("tampered identity accepted");
        } catch (PadStoreException e) {
            assertTrue(e.getMessage(), e.terminal() && e.getMessage().contains("tampered"));
        }
        try {
            PqIdentity.parsePublicKey(Base64.getEncoder().encodeToString(new byte[40]));
            fail("garbage accepted as a public key");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("pqPeerPublicKey"));
        }
    }

    /** A pad store written before the fallback existed (format 1) is read, and rewritten as format 2. */
    @Test
    public void aFormat1PadStoreFileIsStillRead() throws Exception {
        byte[] psk = PadFixtures.psk(10, 27);
        byte[] salt = "link-1\0A\0ALICE".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] fileKey = PadStore.hkdf(psk, salt, PadStore.LABEL_FILE_KEY, 32);
        byte[] fileId = PadStore.hkdf(psk, salt, PadStore.LABEL_FILE_ID, 16);
        java.nio.ByteBuffer body = java.nio.ByteBuffer.allocate(4 + 8 + 4 + 2 * 24 + 2 * 7 * 16);
        body.putInt(1).putLong(0).putInt(0);
        for (int d = 0; d < 2; d++) { // target 10, pads 3..9 unused
            body.putLong(10).putLong(3).putLong(10);
            body.put(psk, 16 + d * 160 + 3 * 16, 7 * 16);
        }
        byte[] header = new byte[24];
        System.arraycopy("QKDPADS1".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, header, 0, 8);
        System.arraycopy(fileId, 0, header, 8, 16);
        byte[] nonce = new byte[12];
        org.bouncycastle.crypto.modes.GCMModeCipher gcm = org.bouncycastle.crypto.modes.GCMBlockCipher
                .newInstance(org.bouncycastle.crypto.engines.AESEngine.newInstance());
        gcm.init(true, new org.bouncycastle.crypto.params.AEADParameters(
                new org.bouncycastle.crypto.params.KeyParameter(fileKey), 128, nonce, header));
        byte[] plain = body.array();
        byte[] ct = new byte[gcm.getOutputSize(plain.length)];
        gcm.doFinal(ct, gcm.processBytes(plain, 0, plain.length, ct, 0));
        Path dir = tmp.newFolder("v1").toPath();
        Path file = dir.resolve("pads-" + java.util.HexFormat.of().formatHex(fileId, 0, 8) + ".bin");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(header);
        out.write(nonce);
        out.write(ct);
        Files.write(file, out.toByteArray());

        try (PadStore s = PadStore.open(dir, "link-1", "A", true, psk)) {
            assertEquals(file, s.file());
            assertEquals(0, s.generation());
            assertEquals(3, s.next(0));
            PadStore.HashKeys k = s.hashKeys();
            assertArrayEquals("hash key from the authKeyHex", java.util.Arrays.copyOf(psk, 16), k.current());
            byte[] pad = new byte[16];
            assertEquals(3, s.take(1, pad));
            assertArrayEquals(java.util.Arrays.copyOfRange(psk, 16 + 160 + 48, 16 + 160 + 64), pad);
        }
        try (PadStore s = PadStore.open(dir, "link-1", "A", true, psk)) { // rewritten as format 2 by the take
            assertTrue(s.next(1) > 3);
            assertEquals(0, s.generation());
        }
    }
}
