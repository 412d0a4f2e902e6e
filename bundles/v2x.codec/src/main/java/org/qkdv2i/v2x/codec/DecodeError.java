package org.qkdv2i.v2x.codec;

/**
 * Why a decoder rejected its input.
 *
 * @param kind the class of problem
 * @param field the ASN.1 component being decoded (a dotted path such as
 *        {@code cam.camParameters.basicContainer.referencePosition.latitude})
 * @param bitOffset the bit position, from the start of the input, where that component starts
 * @param detail a readable sentence
 */
public record DecodeError(Kind kind, String field, long bitOffset, String detail) {

    /** Classes of decoding problems. */
    public enum Kind {
        /** The input ended inside a component (or was empty or null). */
        TRUNCATED,
        /** A number or a size lies outside the range the ASN.1 allows. */
        OUT_OF_RANGE,
        /** An extension the codec does not model (an unknown CHOICE alternative or enumeration). */
        UNSUPPORTED,
        /** A well-formed PDU of another message type or protocol version. */
        UNEXPECTED_MESSAGE,
        /** Octets left over after the complete PDU, or an open type whose length disagrees with its content. */
        TRAILING_DATA,
        /** The input violates the encoding rules in another way. */
        MALFORMED
    }

    @Override
    public String toString() {
        return kind + " at bit " + bitOffset + " (" + field + "): " + detail;
    }
}
