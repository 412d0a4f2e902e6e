package org.qkdv2i.v2x.codec;

import org.qkdv2i.v2x.codec.internal.UperBsmCodec;
import org.qkdv2i.v2x.codec.internal.UperCamCodec;
import org.qkdv2i.v2x.codec.internal.UperDenmCodec;

/**
 * New codec instances for use outside an OSGi framework (tests, tools). Inside a framework,
 * take the {@link CamCodec}, {@link DenmCodec} and {@link BsmCodec} services instead.
 */
public final class V2xCodecs {
    private V2xCodecs() {
    }

    public static CamCodec cam() {
        return new UperCamCodec();
    }

    public static DenmCodec denm() {
        return new UperDenmCodec();
    }

    public static BsmCodec bsm() {
        return new UperBsmCodec();
    }
}
