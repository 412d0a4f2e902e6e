package org.qkdv2i.driver.sim.fso.internal.channel;

import java.io.DataInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.UUID;

import org.qkdv2i.driver.sim.fso.internal.channel.RoundResult.Outcome;
import org.qkdv2i.driver.sim.fso.internal.sim.BobDetections;
import org.qkdv2i.driver.sim.fso.internal.sim.BobDetector;
import org.qkdv2i.driver.sim.fso.internal.sim.QubitBatch;

/**
 * Bob's end of a round. The qubits arrive on the quantum channel and go straight into his
 * detector model; from then on Bob's code holds only {@link BobDetections} — his own bases,
 * bits and click positions — plus what Alice announces on the classical channel.
 */
public final class BobProtocol {

    private final FramedChannel ch;
    private final DataInputStream quantumIn;
    private final BobDetector detector;
    private final SplittableRandom rng;
    private final double sampleFraction;
    private final KeyDistiller distiller;
    private volatile double lastChannelLossDb = Double.NaN;
    private volatile AliceProtocol.Layout lastLayout = AliceProtocol.Layout.SAMPLED_SIGNAL;

    public BobProtocol(FramedChannel ch, DataInputStream quantumIn, BobDetector detector, SplittableRandom rng,
            double sampleFraction, KeyDistiller distiller) {
        this.ch = Objects.requireNonNull(ch);
        this.quantumIn = Objects.requireNonNull(quantumIn);
        this.detector = Objects.requireNonNull(detector);
        this.rng = Objects.requireNonNull(rng);
        if (!(sampleFraction > 0 && sampleFraction < 1)) {
            throw new IllegalArgumentException("sampleFraction must be in (0, 1), got " + sampleFraction);
        }
        this.sampleFraction = sampleFraction;
        this.distiller = Objects.requireNonNull(distiller);
    }

    /** How Alice split the last round's sifted bits (she announces it with the round). */
    public AliceProtocol.Layout lastLayout() {
        return lastLayout;
    }

    /** Channel loss Alice's channel emulation announced with the last round, dB. */
    public double lastChannelLossDb() {
        return lastChannelLossDb;
    }

    public RoundResult round(double sourceRateHz) throws IOException {
        DataInputStream in = Wire.reader(ch.receive(MessageType.ROUND));
        Wire.readVarLong(in); // round number: for the log only
        long first = in.readLong();
        long pulses = in.readLong();
        lastChannelLossDb = in.readDouble();
        int l = in.readUnsignedByte();
        if (l >= AliceProtocol.Layout.values().length) {
            throw new IOException("unknown round layout " + l);
        }
        AliceProtocol.Layout layout = AliceProtocol.Layout.values()[l];
        lastLayout = layout;
        if (pulses <= 0) {
            throw new IOException("round of " + pulses + " pulses");
        }
        // measure the qubits as they arrive
        int n = 0;
        long[] idx = new long[4096];
        byte[] basis = new byte[4096], bit = new byte[4096];
        try {
            long next = first;
            while (next < first + pulses) {
                int type = quantumIn.readUnsignedByte();
                if (type != 1) {
                    throw new IOException("unexpected quantum frame " + type);
                }
                QubitBatch q = QubitBatch.readFrom(quantumIn);
                if (q.firstPulse != next) {
                    throw new IOException("quantum channel out of step: batch at pulse " + q.firstPulse
                            + ", expected " + next);
                }
                next += q.pulses;
                BobDetections d = detector.measure(q);
                if (n + d.size() > idx.length) {
                    int c = Math.max(n + d.size(), idx.length * 2);
                    idx = Arrays.copyOf(idx, c);
                    basis = Arrays.copyOf(basis, c);
                    bit = Arrays.copyOf(bit, c);
                }
                for (int i = 0; i < d.size(); i++, n++) {
                    idx[n] = d.index(i);
                    basis[n] = (byte) d.basis(i);
                    bit[n] = (byte) d.bit(i);
                }
                d.wipe();
            }
            // sifting announcement: positions and bases, never bits
            try (Wire.Buffer b = new Wire.Buffer()) {
                b.writeInt(n);
                Wire.writeGaps(b, idx, n, first);
                Wire.writeBits(b, basis, n);
                ch.send(MessageType.CLICKS, b.bytes());
            }
            in = Wire.reader(ch.receive(MessageType.SIFT));
            byte[] aBasis = Wire.readBits(in, n);
            byte[] cls = Wire.readCrumbs(in, n);

            // estimation sample: every decoy/vacuum sifted bit, and a random part of the signal ones;
            // in the finite-key layout every X-basis sifted bit, and the Z-basis ones are all key
            long seed = rng.nextLong();
            SplittableRandom pick = new SplittableRandom(seed);
            byte[] revealed = new byte[n], sample = new byte[n], key = new byte[n];
            int nr = 0, ns = 0, nk = 0;
            for (int i = 0; i < n; i++) {
                if (aBasis[i] != basis[i]) {
                    continue;
                }
                if (layout == AliceProtocol.Layout.FINITE_KEY) {
                    if (basis[i] == 1) {
                        revealed[nr++] = bit[i];
                    } else {
                        key[nk++] = bit[i];
                    }
                } else if (cls[i] != 0) {
                    revealed[nr++] = bit[i];
                } else if (pick.nextDouble() < sampleFraction) {
                    sample[ns++] = bit[i];
                } else {
                    key[nk++] = bit[i];
                }
            }
            try (Wire.Buffer b = new Wire.Buffer()) {
                b.writeLong(seed);
                b.writeDouble(sampleFraction);
                b.writeInt(nr);
                Wire.writeBits(b, revealed, nr);
                b.writeInt(ns);
                Wire.writeBits(b, sample, ns);
                ch.send(MessageType.ESTIMATE, b.bytes());
            }
            in = Wire.reader(ch.receive(MessageType.DECISION));
            int o = in.readUnsignedByte();
            if (o >= Outcome.values().length) {
                throw new IOException("unknown round outcome " + o);
            }
            Outcome outcome = Outcome.values()[o];
            String reason = in.readUTF();
            double qber = in.readDouble();
            long secretBits = in.readLong();
            long privacyBits = in.readLong();
            long detections = in.readLong();
            long sifted = in.readLong();
            UUID blockId = in.readBoolean() ? new UUID(in.readLong(), in.readLong()) : null;
            byte[] finalKey = null;
            if (outcome == Outcome.KEY) {
                finalKey = distiller.bob(ch, key, nk, qber, privacyBits, blockId);
                try (Wire.Buffer b = new Wire.Buffer()) {
                    b.writeBoolean(finalKey != null);
                    ch.send(MessageType.CONFIRM, b.bytes());
                }
                if (finalKey == null) {
                    outcome = Outcome.VERIFICATION_FAILED;
                    reason = "verification failed: block discarded";
                    blockId = null;
                }
            }
            Arrays.fill(key, (byte) 0);
            Arrays.fill(sample, (byte) 0);
            Arrays.fill(revealed, (byte) 0);
            return new RoundResult(outcome, reason, pulses, pulses / sourceRateHz, detections, sifted, qber, secretBits,
                    finalKey, blockId);
        } finally {
            Arrays.fill(bit, (byte) 0);
        }
    }
}
