package org.qkdv2i.v2x.codec;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Encodes one message type to its standard bytes and decodes them back. Implementations are
 * stateless and thread-safe.
 *
 * @param <T> the message record
 */
@ProviderType
public interface MessageCodec<T> {

    /**
     * The complete encoding, padded with zero bits to a whole octet (X.691 §11.1).
     *
     * @throws IllegalArgumentException if the value cannot be encoded (the records already
     *         enforce the ASN.1 ranges, so this is a programming error)
     */
    byte[] encode(T message);

    /**
     * Decodes a complete encoding. Never throws on any input; {@code null} is an error too.
     */
    DecodeResult<T> decode(byte[] encoding);
}
