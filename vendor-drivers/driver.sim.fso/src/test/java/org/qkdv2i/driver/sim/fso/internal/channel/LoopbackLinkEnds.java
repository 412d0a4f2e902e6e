package org.qkdv2i.driver.sim.fso.internal.channel;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;

import org.qkdv2i.driver.sim.fso.internal.physics.ChannelModel;
import org.qkdv2i.driver.sim.fso.internal.sim.AliceSource;
import org.qkdv2i.driver.sim.fso.internal.sim.BobDetector;
import org.qkdv2i.driver.sim.fso.internal.sim.ChoiceBits;
import org.qkdv2i.driver.sim.fso.internal.sim.Eavesdropper;
import org.qkdv2i.driver.sim.fso.internal.sim.EveSettings;

/**
 * Alice's and Bob's round-protocol ends of one link in this JVM over loopback TCP (a quantum and a
 * classical socket, pad authenticators under {@code stores}), no eavesdropper, fixed physics seeds and
 * 0.1 for the QBER threshold and sample fraction, as the whole-link speed and determinism tests and
 * the city-link CPU profile run them. Bob runs on a thread of the link's own pool ({@link #startBob}),
 * Alice on the caller's ({@link #runAlice}); each end's protocol is closed after its rounds, its sockets
 * after that; {@link #close} closes the authenticators and listening sockets, then stops the pool.
 */
final class LoopbackLinkEnds implements AutoCloseable {

    private static final long BOB_DETECTOR_SEED = 2, BOB_SAMPLING_SEED = 3, ALICE_CHANNEL_SEED = 5;
    private static final double QBER_THRESHOLD = 0.1, SAMPLE_FRACTION = 0.1;
    private static final int QUANTUM_BUFFER = 1 << 16;

    /** Bob's rounds on his protocol thread. */
    interface BobRounds {
        void run(BobProtocol b) throws Exception;
    }

    /** Alice's rounds on the caller's thread. */
    interface AliceRounds {
        void run(AliceProtocol a) throws Exception;
    }

    private final PadAuthenticator aliceAuth, bobAuth;
    private final ServerSocket quantum, classical;
    private final ExecutorService bobPool;

    /** Bob on a default pool thread. */
    LoopbackLinkEnds(Path stores, byte[] psk) throws IOException {
        this(stores, psk, Executors.defaultThreadFactory());
    }

    /** Bob on a thread from {@code bobThreads} (its name is his detector thread's prefix). */
    LoopbackLinkEnds(Path stores, byte[] psk, ThreadFactory bobThreads) throws IOException {
        bobPool = Executors.newCachedThreadPool(bobThreads);
        aliceAuth = PadFixtures.end(stores, psk, true);
        try {
            bobAuth = PadFixtures.end(stores, psk, false);
            quantum = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            classical = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        } catch (IOException | RuntimeException e) {
            close(); // what was opened so far; the others are null
            throw e;
        }
    }

    /** Bob's end on a pool thread: accepts Alice, runs {@code rounds}, closes his protocol. */
    Future<Void> startBob(ChannelModel m, KeyDistiller distiller, BobRounds rounds) {
        return bobPool.submit(() -> {
            try (Socket q = quantum.accept(); Socket c = classical.accept();
                    FramedChannel ch = new FramedChannel(c, bobAuth, false)) {
                BobProtocol b = new BobProtocol(ch,
                        new DataInputStream(new BufferedInputStream(q.getInputStream(), QUANTUM_BUFFER)),
                        new BobDetector(m.parameters(), new SplittableRandom(BOB_DETECTOR_SEED)),
                        new SplittableRandom(BOB_SAMPLING_SEED), SAMPLE_FRACTION, distiller);
                rounds.run(b);
                b.close();
                return null;
            }
        });
    }

    /** Alice's end on this thread: connects to Bob, runs {@code rounds}, closes her protocol. */
    void runAlice(ChannelModel m, ChoiceBits choices, KeyDistiller distiller, AliceRounds rounds) throws Exception {
        try (Socket q = new Socket(InetAddress.getLoopbackAddress(), quantum.getLocalPort());
                Socket c = new Socket(InetAddress.getLoopbackAddress(), classical.getLocalPort());
                FramedChannel ch = new FramedChannel(c, aliceAuth, true)) {
            SplittableRandom rng = new SplittableRandom(ALICE_CHANNEL_SEED);
            AliceProtocol a = new AliceProtocol(ch,
                    new DataOutputStream(new BufferedOutputStream(q.getOutputStream(), QUANTUM_BUFFER)),
                    new AliceSource(m, EveSettings.NONE, rng.split(), choices, 0), new Eavesdropper(rng.split()),
                    rng.split(), QBER_THRESHOLD, distiller);
            rounds.run(a);
            a.close();
        }
    }

    @Override
    public void close() throws IOException {
        // null ones (a failed constructor) are skipped; closed in reverse, as the tests' own blocks did
        try (PadAuthenticator a = aliceAuth; PadAuthenticator b = bobAuth; ServerSocket q = quantum;
                ServerSocket c = classical) {
            // nothing else
        } finally {
            bobPool.shutdownNow();
        }
    }
}
