package org.qkdv2i.driver.sim.fso.internal.sim;

import java.util.Objects;
import java.util.random.RandomGenerator;

import org.qkdv2i.driver.sim.fso.internal.physics.LinkParameters;
import org.qkdv2i.driver.sim.fso.internal.physics.Samplers;

/**
 * Bob's receiver: active basis choice, two single-photon detectors (one per bit value) with
 * dark counts, background light, misalignment and non-paralysable dead time.
 *
 * <ul>
 * <li>Noise clicks per detector and window: 1 − exp(−(R_dark + R_light/2)·Δt) (Poisson counts in
 * the coincidence window; unpolarised light splits evenly);</li>
 * <li>a photon in Bob's basis hits the wrong detector with probability e_det (misalignment);
 * in the other basis it hits either detector with ½;</li>
 * <li>a detector that clicked is blind for the dead time (non-paralysable); a double click
 * is assigned a random bit (squashing, Lütkenhaus PRA 59, 3301 (1999); GLLP).</li>
 * </ul>
 * The detector efficiency is not applied here: the channel already thinned the photons by it
 * (equivalent beam splitter, see {@link QubitBatch}).
 */
public final class BobDetector {

    private final RandomGenerator rng;
    private volatile LinkParameters params;
    private final long[] lastClick = { Long.MIN_VALUE / 2, Long.MIN_VALUE / 2 };
    private long deadTimeLosses;
    // the noise gap scale of the last batch's parameters and light: the same for every batch until either changes
    private LinkParameters scaleFor;
    private double scaleLight = Double.NaN;
    private double noiseScale;

    public BobDetector(LinkParameters params, RandomGenerator rng) {
        this.params = Objects.requireNonNull(params, "params");
        this.rng = Objects.requireNonNull(rng, "rng");
    }

    public void setParameters(LinkParameters p) {
        this.params = Objects.requireNonNull(p, "params");
    }

    /** Clicks lost because the detector was dead. */
    public long deadTimeLosses() {
        return deadTimeLosses;
    }

    public BobDetections measure(QubitBatch q) {
        LinkParameters p = params;
        if (p != scaleFor || q.lightCps != scaleLight) {
            double window = p.coincidenceWindowNs() * 1e-9;
            double noise = -Math.expm1(-(p.darkCountRateHz() + q.lightCps / 2) * window);
            // noise clicks per detector: geometric gaps between them
            noiseScale = Samplers.geometricScale(noise);
            scaleFor = p;
            scaleLight = q.lightCps;
        }
        double scale = noiseScale;
        long dead = p.deadTimePulses();
        double bobZ = p.bobZ();
        boolean evenBases = bobZ == 0.5;
        long zThreshold = (long) Math.ceil(bobZ * 0x1.0p24);
        // e_det as a threshold on 29 random bits
        long eThreshold = (long) Math.ceil(p.misalignment() * 0x1.0p29);
        long first = q.firstPulse, end = first + q.pulses;
        BobDetections out = new BobDetections(first, q.pulses, q.size + 16);
        long[] qIndex = q.index;
        byte[] qState = q.state;
        int qSize = q.size;
        long last0 = lastClick[0], last1 = lastClick[1];
        long losses = 0;

        long n0 = next(first, scale, end);
        long n1 = next(first, scale, end);
        long nextNoise = Math.min(n0, n1);
        long[] last = { last0, last1 };
        int i = 0;
        while (true) {
            long sig = i < qSize ? qIndex[i] : end;
            if (sig < nextNoise) {
                // the common case: a photon and no noise click in its window. Written without branches
                // on the random values (basis match, outcome, dead detector), which no predictor can guess.
                long x = rng.nextLong();
                int basis = evenBases ? (int) (x & 1) : ((x >>> 40) < zThreshold ? 0 : 1);
                int s = qState[i++];
                int match = ~(s >> QubitBatch.BASIS_SHIFT ^ basis) & 1;
                int flip = ((x >>> 11) & 0x1FFFFFFFL) < eThreshold ? 1 : 0;
                int outcome = (match & ((s >> QubitBatch.BIT_SHIFT) ^ flip) | (match ^ 1) & (int) (x >>> 1)) & 1;
                long lastD = last[outcome];
                int alive = sig - lastD > dead ? 1 : 0;
                last[outcome] = alive != 0 ? sig : lastD;
                losses += alive ^ 1;
                out.put(sig, basis, outcome, alive);
                continue;
            }
            last0 = last[0];
            last1 = last[1];
            long cur = Math.min(sig, nextNoise);
            if (cur >= end) {
                break;
            }
            // one 64-bit draw: basis (or 24 bits for a biased choice), misalignment, random outcome
            long x = rng.nextLong();
            int basis = evenBases ? (int) (x & 1) : ((x >>> 40) < zThreshold ? 0 : 1);
            boolean fire0 = false, fire1 = false;
            if (sig == cur) {
                int s = qState[i];
                int out1;
                if ((s >> QubitBatch.BASIS_SHIFT & 1) == basis) {
                    out1 = (s >> QubitBatch.BIT_SHIFT & 1) ^ (((x >>> 11) & 0x1FFFFFFFL) < eThreshold ? 1 : 0);
                } else {
                    out1 = (int) (x >>> 1 & 1);
                }
                fire0 = out1 == 0;
                fire1 = out1 != 0;
                i++;
            }
            if (nextNoise == cur) {
                if (n0 == cur) {
                    fire0 = true;
                    n0 = next(cur + 1, scale, end);
                }
                if (n1 == cur) {
                    fire1 = true;
                    n1 = next(cur + 1, scale, end);
                }
                nextNoise = Math.min(n0, n1);
            }
            if (fire0 && cur - last0 <= dead) {
                fire0 = false;
                losses++;
            }
            if (fire1 && cur - last1 <= dead) {
                fire1 = false;
                losses++;
            }
            if (!fire0 && !fire1) {
                continue;
            }
            int bit;
            if (fire0 && fire1) {
                bit = (int) (x >>> 2 & 1); // double click: a random bit (x's bit 2 is used nowhere else)
                last0 = cur;
                last1 = cur;
            } else if (fire0) {
                bit = 0;
                last0 = cur;
            } else {
                bit = 1;
                last1 = cur;
            }
            out.add(cur, basis, bit);
            last[0] = last0;
            last[1] = last1;
        }
        lastClick[0] = last0;
        lastClick[1] = last1;
        deadTimeLosses += losses;
        return out;
    }

    private long next(long from, double scale, long end) {
        long gap = Samplers.geometricGap(rng, scale);
        return gap >= end - from ? end : from + gap;
    }
}
