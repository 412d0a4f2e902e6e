package org.qkdv2i.v2x.codec.net;

import org.osgi.annotation.versioning.ProviderType;

/** Codec for Ethernet II frames; a DS service, or {@link NetCodecs} outside a framework. */
@ProviderType
public interface EthernetCodec extends PacketCodec<EthernetFrame> {
}
