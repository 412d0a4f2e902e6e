package org.qkdv2i.v2x.api.message;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A J2735 information-object value kept opaque: the identifier (partII-Id or regionId) and
 * the complete UPER encoding of the value as its open type carries it (X.691 §11.2), so a
 * message re-encodes byte for byte. The bytes are copied in and out.
 */
public final class OpenTypeValue {
    private final int id;
    private final byte[] encoding;

    public OpenTypeValue(int id, byte[] encoding) {
        this.id = id;
        this.encoding = Check.notNull("encoding", encoding).clone();
    }

    public int id() {
        return id;
    }

    /** A copy of the value's UPER encoding. */
    public byte[] encoding() {
        return encoding.clone();
    }

    public int length() {
        return encoding.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OpenTypeValue other && other.id == id && Arrays.equals(other.encoding, encoding);
    }

    @Override
    public int hashCode() {
        return 31 * id + Arrays.hashCode(encoding);
    }

    @Override
    public String toString() {
        return "OpenTypeValue[id=" + id + ", encoding=" + HexFormat.of().formatHex(encoding) + "]";
    }
}
