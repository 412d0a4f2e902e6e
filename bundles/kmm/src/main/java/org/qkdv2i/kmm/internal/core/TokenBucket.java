package org.qkdv2i.kmm.internal.core;

/** Rate limit of one SAE pair: keys per second with a burst of one second's worth (at least one request). */
final class TokenBucket {

    private double rate;
    private double burst;
    private double tokens;
    private long lastNanos;

    TokenBucket(double rate, double burst, long nowNanos) {
        this.rate = rate;
        this.burst = burst;
        this.tokens = burst;
        this.lastNanos = nowNanos;
    }

    synchronized void configure(double newRate, double newBurst) {
        this.rate = newRate;
        this.burst = newBurst;
        this.tokens = Math.min(tokens, newBurst);
    }

    synchronized boolean tryTake(int n, long nowNanos) {
        // the core's clock may be a wall clock: a step back refills nothing (and takes nothing)
        tokens = Math.min(burst, tokens + Math.max(0, nowNanos - lastNanos) / 1e9 * rate);
        lastNanos = nowNanos;
        if (tokens >= n) {
            tokens -= n;
            return true;
        }
        return false;
    }

    synchronized void refund(int n) {
        tokens = Math.min(burst, tokens + n);
    }
}
