package org.qkdv2i.scenario.internal.model;

import java.util.Locale;
import java.util.Random;

/**
 * A bigger city for scale runs (issue 8 benchmark: 1,000 vehicles and 50 RSUs): the paper's QKD
 * backbone (base stations E and F, trusted nodes A, B, C, D, the handover applications E↔F)
 * and a straight road along which {@code rsus} lamp-post RSUs stand every
 * {@value #RSU_SPACING_M} m, alternately 802.11p and C-V2X PC5 (each technology covered without
 * gaps: range {@value #RSU_RANGE_M} m), the first half attached to E, the rest to F; {@code
 * vehicles} vehicles of both technologies drive the road back and forth (loop) at 8–17 m/s,
 * each from its own place on it. Clear weather, no attacks. Deterministic for a seed. Writes JSON (no library,
 * so it runs from the bundle's classes alone):
 * {@code java -cp org.qkdv2i.scenario.jar org.qkdv2i.scenario.internal.model.CityGenerator rsus=50,vehicles=1000 > city.json}.
 */
public final class CityGenerator {

    static final double RSU_SPACING_M = 120;
    static final double RSU_RANGE_M = 170;
    static final double ROAD_Y = -60;

    private CityGenerator() {
    }

    /** {@code rsus=50,vehicles=1000[,seed=1][,duration=600][,speed=1]} → JSON. */
    public static String generate(String spec) {
        int rsus = 50;
        int vehicles = 1000;
        long seed = 1;
        double duration = 600;
        double speed = 1;
        for (String kv : spec.split(",")) {
            String[] p = kv.trim().split("=", 2);
            if (p.length != 2) {
                throw new IllegalArgumentException("expected name=value, got \"" + kv + "\"");
            }
            switch (p[0].trim()) {
                case "rsus" -> rsus = Integer.parseInt(p[1].trim());
                case "vehicles" -> vehicles = Integer.parseInt(p[1].trim());
                case "seed" -> seed = Long.parseLong(p[1].trim());
                case "duration" -> duration = Double.parseDouble(p[1].trim());
                case "speed" -> speed = Double.parseDouble(p[1].trim());
                default -> throw new IllegalArgumentException("unknown \"" + p[0] + "\"; rsus, vehicles, seed, duration, speed");
            }
        }
        if (rsus < 2 || vehicles < 0) {
            throw new IllegalArgumentException("at least 2 RSUs (one per base station), vehicles >= 0");
        }
        return generate(rsus, vehicles, seed, duration, speed);
    }

    public static String generate(int rsus, int vehicles, long seed, double duration, double speed) {
        Random r = new Random(seed);
        double road = (rsus - 1) * RSU_SPACING_M;
        StringBuilder j = new StringBuilder(256 + 160 * (rsus + vehicles));
        j.append("{\n  \"name\": \"generated-").append(rsus).append('-').append(vehicles).append("\",\n")
                .append("  \"description\": \"CityGenerator: the paper's QKD backbone, ").append(rsus)
                .append(" RSUs along a ").append(Math.round(road)).append(" m road (802.11p and PC5 alternately), ")
                .append(vehicles).append(" vehicles driving it back and forth\",\n")
                .append("  \"speed\": ").append(fmt(speed)).append(", \"durationSeconds\": ").append(fmt(duration))
                .append(",\n  \"optics\": { \"sourceRateHz\": 1.0e8, \"roundSeconds\": 2.0 },\n");
        j.append("""
                  "nodes": [
                    { "id": "E", "kind": "BASE_STATION", "x": 0, "y": 0 },
                    { "id": "A", "kind": "TRUSTED_NODE", "x": 220, "y": 40 },
                    { "id": "B", "kind": "TRUSTED_NODE", "x": 480, "y": 0 },
                    { "id": "C", "kind": "TRUSTED_NODE", "x": 740, "y": 40 },
                    { "id": "F", "kind": "BASE_STATION", "x": 960, "y": 0 },
                    { "id": "D", "kind": "TRUSTED_NODE", "x": 480, "y": 170 }
                  ],
                  "links": [ { "a": "E", "b": "A" }, { "a": "A", "b": "B" }, { "a": "B", "b": "C" },
                             { "a": "C", "b": "F" }, { "a": "A", "b": "D" }, { "a": "D", "b": "C" } ],
                  "saes": [ { "id": "HO-E", "node": "E" }, { "id": "HO-F", "node": "F" } ],
                  "applications": [
                    { "id": "handover-E-F", "master": "HO-E", "slave": "HO-F", "priority": 2, "handover": true },
                    { "id": "handover-F-E", "master": "HO-F", "slave": "HO-E", "priority": 2, "handover": true }
                  ],
                """);
        j.append("  \"rsus\": [\n");
        for (int i = 0; i < rsus; i++) {
            j.append("    { \"id\": \"R").append(i).append("\", \"baseStation\": \"").append(i < rsus / 2 ? "E" : "F")
                    .append("\", \"x\": ").append(fmt(i * RSU_SPACING_M)).append(", \"y\": ").append(fmt(ROAD_Y))
                    .append(", \"rangeM\": ").append(fmt(RSU_RANGE_M)).append(", \"radio\": \"")
                    .append(i % 2 == 0 ? "ITS_G5" : "CV2X").append("\" }").append(i + 1 < rsus ? ",\n" : "\n");
        }
        j.append("  ],\n  \"vehicles\": [\n");
        for (int i = 0; i < vehicles; i++) {
            double v = 8 + 9 * r.nextDouble();
            double lane = ROAD_Y + (r.nextBoolean() ? 3 : -3);
            // spread along the road from the start: each begins at its own place and drives the loop
            // x0 -> end -> start -> x0, heading east or west first
            double x0 = 1 + r.nextDouble() * (road - 2);
            boolean east = r.nextBoolean();
            double start = r.nextDouble() * Math.min(10, duration);
            j.append("    { \"id\": \"v").append(i).append("\", \"radio\": \"").append(i % 2 == 0 ? "ITS_G5" : "CV2X")
                    .append("\", \"speedMps\": ").append(fmt(v)).append(", \"startSeconds\": ").append(fmt(start))
                    .append(", \"loop\": true, \"route\": [ ").append(point(x0, lane)).append(", ")
                    .append(point(east ? road : 0, lane)).append(", ").append(point(east ? 0 : road, lane)).append(" ] }")
                    .append(i + 1 < vehicles ? ",\n" : "\n");
        }
        j.append("  ],\n  \"weather\": [ { \"at\": 0, \"weather\": \"CLEAR\", \"daylight\": false } ],\n")
                .append("  \"attacks\": []\n}\n");
        return j.toString();
    }

    private static String point(double x, double y) {
        return "{ \"x\": " + fmt(x) + ", \"y\": " + fmt(y) + " }";
    }

    private static String fmt(double d) {
        return String.format(Locale.ROOT, "%.1f", d);
    }

    public static void main(String[] args) {
        System.out.print(generate(args.length == 0 ? "rsus=50,vehicles=1000" : String.join(",", args)));
    }
}
