package org.qkdv2i.console.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.qkdv2i.scenario.api.CityView;

/**
 * The last {@code maxSamples} snapshots' key rate and pool fill per link, so that a page opened
 * late still draws the story so far. Time is simulated time (epoch seconds).
 */
final class History {

    private record Sample(double simSeconds, Map<String, double[]> links) {
    }

    private final int maxSamples;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();
    private String scenario;

    History(int maxSamples) {
        this.maxSamples = Math.max(2, maxSamples);
    }

    synchronized void add(CityView view) {
        if (scenario != null && !scenario.equals(view.scenario())) {
            samples.clear(); // another scenario: its story starts afresh
        }
        scenario = view.scenario();
        double t = view.simTime().getEpochSecond() + view.simTime().getNano() / 1e9;
        if (!samples.isEmpty() && t < samples.peekLast().simSeconds()) {
            samples.clear(); // simulated time went back: a restarted scenario
        }
        Map<String, double[]> links = new LinkedHashMap<>();
        for (CityView.LinkView l : view.links()) {
            links.put(l.id(), new double[] {l.skrBps(), fill(l)});
        }
        samples.add(new Sample(t, links));
        while (samples.size() > maxSamples) {
            samples.poll();
        }
    }

    /** Pool fill of a link, percent of capacity, averaged over both ends; NaN when unknown. */
    static double fill(CityView.LinkView l) {
        if (l.capacity() <= 0) {
            return Double.NaN;
        }
        return 100.0 * (l.keysA() + l.keysB()) / (2.0 * l.capacity());
    }

    synchronized void clear() {
        samples.clear();
        scenario = null;
    }

    synchronized int size() {
        return samples.size();
    }

    /** Column-wise series for the charts: {@code t}, then {@code skr} and {@code pool} per link. */
    synchronized Map<String, Object> series() {
        Set<String> ids = new LinkedHashSet<>();
        samples.forEach(s -> ids.addAll(s.links().keySet()));
        List<Double> t = new ArrayList<>(samples.size());
        Map<String, List<Double>> skr = new LinkedHashMap<>();
        Map<String, List<Double>> pool = new LinkedHashMap<>();
        for (String id : ids) {
            skr.put(id, new ArrayList<>(samples.size()));
            pool.put(id, new ArrayList<>(samples.size()));
        }
        for (Sample s : samples) {
            t.add(s.simSeconds());
            for (String id : ids) {
                double[] v = s.links().get(id);
                skr.get(id).add(v == null ? null : v[0]);
                pool.get(id).add(v == null ? null : v[1]);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("scenario", scenario);
        out.put("links", List.copyOf(ids));
        out.put("t", t);
        out.put("skr", skr);
        out.put("pool", pool);
        return out;
    }
}
