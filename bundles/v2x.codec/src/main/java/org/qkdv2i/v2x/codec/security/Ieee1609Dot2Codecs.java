package org.qkdv2i.v2x.codec.security;

import org.qkdv2i.v2x.codec.internal.security.OerIeee1609Dot2Codec;

/** New codec instances for use outside an OSGi framework; inside one, take the {@link Ieee1609Dot2Codec} service. */
public final class Ieee1609Dot2Codecs {
    private Ieee1609Dot2Codecs() {
    }

    public static Ieee1609Dot2Codec create() {
        return new OerIeee1609Dot2Codec();
    }
}
