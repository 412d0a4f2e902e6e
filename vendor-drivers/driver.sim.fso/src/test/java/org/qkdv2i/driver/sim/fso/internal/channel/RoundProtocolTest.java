package org.qkdv2i.driver.sim.fso.internal.channel;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.qkdv2i.driver.sim.fso.internal.channel.RoundResult.Outcome;
import org.qkdv2i.driver.sim.fso.internal.physics.ChannelModel;
import org.qkdv2i.driver.sim.fso.internal.physics.LinkParameters;
import org.qkdv2i.driver.sim.fso.internal.physics.Weather;
import org.qkdv2i.driver.sim.fso.internal.sim.AliceSource;
import org.qkdv2i.driver.sim.fso.internal.sim.BobDetector;
import org.qkdv2i.driver.sim.fso.internal.sim.Eavesdropper;
import org.qkdv2i.driver.sim.fso.internal.sim.EveSettings;

/** Alice and Bob over real TCP sockets: one quantum stream, one Wegman–Carter authenticated classical channel. */
public class RoundProtocolTest {

    private final ExecutorService pool = Executors.newCachedThreadPool();
    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();
    /** The two ends' authenticators of the last {@link #link} call (pad stores in {@link #tmp}). */
    private PadAuthenticator aliceAuth, bobAuth;

    @After
    public void stop() {
        pool.shutdownNow();
        closeAuth();
    }

    /** Closes the last link's authenticators (their positions stay readable for the assertions). */
    private void closeAuth() {
        if (aliceAuth != null) {
            aliceAuth.close();
            bobAuth.close();
        }
    }

    private static byte[] psk() {
        return PadFixtures.psk(4096, 42);
    }

    /** Runs {@code rounds} rounds; returns Alice's and Bob's results of the last one. */
    private RoundResult[] link(ChannelModel m, EveSettings eve, int rounds, long pulses) throws Exception {
        return link(m, eve, rounds, pulses, new LibraryDistiller(new SecureRandom()), new LibraryDistiller(new SecureRandom()));
    }

    private RoundResult[] link(ChannelModel m, EveSettings eve, int rounds, long pulses, KeyDistiller aliceDistiller,
            KeyDistiller bobDistiller) throws Exception {
        return link(m, eve, rounds, pulses, aliceDistiller, bobDistiller, AliceProtocol.Layout.SAMPLED_SIGNAL);
    }

    private RoundResult[] link(ChannelModel m, EveSettings eve, int rounds, long pulses, KeyDistiller aliceDistiller,
            KeyDistiller bobDistiller, AliceProtocol.Layout layout) throws Exception {
        closeAuth();
        java.nio.file.Path stores = tmp.newFolder().toPath(); // a fresh link: fresh pad stores
        aliceAuth = PadFixtures.end(stores, psk(), true);
        bobAuth = PadFixtures.end(stores, psk(), false);
        try (ServerSocket qs = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ServerSocket cs = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Future<RoundResult> bob = pool.submit(() -> {
                try (Socket q = qs.accept(); Socket c = cs.accept();
                        FramedChannel ch = new FramedChannel(c, bobAuth, false)) {
                    BobProtocol b = new BobProtocol(ch, new DataInputStream(new BufferedInputStream(q.getInputStream(), 1 << 16)),
                            new BobDetector(m.parameters(), new SplittableRandom(2)), new SplittableRandom(3), 0.1,
                            bobDistiller);
                    RoundResult r = null;
                    for (int i = 0; i < rounds; i++) {
                        r = b.round(m.parameters().sourceRateHz());
                    }
                    return r;
                }
            });
            try (Socket q = new Socket(InetAddress.getLoopbackAddress(), qs.getLocalPort());
                    Socket c = new Socket(InetAddress.getLoopbackAddress(), cs.getLocalPort());
                    FramedChannel ch = new FramedChannel(c, aliceAuth, true)) {
                SplittableRandom rng = new SplittableRandom(5);
                AliceProtocol a = new AliceProtocol(ch, new DataOutputStream(new BufferedOutputStream(q.getOutputStream(), 1 << 16)),
                        new AliceSource(m, eve, rng.split(), 0), new Eavesdropper(rng.split()), rng.split(), 0.1,
                        aliceDistiller, layout);
                RoundResult r = null;
                for (int i = 0; i < rounds; i++) {
                    r = a.round(i, pulses);
                }
                return new RoundResult[] { r, bob.get(60, TimeUnit.SECONDS) };
            }
        }
    }

