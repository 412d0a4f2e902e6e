package org.qkdv2i.v2x.codec.internal.security;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import org.qkdv2i.v2x.codec.security.VerificationStatus;

/**
 * Counters of the verifiers sharing one {@link MessageVerdictMemo} (benchmarks read them; not
 * exported): outcomes by status, message-signature ECDSA verifications actually computed, memo
 * hits/misses and size. A snapshot is taken by {@link Counters#snapshot}.
 */
public record VerifierStatistics(Map<VerificationStatus, Long> outcomes, long messageEcdsaVerifications,
        long memoHits, long memoMisses, int memoSize, boolean memoEnabled, int memoCapacity) {

    public VerifierStatistics {
        outcomes = Map.copyOf(outcomes);
    }

    public long outcome(VerificationStatus s) {
        return outcomes.getOrDefault(s, 0L);
    }

    /** Thread-safe counters; LongAdder so that two radio I/O threads do not contend. */
    static final class Counters {
        private final Map<VerificationStatus, LongAdder> outcomes = new EnumMap<>(VerificationStatus.class);
        final LongAdder messageEcdsa = new LongAdder();

        Counters() {
            for (VerificationStatus s : VerificationStatus.values()) {
                outcomes.put(s, new LongAdder());
            }
        }

        void outcome(VerificationStatus s) {
            outcomes.get(s).increment();
        }

        VerifierStatistics snapshot(MessageVerdictMemo memo) {
            Map<VerificationStatus, Long> o = new EnumMap<>(VerificationStatus.class);
            outcomes.forEach((s, n) -> o.put(s, n.sum()));
            return new VerifierStatistics(o, messageEcdsa.sum(), memo.hits(), memo.misses(), memo.size(),
                    memo.enabled(), memo.capacity());
        }
    }
}
