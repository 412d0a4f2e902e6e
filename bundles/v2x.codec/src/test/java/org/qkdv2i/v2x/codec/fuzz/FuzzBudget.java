package org.qkdv2i.v2x.codec.fuzz;

/** How long CI fuzzes each target (a compile-time constant, as {@code @FuzzTest} needs one). */
final class FuzzBudget {
    /** Ten targets, one JVM each: about 10 × (this + ~4 s start-up) on CI's two cores. */
    static final String CI = "6s";

    private FuzzBudget() {
    }
}
