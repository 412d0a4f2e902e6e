package org.qkdv2i.sdn.controller.internal.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A synthetic city mesh of rooftop trusted nodes for benchmarks and scale tests: nodes on a
 * jittered grid (blocks of a city), links to the four street neighbours, then diagonals until
 * the requested number of links, each with random but plausible FSO-QKD metrics (pools of
 * 10^5–10^7 bits, SKR 1–100 kbit/s, QBER 0.5–6 %, up to half the SKR already expected to be
 * consumed). Deterministic for a seed. Node IDs {@code N<i>}, link IDs {@code L<i>}.
 */
public final class CityMesh {

    private CityMesh() {
    }

    /** A mesh of {@code nodes} nodes and {@code links} links (links &gt;= ~2 per node) into {@code net}. */
    public static void build(Network net, int nodes, int links, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int cols = (int) Math.ceil(Math.sqrt(nodes * 1.6));
        int rows = (nodes + cols - 1) / cols;
        for (int i = 0; i < nodes; i++) {
            net.addNode("N" + i);
            net.topology().setReachable("N" + i, true);
        }
        List<int[]> candidates = new ArrayList<>();
        List<int[]> diagonals = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int i = r * cols + c;
                if (i >= nodes) {
                    continue;
                }
                if (c + 1 < cols && i + 1 < nodes) {
                    candidates.add(new int[] {i, i + 1});
                }
                if (i + cols < nodes) {
                    candidates.add(new int[] {i, i + cols});
                }
                if (c + 1 < cols && i + cols + 1 < nodes) {
                    diagonals.add(new int[] {i, i + cols + 1});
                }
                if (c > 0 && i + cols - 1 < nodes) {
                    diagonals.add(new int[] {i, i + cols - 1});
                }
            }
        }
        // shuffle the diagonals so the extra links spread over the whole city
        for (int i = diagonals.size() - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int[] t = diagonals.get(i);
            diagonals.set(i, diagonals.get(j));
            diagonals.set(j, t);
        }
        candidates.addAll(diagonals);
        if (candidates.size() < links) {
            throw new IllegalArgumentException(nodes + " nodes on a grid give at most " + candidates.size() + " links");
        }
        for (int k = 0; k < links; k++) {
            int[] e = candidates.get(k);
            net.putLink("L" + k, "N" + e[0], "N" + e[1], randomMetrics(rnd));
        }
    }

    static LinkMetrics randomMetrics(SplittableRandom rnd) {
        long pool = (long) Math.pow(10, 5 + 2 * rnd.nextDouble());
        double skr = 1_000 + rnd.nextDouble() * 99_000;
        double qber = 0.005 + rnd.nextDouble() * 0.055;
        double consumption = rnd.nextDouble() * skr / 2;
        return new LinkMetrics(rnd.nextInt(10) == 0 ? LinkState.DEGRADED : LinkState.UP, pool, skr, qber, consumption);
    }
}
