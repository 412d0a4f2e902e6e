package org.qkdv2i.v2x.codec.net;

import org.osgi.annotation.versioning.ProviderType;

/** Codec for WSMP version 3 packets (IEEE 1609.3-2016 §8.3); a DS service, or {@link NetCodecs} outside a framework. */
@ProviderType
public interface WsmpCodec extends PacketCodec<WsmpPacket> {
}