    @Test
    public void honestLinkDistilsIdenticalKeysUnderOneBlockId() throws Exception {
        ChannelModel m = new ChannelModel(LinkParameters.defaults(), Weather.CLEAR, false);
        long t0 = System.nanoTime();
        RoundResult[] r = link(m, EveSettings.NONE, 3, 1_000_000_000L);
        double wall = (System.nanoTime() - t0) / 1e9;
        System.out.printf("TCP link with Cascade/verify/PA: 3 simulated s in %.2f s wall (%.1f sim s per wall s); "
                + "QBER %.4f, %d sifted, %d key bits per round%n", wall, 3 / wall, r[0].qber(), r[0].sifted(),
                r[0].key() == null ? 0 : r[0].key().length * 8);
        assertEquals(r[0].reason(), Outcome.KEY, r[0].outcome());
        assertEquals(Outcome.KEY, r[1].outcome());
        assertNotNull(r[0].blockId());
        assertEquals(r[0].blockId(), r[1].blockId());
        assertArrayEquals(r[0].key(), r[1].key());
        assertTrue(r[0].key().length > 1000);
        // per key round: transcript tag, VERIFY, AMPLIFY from Alice; transcript tag, CONFIRM from Bob
        assertEquals(3 * 3, aliceAuth.store().next(0));
        assertEquals(3 * 2, aliceAuth.store().next(1));
        assertEquals(aliceAuth.store().next(0), bobAuth.store().next(0));
        assertEquals(aliceAuth.store().next(1), bobAuth.store().next(1));
        assertEquals(m.qber(0), r[0].qber(), 0.004);
        Arrays.fill(r[0].key(), (byte) 0);
    }

    /**
     * Speed of the quantum layer alone over TCP (source, channel, detector, sifting, decoy
     * estimation; no reconciliation or amplification): issue 3 asks ≥ 10 simulated s per wall s
     * for the whole link at 300 m, clear night, 1 GHz. Printed for the record (README); not
     * asserted, because the build machine is shared and its load swings the figure tenfold.
     */
    /**
     * Both ends take plans and Toeplitz hashes from one shared cache and pool (as from
     * qkd.postprocessing's services in a framework): the keys still match, the ends share one plan
     * and the NTT tables of the privacy amplification.
     */
    @Test
    public void endsSharingOnePlanCacheAndToeplitzPoolDistilIdenticalKeys() throws Exception {
        org.qkdv2i.qkd.postprocessing.cascade.CascadePlanCache plans =
                new org.qkdv2i.qkd.postprocessing.cascade.CascadePlanCache(8, 64L << 20);
        org.qkdv2i.qkd.postprocessing.hash.ToeplitzPool toeplitz = new org.qkdv2i.qkd.postprocessing.hash.ToeplitzPool(64L << 20);
        ChannelModel m = new ChannelModel(LinkParameters.defaults(), Weather.CLEAR, false);
        RoundResult[] r = link(m, EveSettings.NONE, 3, 1_000_000_000L,
                new LibraryDistiller(new SecureRandom(), () -> plans, () -> toeplitz),
                new LibraryDistiller(new SecureRandom(), () -> plans, () -> toeplitz));
        assertEquals(r[0].reason(), Outcome.KEY, r[0].outcome());
        assertEquals(Outcome.KEY, r[1].outcome());
        assertArrayEquals(r[0].key(), r[1].key());
        assertTrue("one plan per padded length, shared by both ends: " + plans.size(), plans.size() <= 3);
        assertTrue("a plan is built once per length (a race may build two): " + plans.builds(), plans.builds() <= 2L * plans.size());
        assertTrue("one set of NTT tables per transform length, shared by both ends: " + toeplitz.tableCount(),
                toeplitz.tableCount() >= 1 && toeplitz.tableCount() <= 3);
        assertTrue("tables built once per length (a race may build two): " + toeplitz.builds(), toeplitz.builds() <= 2L * toeplitz.tableCount());
    }

