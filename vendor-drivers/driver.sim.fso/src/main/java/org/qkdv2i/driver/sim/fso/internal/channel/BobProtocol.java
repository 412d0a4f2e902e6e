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
public final class BobProtocol implements AutoCloseable {

    private final FramedChannel ch;
    private final DataInputStream quantumIn;
    private final BobDetector detector;
    private final SplittableRandom rng;
    private final double sampleFraction;
    private final KeyDistiller distiller;
    private volatile double lastChannelLossDb = Double.NaN;
    private volatile AliceProtocol.Layout lastLayout = AliceProtocol.Layout.SAMPLED_SIGNAL;
    /**
     * Detections measured by the detector thread as the qubits arrive, in order (or the exception
     * that ended it): Alice sends round r+1's qubits while round r is distilled, so Bob measures
     * them meanwhile instead of after the next ROUND. Not bounded by a batch count: a round may be
     * 10^4 batches (10 s rounds), all sent before its ROUND frame; Alice emits at most one round
     * ahead, so it holds at most about two rounds' clicks (which the old code copied anyway).
     */
    private final java.util.concurrent.BlockingQueue<Object> measured = new java.util.concurrent.LinkedBlockingQueue<>();
    private final String threadName = Thread.currentThread().getName() + "-detector";
    private Thread detectorThread;
    private volatile boolean closed;
    private int lastClicks;

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

    /** CPU time of the detector thread so far, for the speed benchmark (0 before the first round). */
    public long detectorCpuNanos() {
        Thread t = detectorThread;
        long ns = t == null ? 0 : java.lang.management.ManagementFactory.getThreadMXBean().getThreadCpuTime(t.getId());
        return Math.max(0, ns);
    }

    /** The detector thread: reads the quantum channel and measures every batch as it comes. */
    private void measureLoop() {
        // the frames are decoded into arrays this thread keeps, wiped once measured
        QubitBatch.Decoder decoder = new QubitBatch.Decoder();
        try {
            while (!closed) {
                int type = quantumIn.readUnsignedByte();
                if (type != 1) {
                    throw new IOException("unexpected quantum frame " + type);
                }
                BobDetections d;
                try {
                    d = detector.measure(decoder.read(quantumIn));
                } finally {
                    decoder.wipe();
                }
                if (!put(d)) {
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            put(e);
        }
    }

    private boolean put(Object o) {
        try {
            while (!closed) {
                if (measured.offer(o, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    return true;
                }
            }
        } catch (InterruptedException e) {
            // closing
        }
        if (o instanceof BobDetections d) {
            d.wipe();
        }
        return false;
    }

    /** The next measured batch, in pulse order. */
    private BobDetections nextDetections() throws IOException {
        Object o;
        try {
            o = measured.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted waiting for the qubits");
        }
        if (o instanceof IOException io) {
            throw io;
        }
        if (o instanceof RuntimeException re) {
            throw re;
        }
        return (BobDetections) o;
    }

    /**
     * Stops the detector thread (at once if it waits for room; when the caller closes the quantum
     * socket if it waits for data) and wipes what it measured and nobody took.
     */
    @Override
    public void close() {
        closed = true;
        Thread t = detectorThread;
        if (t != null) {
            t.interrupt();
        }
        for (Object o; (o = measured.poll()) != null;) {
            if (o instanceof BobDetections d) {
                d.wipe();
            }
        }
    }

    public RoundResult round(double sourceRateHz) throws IOException {
        if (detectorThread == null) {
            // Alice may send the qubits before the ROUND frame that announces them
            detectorThread = new Thread(this::measureLoop, threadName);
            detectorThread.setDaemon(true);
            detectorThread.start();
        }
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
        // sized like the last round (+1/16): growing by doubling copied ~2x the final arrays every round
        int cap = Math.max(4096, lastClicks + (lastClicks >>> 4));
        long[] idx = new long[cap];
        byte[] basis = new byte[cap], bit = new byte[cap];
        try {
            long next = first;
            while (next < first + pulses) {
                BobDetections d = nextDetections();
                if (d.firstPulse != next) {
                    d.wipe();
                    throw new IOException("quantum channel out of step: batch at pulse " + d.firstPulse
                            + ", expected " + next);
                }
                next += d.pulses;
                if (n + d.size() > idx.length) {
                    int c = Math.max(n + d.size(), idx.length * 2);
                    idx = Arrays.copyOf(idx, c);
                    basis = Arrays.copyOf(basis, c);
                    bit = Arrays.copyOf(bit, c);
                }
                d.copyTo(idx, basis, bit, n);
                n += d.size();
                d.wipe();
            }
            lastClicks = n;
            // sifting announcement: positions and bases, never bits
            try (Wire.Buffer b = new Wire.Buffer(3 * n + (n >>> 3) + 64)) { // varint gaps ≈ 2–3 bytes per click at 300 m
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
            if (layout == AliceProtocol.Layout.FINITE_KEY) {
                for (int i = 0; i < n; i++) {
                    if (aBasis[i] != basis[i]) {
                        continue;
                    }
                    if (basis[i] == 1) {
                        revealed[nr++] = bit[i];
                    } else {
                        key[nk++] = bit[i];
                    }
                }
            } else {
                // Without branches on the basis match and the class (random: a branch per click
                // mispredicted half the time): every bit is written to both candidate places and
                // the counters advance by 0 or 1. Same order of pick draws as Alice's.
                int[] signal = new int[n];
                int m = 0;
                for (int i = 0; i < n; i++) {
                    int sifted = (aBasis[i] ^ basis[i]) & 1 ^ 1;
                    int decoy = -(cls[i] & 3) >>> 31;
                    revealed[nr] = bit[i];
                    nr += sifted & decoy;
                    signal[m] = i;
                    m += sifted & (decoy ^ 1);
                }
                for (int j = 0; j < m; j++) {
                    byte v = bit[signal[j]];
                    int s = pick.nextDouble() < sampleFraction ? 1 : 0;
                    sample[ns] = v;
                    key[nk] = v;
                    ns += s;
                    nk += s ^ 1;
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
