package org.qkdv2i.v2x.codec.net;

import org.osgi.annotation.versioning.ProviderType;
import org.qkdv2i.v2x.codec.DecodeResult;

/**
 * Encodes one header layer (with its payload) to octets and back. Stateless and thread-safe.
 *
 * @param <T> the packet record
 */
@ProviderType
public interface PacketCodec<T> {
    /**
     * The packet's octets.
     *
     * @throws IllegalArgumentException if the packet cannot be encoded (e.g. a payload longer
     *         than the length field allows), naming the field
     */
    byte[] encode(T packet);

    /** Decodes exactly one packet that fills {@code octets}. Never throws; {@code null} is an error. */
    DecodeResult<T> decode(byte[] octets);
}
