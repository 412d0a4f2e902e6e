package org.qkdv2i.v2x.codec.security;

/**
 * The parts of IEEE 1609.2 §6.3.9 HeaderInfo this platform uses.
 *
 * @param psid               the ITS-AID the payload belongs to ({@link Psid})
 * @param generationTime     Time64 (TAI microseconds since 2004, {@link ItsTime}), or {@code null}
 * @param generationLocation or {@code null}
 */
public record HeaderInfo(long psid, Long generationTime, GenerationLocation generationLocation) {

    public HeaderInfo {
        if (psid < 0) {
            throw new IllegalArgumentException("psid " + psid + " is negative");
        }
    }
}
