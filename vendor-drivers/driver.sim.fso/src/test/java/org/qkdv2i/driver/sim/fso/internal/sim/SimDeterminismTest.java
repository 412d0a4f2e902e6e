package org.qkdv2i.driver.sim.fso.internal.sim;

import static org.junit.Assert.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;

import org.junit.Test;
import org.qkdv2i.driver.sim.fso.internal.physics.ChannelModel;
import org.qkdv2i.driver.sim.fso.internal.physics.LinkParameters;
import org.qkdv2i.driver.sim.fso.internal.physics.Weather;

/**
 * Pins the channel emulation's output for fixed seeds, bit for bit: what Alice's source emits (the
 * qubit frames on the wire), what Eve changes, what Bob's detector records, what Alice's ledger
 * resolves for Bob's clicks (class, basis, bit, photon number, noise clicks included), the sent
 * counts and the fading samples. Speed work must leave every one of them unchanged (issue 8,
 * session 9: "no change in key rates/QBER for the same settings"). The digests were taken from the
 * code before that work (commit 153de81); a change in the physics changes them on purpose, and
 * then this test's digests with it, in the same commit that says why.
 */
public class SimDeterminismTest {

    /** The city's optics (issue 8): the defaults at {@code distanceM}, 10^8 pulses/s. */
    private static LinkParameters city(double distanceM) {
        LinkParameters d = LinkParameters.defaults();
        return d.withDistance(distanceM).withSource(1e8, d.mu(), d.nu(), d.omega(), d.pMu(), d.pNu(), d.pOmega());
    }

    /**
     * Runs {@code rounds} rounds of {@code batches} batches each through source, Eve and detector,
     * with the settings of round r from {@code models[r]} and {@code eves[r]}, and digests everything.
     */
    private static String digest(long seed, int batches, ChannelModel[] models, EveSettings[] eves) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        SplittableRandom root = new SplittableRandom(seed);
        SplittableRandom aliceRng = root.split();
        AliceSource alice = new AliceSource(models[0], eves[0], aliceRng, ChoiceBits.seeded(root.nextLong()), 0);
        Eavesdropper eve = new Eavesdropper(root.split());
        BobDetector bob = new BobDetector(models[0].parameters(), root.split());
        byte[] scratch = null;
        QubitBatch.Decoder decoder = new QubitBatch.Decoder();
        for (int r = 0; r < models.length; r++) {
            alice.setModel(models[r]);
            alice.setEve(eves[r]);
            bob.setParameters(models[r].parameters());
            AliceLedger ledger = new AliceLedger(models[r].parameters().aliceZ(), aliceRng.split());
            int n = (int) models[r].parameters().pulsesPerCoherenceTime();
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(wire);
            long[] clicks = new long[1024];
            byte[] basis = new byte[1024], bit = new byte[1024];
            int k = 0;
            for (int b = 0; b < batches; b++) {
                QubitBatch q = alice.emit(n, ledger);
                eve.attack(q, alice.eve());
                // as over the protocol's quantum channel: encoded into a kept buffer, decoded by a kept decoder
                ByteArrayOutputStream frame = new ByteArrayOutputStream();
                scratch = q.writeTo(new DataOutputStream(frame), scratch);
                byte[] bytes = frame.toByteArray();
                out.write(bytes);
                out.writeLong(Double.doubleToLongBits(alice.lastFading()));
                BobDetections d = bob.measure(decoder.read(new DataInputStream(new ByteArrayInputStream(bytes))));
                decoder.wipe();
                if (k + d.size() > clicks.length) {
                    int c = Math.max(2 * clicks.length, k + d.size());
                    clicks = java.util.Arrays.copyOf(clicks, c);
                    basis = java.util.Arrays.copyOf(basis, c);
                    bit = java.util.Arrays.copyOf(bit, c);
                }
                d.copyTo(clicks, basis, bit, k);
                k += d.size();
            }
            out.flush();
            md.update(wire.toByteArray());
            byte[] cls = new byte[k], aBasis = new byte[k], aBit = new byte[k], photons = new byte[k];
            ledger.resolve(clicks, k, cls, aBasis, aBit, photons);
            ByteArrayOutputStream side = new ByteArrayOutputStream();
            DataOutputStream s = new DataOutputStream(side);
            for (int i = 0; i < k; i++) {
                s.writeLong(clicks[i]);
                s.writeByte(basis[i] | bit[i] << 1 | cls[i] << 2 | aBasis[i] << 4 | aBit[i] << 5);
                s.writeByte(photons[i]);
            }
            for (int c = 0; c < 3; c++) {
                s.writeLong(ledger.sent(c));
            }
            s.writeLong(bob.deadTimeLosses());
            s.writeLong(eve.intercepted());
            s.writeLong(alice.nextPulse());
            s.flush();
            md.update(side.toByteArray());
            ledger.wipe();
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * Three city-optics rounds (263 m, 10^8 pulses/s, 1 ms batches): clear night; then Eve
     * intercept-resending half the pulses; then dense fog with daylight, photon-number splitting and
     * flooding (noise clicks, the ledger's lazy draws).
     */
    @Test
    public void cityOpticsRoundsAreBitForBitTheSameForAFixedSeed() throws Exception {
        ChannelModel clear = new ChannelModel(city(263), Weather.CLEAR, false);
        ChannelModel haze = new ChannelModel(city(283), Weather.HAZE, true);
        String d = digest(11, 300, new ChannelModel[] { clear, clear, haze },
                new EveSettings[] { EveSettings.NONE, new EveSettings(0.5, false, 0, 0),
                        new EveSettings(0, true, 2e4, 0.1) });
        System.out.println("city optics digest " + d);
        assertEquals(CITY_DIGEST, d);
    }

    /** The 300 m, 1 GHz defaults (large batches, 10^6 pulses): two rounds, weather changed in between. */
    @Test
    public void gigahertzRoundsAreBitForBitTheSameForAFixedSeed() throws Exception {
        ChannelModel clear = new ChannelModel(LinkParameters.defaults(), Weather.CLEAR, false);
        ChannelModel day = new ChannelModel(LinkParameters.defaults(), Weather.CLEAR, true);
        String d = digest(12, 40, new ChannelModel[] { clear, day },
                new EveSettings[] { EveSettings.NONE, EveSettings.NONE });
        System.out.println("1 GHz digest " + d);
        assertEquals(GHZ_DIGEST, d);
    }

    static final String CITY_DIGEST = "4e81343c9179c69c1c0d0f35b9d4954a3a683a97a1b56ea972ae6771e63894ce";
    static final String GHZ_DIGEST = "2d5fe25e0016190f7b43b4b4b8137f3d74586853fbcc9701739fce12c3c7fc87";
}
