package org.qkdv2i.v2x.api.message;

import java.util.List;

/**
 * SAE J2735 {@code BasicSafetyMessage} (sent in a MessageFrame with messageId 20): the core
 * data ("part I") and, carried opaquely, the optional part II contents (1..8) and regional
 * extensions (1..4); an empty list means the component is absent.
 */
public record Bsm(BsmCoreData coreData, List<OpenTypeValue> partII, List<OpenTypeValue> regional) {
    /** J2735 DSRCmsgID of the BasicSafetyMessage. */
    public static final int MESSAGE_ID = 20;

    public Bsm {
        Check.notNull("coreData", coreData);
        partII = List.copyOf(Check.notNull("partII", partII));
        regional = List.copyOf(Check.notNull("regional", regional));
        Check.range("partII size", partII.size(), 0, 8);
        Check.range("regional size", regional.size(), 0, 4);
        for (OpenTypeValue v : partII) {
            Check.range("partII-Id", v.id(), 0, 63);
        }
        for (OpenTypeValue v : regional) {
            Check.range("regionId", v.id(), 0, 255);
        }
    }

    /** A BSM with core data only. */
    public static Bsm of(BsmCoreData coreData) {
        return new Bsm(coreData, List.of(), List.of());
    }
}
