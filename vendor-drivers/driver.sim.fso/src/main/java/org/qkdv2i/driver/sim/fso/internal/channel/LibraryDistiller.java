package org.qkdv2i.driver.sim.fso.internal.channel;

import java.io.DataInputStream;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.UUID;

import org.qkdv2i.qkd.postprocessing.Bits;
import org.qkdv2i.qkd.postprocessing.cascade.CascadeAlice;
import org.qkdv2i.qkd.postprocessing.cascade.CascadeBob;
import org.qkdv2i.qkd.postprocessing.cascade.CascadePlan;
import org.qkdv2i.qkd.postprocessing.cascade.CascadeResult;
import org.qkdv2i.qkd.postprocessing.cascade.CascadeVariant;
import org.qkdv2i.qkd.postprocessing.cascade.ParityRequest;
import org.qkdv2i.qkd.postprocessing.cascade.ParityResponse;
import org.qkdv2i.qkd.postprocessing.hash.PolynomialHash;
import org.qkdv2i.qkd.postprocessing.hash.ToeplitzHash;

/**
 * Reconciliation (optimised Cascade, Bob asks, Alice answers), verification (polynomial hash,
 * ε_cor = 1e-15) and privacy amplification (Toeplitz, NTT) from bundles/qkd.postprocessing.
 *
 * <p>Output length ℓ = privacyBits − disclosed parities − verification tag − 2·log2(1/ε_PA),
 * rounded down to whole bytes: the asymptotic decoy entropy bound minus the actual leakage
 * (the finite-size corrections of Lim et al. 2014 are not applied yet).
 */
public final class LibraryDistiller implements KeyDistiller {

    static final double EPS_COR = 1e-15;
    static final double EPS_PA = 1e-10;

    private final SecureRandom random;

    public LibraryDistiller(SecureRandom random) {
        this.random = random;
    }

    @Override
    public boolean available() {
        return true;
    }

    private static CascadePlan plan(int n, double qber, UUID blockId) {
        // both ends build the same public plan from announced values
        return CascadePlan.create(CascadeVariant.OPTIMISED, n, Math.max(qber, 0.001), blockId.getLeastSignificantBits());
    }

    static int outputBits(long privacyBits, long disclosed, int tagBits) {
        long m = privacyBits - disclosed - tagBits - (long) Math.ceil(2 * Math.log(1 / EPS_PA) / Math.log(2));
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE - 7, m) / 8 * 8);
    }

    /** Packs the first n raw bits; the temporary copy is zeroised. */
    private static long[] pack(byte[] raw, int n) {
        byte[] copy = Arrays.copyOf(raw, n);
        try {
            return Bits.pack(copy);
        } finally {
            Arrays.fill(copy, (byte) 0);
        }
    }

    @Override
    public byte[] alice(FramedChannel ch, byte[] raw, int n, double qber, long privacyBits, UUID blockId)
            throws IOException {
        long[] key = pack(raw, n);
        CascadeAlice cascade = new CascadeAlice(plan(n, qber, blockId), key);
        try {
            while (true) {
                byte[] req = ch.receive(MessageType.RECONCILE);
                if (req.length == 0) {
                    break;
                }
                ch.send(MessageType.RECONCILE, cascade.answer(ParityRequest.decode(req)).encode());
            }
            ch.authenticateTranscript();
            long disclosed = cascade.disclosedParities();
            int tagBits = PolynomialHash.tagBits(n, EPS_COR);
            byte[] point = PolynomialHash.randomPoint(random);
            byte[] tag = PolynomialHash.tag(key, n, point, tagBits);
            try (Wire.Buffer b = new Wire.Buffer()) {
                b.write(point);
                b.writeInt(tag.length);
                b.write(tag);
                ch.send(MessageType.VERIFY, b.bytes());
            }
            int m = outputBits(privacyBits, disclosed, tagBits);
            long[] seed = m > 0 ? Bits.random(ToeplitzHash.seedBits(n, m), random) : new long[0];
            try (Wire.Buffer b = new Wire.Buffer()) {
                b.writeInt(m);
                b.writeInt(seed.length);
                for (long w : seed) {
                    b.writeLong(w);
                }
                ch.send(MessageType.AMPLIFY, b.bytes());
            }
            if (m == 0) {
                return null;
            }
            long[] out = ToeplitzHash.hash(key, n, seed, m);
            byte[] bytes = Bits.toBytes(out, m);
            Bits.wipe(out);
            return bytes;
        } finally {
            cascade.wipe();
            Bits.wipe(key);
        }
    }

    @Override
    public byte[] bob(FramedChannel ch, byte[] raw, int n, double qber, long privacyBits, UUID blockId)
            throws IOException {
        long[] key = pack(raw, n);
        CascadeBob cascade = new CascadeBob(plan(n, qber, blockId), key);
        Bits.wipe(key);
        CascadeResult result = null;
        try {
            for (ParityRequest r; (r = cascade.nextRequest()) != null;) {
                ch.send(MessageType.RECONCILE, r.encode());
                cascade.accept(ParityResponse.decode(ch.receive(MessageType.RECONCILE)));
            }
            ch.send(MessageType.RECONCILE, new byte[0]);
            ch.authenticateTranscript();
            result = cascade.result();
            int tagBits = PolynomialHash.tagBits(n, EPS_COR);
            DataInputStream in = Wire.reader(ch.receive(MessageType.VERIFY));
            byte[] point = new byte[16];
            in.readFully(point);
            byte[] tag = new byte[Wire.checkedCount(in.readInt(), 64)];
            in.readFully(tag);
            boolean ok = PolynomialHash.matches(tag, PolynomialHash.tag(result.key(), n, point, tagBits));
            in = Wire.reader(ch.receive(MessageType.AMPLIFY));
            int m = in.readInt();
            int words = Wire.checkedCount(in.readInt(), FramedChannel.MAX_PAYLOAD / 8);
            long[] seed = new long[words];
            for (int i = 0; i < words; i++) {
                seed[i] = in.readLong();
            }
            if (!ok || m <= 0 || m != outputBits(privacyBits, result.disclosedParities(), tagBits)) {
                return null; // Bob's CONFIRM(false) makes Alice discard too
            }
            long[] out = ToeplitzHash.hash(result.key(), n, seed, m);
            byte[] bytes = Bits.toBytes(out, m);
            Bits.wipe(out);
            return bytes;
        } finally {
            if (result != null) {
                Bits.wipe(result.key());
            }
        }
    }
}
