package org.qkdv2i.v2x.codec.net;

import org.osgi.annotation.versioning.ProviderType;

/** Codec for PC5 non-IP PDUs (3GPP TS 24.386 §7.1); a DS service, or {@link NetCodecs} outside a framework. */
@ProviderType
public interface Pc5NonIpCodec extends PacketCodec<Pc5NonIpPdu> {
}
