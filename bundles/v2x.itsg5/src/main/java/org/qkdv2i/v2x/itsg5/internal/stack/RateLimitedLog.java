package org.qkdv2i.v2x.itsg5.internal.stack;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;

/**
 * One log line per interval at most for a class of events (hostile or broken frames can arrive
 * thousands of times a second); the next line says how many were suppressed.
 */
final class RateLimitedLog {
    private final Logger log;
    private final Clock clock;
    private final Duration interval;
    private Instant last;
    private long suppressed;

    RateLimitedLog(Logger log, Clock clock, Duration interval) {
        this.log = log;
        this.clock = clock;
        this.interval = interval;
    }

    synchronized void log(String line) {
        Instant now = clock.instant();
        if (last != null && Duration.between(last, now).compareTo(interval) < 0) {
            suppressed++;
            return;
        }
        last = now;
        if (suppressed > 0) {
            log.info("{} ({} similar suppressed)", line, suppressed);
            suppressed = 0;
        } else {
            log.info(line);
        }
    }

    synchronized long suppressed() {
        return suppressed;
    }
}
