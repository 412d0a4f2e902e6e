package org.qkdv2i.v2x.codec.internal.security;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.util.Arrays;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.oer.Element;
import org.bouncycastle.oer.OEREncoder;
import org.bouncycastle.oer.OERInputStream;
import org.bouncycastle.oer.its.template.ieee1609dot2.IEEE1609dot2;
import org.qkdv2i.v2x.codec.DecodeError;
import org.qkdv2i.v2x.codec.DecodeError.Kind;

/**
 * Bouncy Castle's COER (ITU-T X.696 canonical OER) reader and writer with the IEEE 1609.2
 * definitions, wrapped so that no input can escape as an exception.
 */
final class Oer {
    private Oer() {
    }

    static final Element DATA = IEEE1609dot2.Ieee1609Dot2Data.build();
    static final Element CERTIFICATE = IEEE1609dot2.Certificate.build();
    static final Element TBS_DATA = IEEE1609dot2.ToBeSignedData.build();
    static final Element TBS_CERTIFICATE = IEEE1609dot2.ToBeSignedCertificate.build();

    /** Largest input decoded: far above any radio frame (GeoNetworking ≤ 1500 B, WSMP ≤ 2302 B). */
    static final int MAX_INPUT = 65_535;

    /** Thrown inside this package only; always turned into a {@link DecodeError}. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        final transient DecodeError error;

        Failure(Kind kind, String field, long bitOffset, String detail) {
            super(detail, null, false, false);
            this.error = new DecodeError(kind, field, bitOffset, detail);
        }
    }

    /**
     * Parses one complete value and insists the input was its canonical encoding (COER has exactly
     * one encoding per value; anything else was altered or produced by a non-conforming sender).
     */
    static ASN1Encodable parse(byte[] bytes, Element element, String field) throws Failure {
        if (bytes == null || bytes.length == 0) {
            throw new Failure(Kind.TRUNCATED, field, 0, "no input");
        }
        if (bytes.length > MAX_INPUT) {
            throw new Failure(Kind.MALFORMED, field, 0, bytes.length + " octets, at most " + MAX_INPUT + " accepted");
        }
        ByteArrayInputStream in = new ByteArrayInputStream(bytes);
        ASN1Encodable value;
        // BC compares each declared length with this bound before allocating; the input's own
        // length would make a cut-off message look like a bad length, so the fixed bound is used
        // and a length running past the end reads to EOF (TRUNCATED).
        try (OERInputStream oer = new OERInputStream(in, MAX_INPUT)) {
            value = oer.parse(element);
        } catch (EOFException e) {
            throw new Failure(Kind.TRUNCATED, field, 8L * (bytes.length - in.available()),
                    "input ends inside the " + field);
        } catch (Exception | StackOverflowError e) { // deep nesting of SignedData recurses in BC's reader
            // BC reports bad lengths, choices and enumerations as IOException/IllegalArgumentException/
            // IllegalStateException, and a truncated read sometimes as a bare exception: one kind here.
            long at = 8L * (bytes.length - in.available());
            boolean atEnd = in.available() == 0;
            throw new Failure(atEnd ? Kind.TRUNCATED : Kind.MALFORMED, field, at,
                    (atEnd ? "input ends inside the " : "not a COER ") + field + " (" + reason(e) + ")");
        }
        if (in.available() != 0) {
            throw new Failure(Kind.TRAILING_DATA, field, 8L * (bytes.length - in.available()),
                    in.available() + " octets after the " + field);
        }
        byte[] again;
        try {
            again = OEREncoder.toByteArray(value, element);
        } catch (RuntimeException e) {
            throw new Failure(Kind.MALFORMED, field, 0, field + " does not re-encode (" + reason(e) + ")");
        }
        if (!Arrays.equals(again, bytes)) {
            int i = Arrays.mismatch(again, bytes);
            throw new Failure(Kind.MALFORMED, field, 8L * i, "not the canonical COER encoding of the " + field
                    + " (X.696 §8), first difference at octet " + i);
        }
        return value;
    }

    static byte[] encode(ASN1Encodable value, Element element) {
        return OEREncoder.toByteArray(value, element);
    }

    private static String reason(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + (m.length() > 120 ? m.substring(0, 120) + "…" : m));
    }
}
