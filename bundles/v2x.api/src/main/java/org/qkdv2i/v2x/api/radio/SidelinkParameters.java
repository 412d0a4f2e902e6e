package org.qkdv2i.v2x.api.radio;

/**
 * PC5 sidelink parameters of one frame (3GPP TS 23.285 §4.4.5, TS 24.386 §6.1.2): the
 * ProSe Per-Packet Priority and, from Rel-15, the ProSe Per-Packet Reliability. The
 * destination Layer-2 ID is the frame's {@link RadioFrame#destination()}.
 *
 * @param pppp ProSe Per-Packet Priority 1 (highest) .. 8
 * @param pppr ProSe Per-Packet Reliability 1..8, or {@code null} when not used (Rel-14)
 */
public record SidelinkParameters(int pppp, Integer pppr) {
    public SidelinkParameters {
        if (pppp < 1 || pppp > 8) {
            throw new IllegalArgumentException("PPPP " + pppp + " outside 1..8");
        }
        if (pppr != null && (pppr < 1 || pppr > 8)) {
            throw new IllegalArgumentException("PPPR " + pppr + " outside 1..8");
        }
    }

    public static SidelinkParameters ofPriority(int pppp) {
        return new SidelinkParameters(pppp, null);
    }
}
