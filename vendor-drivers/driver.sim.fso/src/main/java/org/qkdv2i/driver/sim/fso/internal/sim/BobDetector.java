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
        double window = p.coincidenceWindowNs() * 1e-9;
        double noise = -Math.expm1(-(p.darkCountRateHz() + q.lightCps / 2) * window);
        double log1m = Math.log1p(-Math.min(noise, 1 - 1e-16));
        long dead = p.deadTimePulses();
        double bobZ = p.bobZ();
        boolean evenBases = bobZ == 0.5;
        double eDet = p.misalignment();
        long first = q.firstPulse, end = first + q.pulses;
        BobDetections out = new BobDetections(first, q.pulses, q.size + 16);

        long n0 = next(first, log1m, end);
        long n1 = next(first, log1m, end);
        int i = 0;
        while (true) {
            long sig = i < q.size ? q.index[i] : end;
            long cur = Math.min(sig, Math.min(n0, n1));
            if (cur >= end) {
                break;
            }
            // one 64-bit draw: basis (or a uniform for a biased choice), misalignment, random outcome
            long x = rng.nextLong();
            int basis = evenBases ? (int) (x & 1) : (((x >>> 40) * 0x1.0p-24) < bobZ ? 0 : 1);
            boolean fire0 = false, fire1 = false;
            if (sig == cur) {
                int out1;
                if (q.basis[i] == basis) {
                    out1 = q.bit[i] ^ (eDet > 0 && ((x >>> 11) & 0x1FFFFFFFL) * 0x1.0p-29 < eDet ? 1 : 0);
                } else {
                    out1 = (int) (x >>> 1 & 1);
                }
                if (out1 == 0) {
                    fire0 = true;
                } else {
                    fire1 = true;
                }
                i++;
            }
            if (n0 == cur) {
                fire0 = true;
                n0 = next(cur + 1, log1m, end);
            }
            if (n1 == cur) {
                fire1 = true;
                n1 = next(cur + 1, log1m, end);
            }
            if (fire0 && cur - lastClick[0] <= dead) {
                fire0 = false;
                deadTimeLosses++;
            }
            if (fire1 && cur - lastClick[1] <= dead) {
                fire1 = false;
                deadTimeLosses++;
            }
            if (!fire0 && !fire1) {
                continue;
            }
            int bit;
            if (fire0 && fire1) {
                bit = rng.nextBoolean() ? 1 : 0;
                lastClick[0] = cur;
                lastClick[1] = cur;
            } else {
                bit = fire0 ? 0 : 1;
                lastClick[bit] = cur;
            }
            out.add(cur, basis, bit);
        }
        return out;
    }

    private long next(long from, double log1m, long end) {
        long gap = Samplers.geometricGap(rng, log1m);
        return gap >= end - from ? end : from + gap;
    }
}
