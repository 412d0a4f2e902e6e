package org.qkdv2i.v2x.api.message;

/** CAM {@code BasicContainer}: the station type (see {@link StationType}) and its reference position. */
public record BasicContainer(int stationType, ReferencePosition referencePosition) {
    public BasicContainer {
        Check.range("stationType", stationType, 0, 255);
        Check.notNull("referencePosition", referencePosition);
    }
}
