package org.qkdv2i.v2x.codec.net;

import org.osgi.annotation.versioning.ProviderType;
import org.qkdv2i.v2x.codec.DecodeResult;

/** Codec for WSMP version 3 packets (IEEE 1609.3-2016 §8.3); a DS service, or {@link NetCodecs} outside a framework. */
@ProviderType
public interface WsmpCodec extends PacketCodec<WsmpPacket> {
    /**
     * Like {@link #decode} for the payload of a link frame that may carry padding after the
     * packet (Ethernet minimum frame size): octets after the WSM data are ignored.
     */
    DecodeResult<WsmpPacket> decodeLinkPayload(byte[] octets);
}
