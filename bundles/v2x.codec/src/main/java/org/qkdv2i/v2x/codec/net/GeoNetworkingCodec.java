package org.qkdv2i.v2x.codec.net;

import org.osgi.annotation.versioning.ProviderType;

/** Codec for GeoNetworking packets (EN 302 636-4-1 §9); a DS service, or {@link NetCodecs} outside a framework. */
@ProviderType
public interface GeoNetworkingCodec extends PacketCodec<GnPacket> {
}
