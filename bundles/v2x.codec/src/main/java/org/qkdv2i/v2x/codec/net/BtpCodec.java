package org.qkdv2i.v2x.codec.net;

import org.osgi.annotation.versioning.ProviderType;
import org.qkdv2i.v2x.codec.DecodeResult;

/**
 * Codec for BTP packets (EN 302 636-5-1 §7). The octets do not say whether they are BTP-A or
 * BTP-B, so decoding takes the type from the GeoNetworking common header.
 */
@ProviderType
public interface BtpCodec {
    byte[] encode(BtpPacket packet);

    /** Never throws; {@code null} type or octets are errors. */
    DecodeResult<BtpPacket> decode(BtpPacket.Type type, byte[] octets);

    /** Decodes the payload of an unsecured GeoNetworking packet whose common header announces BTP. */
    DecodeResult<BtpPacket> decode(GnPacket packet);
}
