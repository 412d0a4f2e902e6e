package org.qkdv2i.v2x.codec.internal.security;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import org.qkdv2i.v2x.codec.security.VerificationStatus;

/**
 * Counters of the verifiers sharing one {@link MessageVerdictMemo} (benchmarks read them; not
 * exported): outcomes by status, message-signature ECDSA verifications actually computed (and how
 * many of them found their verdict already remembered when done: another receiver computed the same
 * at the same time), receivers that waited for another's verification of the same message instead
 * of computing it (single flight), memo hits/misses and size, parsed messages shared (a receiver
 * that took another's parse of the same octets) and parses of message octets. A snapshot is taken by
 * {@link Counters#snapshot}.
 */
public record VerifierStatistics(Map<VerificationStatus, Long> outcomes, long messageEcdsaVerifications,
        long duplicateMessageEcdsaVerifications, long singleFlightWaits, long memoHits, long memoMisses, int memoSize,
        boolean memoEnabled, int memoCapacity, long parsedMessageHits, long messageParses, int parsedMessagesSize,
        int parsedMessagesCapacity) {

    public VerifierStatistics {
        outcomes = Map.copyOf(outcomes);
    }

    public long outcome(VerificationStatus s) {
        return outcomes.getOrDefault(s, 0L);
    }

    /** All verifications, whatever their outcome. */
    public long verifications() {
        long n = 0;
        for (long v : outcomes.values()) {
            n += v;
        }
        return n;
    }

    /** One log line: counts and IDs of nothing (no key, no message content). */
    public String logLine() {
        StringBuilder b = new StringBuilder();
        b.append(verifications()).append(" verifications (");
        boolean first = true;
        for (VerificationStatus s : VerificationStatus.values()) {
            long n = outcome(s);
            if (n != 0) {
                b.append(first ? "" : ", ").append(s).append(' ').append(n);
                first = false;
            }
        }
        long lookups = memoHits + memoMisses;
        b.append(first ? "none" : "").append("), message ECDSA verifications ").append(messageEcdsaVerifications)
                .append(" (duplicates ").append(duplicateMessageEcdsaVerifications).append(", single-flight waits ")
                .append(singleFlightWaits).append("), memo hits ").append(memoHits).append(" / misses ").append(memoMisses)
                .append(String.format(Locale.ROOT, " (%.1f %% hits)", lookups == 0 ? 0.0 : 100.0 * memoHits / lookups))
                .append(", memo ").append(memoSize).append('/').append(memoCapacity).append(" entries")
                .append(memoEnabled ? "" : " (off)")
                .append(", parsed messages shared ").append(parsedMessageHits).append(" / parsed ").append(messageParses)
                .append(", ").append(parsedMessagesSize).append('/').append(parsedMessagesCapacity).append(" entries")
                .append(parsedMessagesCapacity > 0 ? "" : " (off)");
        return b.toString();
    }

    /** Thread-safe counters; LongAdder so that two radio I/O threads do not contend. */
    static final class Counters {
        private static final long NO_REPORT = Long.MAX_VALUE;

        private final Map<VerificationStatus, LongAdder> outcomes = new EnumMap<>(VerificationStatus.class);
        final LongAdder messageEcdsa = new LongAdder();
        final LongAdder duplicateMessageEcdsa = new LongAdder();
        final LongAdder singleFlightWaits = new LongAdder();
        private final LongSupplier nanoClock;
        /** When the next periodic report is due ({@link #nanoClock}), or {@link #NO_REPORT}. */
        private final AtomicLong nextReport = new AtomicLong(NO_REPORT);
        private volatile long reportPeriodNanos;
        private volatile Runnable report;

        Counters() {
            this(System::nanoTime);
        }

        Counters(LongSupplier nanoClock) {
            this.nanoClock = nanoClock;
            for (VerificationStatus s : VerificationStatus.values()) {
                outcomes.put(s, new LongAdder());
            }
        }

        /**
         * {@code report} runs on the first verification at least {@code periodNanos} after the last
         * report (so never while nothing happens), on the verifying thread, once per period.
         */
        void reportEvery(long periodNanos, Runnable report) {
            this.reportPeriodNanos = periodNanos;
            this.report = report;
            nextReport.set(nanoClock.getAsLong() + periodNanos);
        }

        void stopReports() {
            nextReport.set(NO_REPORT);
            report = null;
        }

        void outcome(VerificationStatus s) {
            outcomes.get(s).increment();
            long due = nextReport.get();
            if (due != NO_REPORT) { // one volatile read per verification while nothing is due
                long now = nanoClock.getAsLong();
                if (now - due >= 0 && nextReport.compareAndSet(due, now + reportPeriodNanos)) {
                    Runnable r = report;
                    if (r != null) {
                        r.run();
                    }
                }
            }
        }

        VerifierStatistics snapshot(MessageVerdictMemo memo, ParsedMessages messages) {
            Map<VerificationStatus, Long> o = new EnumMap<>(VerificationStatus.class);
            outcomes.forEach((s, n) -> o.put(s, n.sum()));
            return new VerifierStatistics(o, messageEcdsa.sum(), duplicateMessageEcdsa.sum(), singleFlightWaits.sum(),
                    memo.hits(), memo.misses(), memo.size(), memo.enabled(), memo.capacity(), messages.hits(),
                    messages.parses(), messages.size(), messages.capacity());
        }
    }
}