    @Test
    public void quantumLayerOverTcpSpeedIsMeasured() throws Exception {
        ChannelModel m = new ChannelModel(LinkParameters.defaults(), Weather.CLEAR, false);
        link(m, EveSettings.NONE, 1, 1_000_000_000L, KeyDistiller.PENDING, KeyDistiller.PENDING); // warm-up
        long t0 = System.nanoTime();
        RoundResult[] r = link(m, EveSettings.NONE, 5, 1_000_000_000L, KeyDistiller.PENDING, KeyDistiller.PENDING);
        double wall = (System.nanoTime() - t0) / 1e9;
        System.out.printf("TCP quantum layer without distillation: 5 simulated s in %.2f s wall (%.1f sim s per wall s)%n",
                wall, 5 / wall);
        assertEquals(Outcome.NO_DISTILLER, r[0].outcome());
        assertEquals(Outcome.NO_DISTILLER, r[1].outcome());
    }

    @Test
    public void interceptResendIsCaughtByTheQberThreshold() throws Exception {
        ChannelModel m = new ChannelModel(LinkParameters.defaults(), Weather.CLEAR, false);
        RoundResult[] r = link(m, new EveSettings(1.0, false, 0, 0), 1, 500_000_000L);
        assertEquals(Outcome.ABORTED_EAVESDROPPING, r[0].outcome());
        assertEquals(Outcome.ABORTED_EAVESDROPPING, r[1].outcome());
        // an aborted round's frames were never authenticated one by one: no pad spent, nothing to starve
        assertEquals(0, aliceAuth.store().next(0) + aliceAuth.store().next(1));
        assertEquals(0, bobAuth.store().next(0) + bobAuth.store().next(1));
        assertTrue(r[1].reason(), r[1].reason().contains("QBER"));
        assertNull(r[0].key());
        assertNull(r[1].key());
    }

    @Test
    public void photonNumberSplittingIsCaughtByTheDecoyBounds() throws Exception {
        ChannelModel m = new ChannelModel(LinkParameters.defaults(), Weather.CLEAR, false);
        RoundResult[] r = link(m, new EveSettings(0, true, 0, 0), 1, 1_000_000_000L);
        assertEquals(r[0].reason(), Outcome.ABORTED_EAVESDROPPING, r[0].outcome());
        assertTrue(r[0].reason(), r[0].reason().contains("decoy"));
        assertTrue("QBER stays low under PNS: " + r[0].qber(), r[0].qber() < 0.03);
        assertNull(r[1].key());
    }

    @Test
    public void floodingIsAbortedAndBlockingDropsTheLink() throws Exception {
        ChannelModel m = new ChannelModel(LinkParameters.defaults(), Weather.CLEAR, false);
        RoundResult[] flood = link(m, new EveSettings(0, false, 5e6, 0), 1, 300_000_000L);
        assertEquals(flood[0].reason(), Outcome.ABORTED_EAVESDROPPING, flood[0].outcome());
        assertEquals(Outcome.ABORTED_EAVESDROPPING, flood[1].outcome());
        RoundResult[] blocked = link(m, new EveSettings(0, false, 0, 1), 1, 300_000_000L);
        assertEquals(blocked[0].reason(), Outcome.NO_SIGNAL, blocked[0].outcome());
        assertNull(blocked[1].key());
    }

    @Test
    public void aRoundTooShortForTheMarginsIsNotCalledEavesdropping() throws Exception {
        ChannelModel m = new ChannelModel(LinkParameters.defaults(), Weather.CLEAR, false);
        RoundResult[] r = link(m, EveSettings.NONE, 1, 20_000_000L);
        assertEquals(r[0].reason(), Outcome.TOO_FEW_COUNTS, r[0].outcome());
        assertEquals(Outcome.TOO_FEW_COUNTS, r[1].outcome());
        assertTrue(r[1].reason(), r[1].reason().contains("roundSeconds"));
        assertNull(r[1].key());
    }

