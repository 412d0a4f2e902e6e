package org.qkdv2i.scenario.internal.sim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Steps at simulated times, handed out once each as time passes (in time order, equal times in
 * the order given). Not thread-safe: one engine thread advances it.
 */
public final class Timeline<T> {

    private final List<T> steps;
    private final ToDoubleFunction<T> at;
    private int next;

    public Timeline(List<T> steps, ToDoubleFunction<T> at) {
        List<T> sorted = new ArrayList<>(steps);
        sorted.sort(Comparator.comparingDouble(at)); // stable: equal times keep their order
        this.steps = List.copyOf(sorted);
        this.at = at;
    }

    /** The steps due at or before {@code now} that were not handed out yet. */
    public List<T> advance(double now) {
        List<T> due = new ArrayList<>();
        while (next < steps.size() && at.applyAsDouble(steps.get(next)) <= now) {
            due.add(steps.get(next++));
        }
        return due;
    }

    /** Time of the next step, or +∞ when none is left. */
    public double nextAt() {
        return next < steps.size() ? at.applyAsDouble(steps.get(next)) : Double.POSITIVE_INFINITY;
    }

    public int remaining() {
        return steps.size() - next;
    }
}
