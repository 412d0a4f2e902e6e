package org.qkdv2i.dpn.internal;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * DPN wire framing over TCP: {@code length (u32, big-endian, of the body) || type (u8) || body}.
 * Every frame type has its own size limit, checked before the body is read, so a peer
 * cannot make us allocate more than the limit.
 */
final class Frames {

    /** Initiator's greeting: magic "QDPN", version, the responder it expects (16-byte ID). */
    static final byte HELLO = 1;
    /** One ZAP unit-authentication message. */
    static final byte AUTH = 2;
    /** Initiator's session parameters (QKD key ID), bound into the key derivation. */
    static final byte SETUP = 3;
    /** A refusal: reason code (DpnException.Reason ordinal) and a short UTF-8 message. */
    static final byte ERROR = 4;
    /** A message protected by the session's MessageProtection channel. */
    static final byte DATA = 5;
    /** Fast transition request (RSU): its ID, the R0 key holder's ID, PMKR0Name, ANonce. */
    static final byte FT_REQ = 6;
    /** Fast transition answer (vehicle): 0 | SNonce | MIC, or 1 | why not (then full unit authentication). */
    static final byte FT_RESP = 7;
    /** Fast transition confirmation (RSU): its MIC. */
    static final byte FT_CONF = 8;

    static final byte[] MAGIC = {'Q', 'D', 'P', 'N'};
    static final byte VERSION = 1;

    static final int HELLO_LIMIT = 64;
    /** ZAP messages carry ML-DSA-65 signatures, ML-KEM-768 ciphertexts and identity records. */
    static final int AUTH_LIMIT = 64 * 1024;
    static final int SETUP_LIMIT = 512;
    static final int ERROR_LIMIT = 1024;
    static final int FT_REQ_LIMIT = 128;
    static final int FT_RESP_LIMIT = 600;
    static final int FT_CONF_LIMIT = 64;

    private Frames() {
    }

    record Frame(byte type, byte[] body) {
    }

    /** Sizes allowed per frame type in the current phase; 0 = type not allowed now. */
    @FunctionalInterface
    interface Limits {
        int limit(byte type);
    }

    static void write(DataOutputStream out, byte type, byte[] body) throws IOException {
        out.writeInt(body.length);
        out.writeByte(type);
        out.write(body);
        out.flush();
    }

    static Frame read(DataInputStream in, Limits limits) throws IOException, ProtocolException {
        int length = in.readInt();
        byte type = in.readByte();
        int limit = limits.limit(type);
        if (limit <= 0) {
            throw new ProtocolException("unexpected frame type " + (type & 0xff) + " at this stage");
        }
        if (length < 0 || length > limit) {
            throw new ProtocolException("frame of type " + (type & 0xff) + " announces " + (length & 0xffffffffL)
                    + " bytes, limit " + limit);
        }
        byte[] body = new byte[length];
        in.readFully(body);
        return new Frame(type, body);
    }

    static String typeName(byte type) {
        return switch (type) {
        case HELLO -> "HELLO";
        case AUTH -> "AUTH";
        case SETUP -> "SETUP";
        case ERROR -> "ERROR";
        case DATA -> "DATA";
        case FT_REQ -> "FT_REQ";
        case FT_RESP -> "FT_RESP";
        case FT_CONF -> "FT_CONF";
        default -> "type " + (type & 0xff);
        };
    }
}