    private RoundResult[] finiteKeyLink(EveSettings eve, long pulses) throws Exception {
        ChannelModel m = new ChannelModel(LinkParameters.defaults(), Weather.CLEAR, false);
        return link(m, eve, 1, pulses, new LibraryDistiller(new SecureRandom()), new LibraryDistiller(new SecureRandom()),
                AliceProtocol.Layout.FINITE_KEY);
    }

    /**
     * Lim et al. 2014 layout (key from the Z basis of all intensities, X disclosed): a 10 s round at
     * 300 m gives identical keys at both ends, no longer than the finite-key estimate (the actual
     * Cascade leakage is close to f·h(Q)), far below PLOB.
     */
    @Test
    public void finiteKeyLayoutDistilsIdenticalKeysWithinTheLimBound() throws Exception {
        long pulses = 10_000_000_000L;
        RoundResult[] r = finiteKeyLink(EveSettings.NONE, pulses);
        assertEquals(r[0].reason(), Outcome.KEY, r[0].outcome());
        assertEquals(Outcome.KEY, r[1].outcome());
        assertEquals(r[0].blockId(), r[1].blockId());
        assertArrayEquals(r[0].key(), r[1].key());
        long bits = 8L * r[0].key().length;
        System.out.printf("finite-key layout, 10 s at 300 m: %d secret bits (estimate %d), QBER %.4f%n", bits,
                r[0].secretBitsEstimate(), r[0].qber());
        assertTrue(bits + " vs estimate " + r[0].secretBitsEstimate(),
                bits > 0.8 * r[0].secretBitsEstimate() && bits < 1.1 * r[0].secretBitsEstimate());
        ChannelModel m = new ChannelModel(LinkParameters.defaults(), Weather.CLEAR, false);
        assertTrue(bits < m.plobPerPulse() * pulses);
        Arrays.fill(r[0].key(), (byte) 0);
        Arrays.fill(r[1].key(), (byte) 0);
    }

    @Test
    public void finiteKeyLayoutCallsAShortRoundTooShortAndInterceptResendEavesdropping() throws Exception {
        RoundResult[] shortRound = finiteKeyLink(EveSettings.NONE, 1_000_000_000L);
        assertEquals(shortRound[0].reason(), Outcome.TOO_FEW_COUNTS, shortRound[0].outcome());
        assertEquals(Outcome.TOO_FEW_COUNTS, shortRound[1].outcome());
        assertTrue(shortRound[1].reason(), shortRound[1].reason().contains("Lim"));
        RoundResult[] eve = finiteKeyLink(new EveSettings(1.0, false, 0, 0), 500_000_000L);
        assertEquals(eve[0].reason(), Outcome.ABORTED_EAVESDROPPING, eve[0].outcome());
        assertTrue(eve[1].reason(), eve[1].reason().contains("QBER"));
        assertEquals("QBER from the disclosed X basis", 0.25, eve[0].qber(), 0.03);
    }

    @Test
    public void statisticalBoundsWidenWithFewCounts() {
        assertEquals(0.011, AliceProtocol.upper(0.01, 10_000, 1_000_000), 1e-12);
        assertEquals(0.009, AliceProtocol.lower(0.01, 10_000), 1e-12);
        assertEquals(0, AliceProtocol.lower(0.01, 50), 0);
        assertEquals(1e-4, AliceProtocol.upper(0, 0, 1_000_000), 1e-15);
    }

    @Test
    public void denseFogDropsTheLink() throws Exception {
        ChannelModel m = new ChannelModel(LinkParameters.defaults(), Weather.DENSE_FOG, false);
        RoundResult[] r = link(m, EveSettings.NONE, 1, 200_000_000L);
        assertEquals(Outcome.NO_SIGNAL, r[0].outcome());
        assertEquals(Outcome.NO_SIGNAL, r[1].outcome());
    }
}
