package org.qkdv2i.v2x.codec.net;

import org.osgi.annotation.versioning.ProviderType;
import org.qkdv2i.v2x.codec.DecodeResult;

/** Codec for GeoNetworking packets (EN 302 636-4-1 §9); a DS service, or {@link NetCodecs} outside a framework. */
@ProviderType
public interface GeoNetworkingCodec extends PacketCodec<GnPacket> {
    /**
     * Like {@link #decode} for the payload of a link frame that may carry padding after the
     * packet (Ethernet pads frames to 60 octets, so a beacon or a short SHB arrives longer than
     * it is): octets after the common header's payload length are ignored. A secured packet has
     * no outer length, so padding stays at the end of its {@code Ieee1609Dot2Data} octets.
     */
    DecodeResult<GnPacket> decodeLinkPayload(byte[] octets);
}
