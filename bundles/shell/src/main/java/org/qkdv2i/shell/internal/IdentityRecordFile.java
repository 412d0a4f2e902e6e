package org.qkdv2i.shell.internal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.qkdv2i.zap.api.DauKind;
import org.qkdv2i.zap.api.DeviceId;
import org.qkdv2i.zap.api.DeviceRole;
import org.qkdv2i.zap.api.IdentityRecord;

/**
 * The text form of an {@link IdentityRecord}, so a vehicle's or RSU's record can be carried to
 * a base station and enrolled there. Public data only. A JSON object with one string member
 * per line, in this order (the reader accepts any order and any JSON whitespace):
 *
 * <pre>
 * {
 *   "format": "qkdv2i.identity-record/1",
 *   "deviceId": "32 lower-case hex digits",
 *   "name": "rsu-7",
 *   "role": "BASE_STATION | RSU | VEHICLE | CONTROLLER",
 *   "kind": "DAU_N | DAU_V",
 *   "zone": "city-east",
 *   "enrolledAt": "ISO-8601 instant, UTC (2026-11-27T09:55:57.123Z)",
 *   "measurementDigest": "64 lower-case hex digits (SHA-256)",
 *   "mlDsaPublicKey": "base64 (RFC 4648, padded) X.509 SubjectPublicKeyInfo, ML-DSA-65",
 *   "mlKemPublicKey": "base64 (RFC 4648, padded) X.509 SubjectPublicKeyInfo, ML-KEM-768"
 * }
 * </pre>
 *
 * The reader is strict: every member present once, nothing else, string values only, the
 * public keys checked to be SubjectPublicKeyInfo of the right algorithm and size. A problem
 * is reported as one line naming the line number and the field. Jackson is not a dependency
 * of the shell, so this is a small reader for exactly this one object shape.
 */
final class IdentityRecordFile {

    static final String FORMAT = "qkdv2i.identity-record/1";
    /** A record is ~4.5 KiB (two public keys); anything far larger is not one. */
    static final int MAX_BYTES = 64 * 1024;

    private static final List<String> FIELDS = List.of("format", "deviceId", "name", "role", "kind", "zone",
            "enrolledAt", "measurementDigest", "mlDsaPublicKey", "mlKemPublicKey");

    // FIPS 204 / FIPS 203 public key sizes, and their NIST OIDs (DER contents):
    // id-ml-dsa-65 = 2.16.840.1.101.3.4.3.18, id-alg-ml-kem-768 = 2.16.840.1.101.3.4.4.2
    private static final byte[] ML_DSA_65_OID = {0x60, (byte) 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x12};
    private static final byte[] ML_KEM_768_OID = {0x60, (byte) 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x04, 0x02};
    static final int ML_DSA_65_KEY_BYTES = 1952;
    static final int ML_KEM_768_KEY_BYTES = 1184;

    private IdentityRecordFile() {
    }

    /** A record file that cannot be read: the message is one line naming the line and field. */
    static final class FormatException extends Exception {
        private static final long serialVersionUID = 1L;

        FormatException(String message) {
            super(message);
        }
    }

    /** The record as text (UTF-8 when written to a file), ending with a newline. */
    static String write(IdentityRecord r) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("deviceId", r.id().value());
        m.put("name", r.name());
        m.put("role", r.role().name());
        m.put("kind", r.kind().name());
        m.put("zone", r.zone());
        m.put("enrolledAt", r.enrolledAt().toString());
        m.put("measurementDigest", HexFormat.of().formatHex(r.measurementDigest()));
        m.put("mlDsaPublicKey", Base64.getEncoder().encodeToString(r.mlDsaPublicKey()));
        m.put("mlKemPublicKey", Base64.getEncoder().encodeToString(r.mlKemPublicKey()));
        StringBuilder sb = new StringBuilder("{\n");
        int i = 0;
        for (Map.Entry<String, String> e : m.entrySet()) {
            sb.append("  ").append(quote(e.getKey())).append(": ").append(quote(e.getValue()))
                    .append(++i < m.size() ? ",\n" : "\n");
        }
        return sb.append("}\n").toString();
    }

    /** Reads a record from the bytes of a file. */
    static IdentityRecord read(byte[] bytes) throws FormatException {
        if (bytes.length > MAX_BYTES) {
            throw new FormatException("not an identity record: " + bytes.length + " bytes, more than " + MAX_BYTES);
        }
        // strict UTF-8: a malformed byte sequence is an error, not a replacement character
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new FormatException("not an identity record: the file is not UTF-8 text");
        }
        return read(text);
    }

    /** Reads a record from its text. */
    static IdentityRecord read(String text) throws FormatException {
        Map<String, Member> members = new Parser(text).object();
        for (String f : FIELDS) {
            if (!members.containsKey(f)) {
                throw new FormatException("field \"" + f + "\" is missing");
            }
        }
        Member format = members.get("format");
        if (!FORMAT.equals(format.value)) {
            throw format.error("\"" + format.value + "\" is not " + FORMAT);
        }
        Member idField = members.get("deviceId");
        DeviceId id;
        try {
            id = new DeviceId(idField.value);
        } catch (IllegalArgumentException e) {
            throw idField.error("a device ID is 32 lower-case hex digits");
        }
        String name = text(members.get("name"));
        DeviceRole role = constant(members.get("role"), DeviceRole.class);
        DauKind kind = constant(members.get("kind"), DauKind.class);
        String zone = text(members.get("zone"));
        Member at = members.get("enrolledAt");
        Instant enrolledAt;
        try {
            enrolledAt = Instant.parse(at.value);
        } catch (DateTimeParseException e) {
            throw at.error("not an ISO-8601 instant in UTC like 2026-11-27T09:55:57.123Z");
        }
        Member digestField = members.get("measurementDigest");
        if (!digestField.value.matches("[0-9a-f]{64}")) {
            throw digestField.error("a SHA-256 digest is 64 lower-case hex digits");
        }
        byte[] digest = HexFormat.of().parseHex(digestField.value);
        byte[] dsa = publicKey(members.get("mlDsaPublicKey"), ML_DSA_65_OID, ML_DSA_65_KEY_BYTES, "ML-DSA-65");
        byte[] kem = publicKey(members.get("mlKemPublicKey"), ML_KEM_768_OID, ML_KEM_768_KEY_BYTES, "ML-KEM-768");
        return new IdentityRecord(id, name, role, kind, zone, digest, dsa, kem, enrolledAt);
    }

    private static String text(Member m) throws FormatException {
        if (m.value.isBlank()) {
            throw m.error("must not be empty");
        }
        if (m.value.chars().anyMatch(Character::isISOControl)) {
            throw m.error("must not contain control characters");
        }
        return m.value;
    }

    private static <E extends Enum<E>> E constant(Member m, Class<E> type) throws FormatException {
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(m.value)) {
                return e;
            }
        }
        throw m.error("\"" + m.value + "\" is not one of " + Arrays.toString(type.getEnumConstants()));
    }

    private static byte[] publicKey(Member m, byte[] oid, int keyBytes, String algorithm) throws FormatException {
        byte[] der;
        try {
            der = Base64.getDecoder().decode(m.value);
        } catch (IllegalArgumentException e) {
            throw m.error("not base64 (RFC 4648, with padding): " + e.getMessage());
        }
        String problem = spkiProblem(der, oid, keyBytes);
        if (problem != null) {
            throw m.error("not an X.509 SubjectPublicKeyInfo of an " + algorithm + " public key: " + problem);
        }
        return der;
    }

    /**
     * Checks DER {@code SEQUENCE { SEQUENCE { OID }, BIT STRING }} (RFC 5280 §4.1.2.7; no
     * algorithm parameters for ML-DSA and ML-KEM) with the given OID and a key of the given size.
     * Returns null when it is one, else what is wrong.
     */
    static String spkiProblem(byte[] der, byte[] oid, int keyBytes) {
        int[] spki = tlv(der, 0, der.length);
        if (spki == null || der[0] != 0x30 || spki[1] != der.length) {
            return "not a DER SEQUENCE";
        }
        int[] alg = tlv(der, spki[0], spki[1]);
        if (alg == null || der[spki[0]] != 0x30) {
            return "no AlgorithmIdentifier";
        }
        int[] algOid = tlv(der, alg[0], alg[1]);
        if (algOid == null || der[alg[0]] != 0x06 || algOid[1] != alg[1]) {
            return "AlgorithmIdentifier is not a lone OID";
        }
        if (!Arrays.equals(Arrays.copyOfRange(der, algOid[0], algOid[1]), oid)) {
            return "wrong algorithm OID";
        }
        int[] bits = tlv(der, alg[1], spki[1]);
        if (bits == null || der[alg[1]] != 0x03 || bits[1] != spki[1]) {
            return "no BIT STRING with the key";
        }
        int length = bits[1] - bits[0];
        if (length != keyBytes + 1 || der[bits[0]] != 0) {
            return "key is " + Math.max(0, length - 1) + " bytes, expected " + keyBytes;
        }
        return null;
    }

    /**
     * The TLV at {@code pos} (which must end by {@code limit}): {start of contents, end of
     * contents}, or null if malformed. Definite lengths only, minimal length octets not enforced.
     */
    private static int[] tlv(byte[] b, int pos, int limit) {
        if (pos + 2 > limit) {
            return null;
        }
        int first = b[pos + 1] & 0xff;
        int p = pos + 2;
        long len;
        if (first < 0x80) {
            len = first;
        } else {
            int n = first & 0x7f;
            if (n == 0 || n > 3 || p + n > limit) {
                return null;
            }
            len = 0;
            for (int i = 0; i < n; i++) {
                len = (len << 8) | (b[p++] & 0xff);
            }
        }
        if (p + len > limit) {
            return null;
        }
        return new int[] {p, (int) (p + len)};
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** A member as read: its value and the line it started on. */
    private record Member(String name, String value, int line) {
        FormatException error(String what) {
            return new FormatException("line " + line + ", field \"" + name + "\": " + what);
        }
    }

    /** Reads one JSON object whose members all have string values (RFC 8259 grammar, that subset). */
    private static final class Parser {
        private final String s;
        private int pos;
        private int line = 1;

        Parser(String s) {
            // a byte order mark some editors write is not part of the record
            this.s = s.startsWith("\uFEFF") ? s.substring(1) : s;
        }

        Map<String, Member> object() throws FormatException {
            skipSpace();
            expect('{', "an identity record starts with '{'");
            Map<String, Member> members = new LinkedHashMap<>();
            skipSpace();
            if (peek() == '}') {
                pos++;
            } else {
                while (true) {
                    skipSpace();
                    int keyLine = line;
                    if (peek() != '"') {
                        throw error("expected a field name in double quotes");
                    }
                    String name = string(null);
                    if (!FIELDS.contains(name)) {
                        throw new FormatException("line " + keyLine + ": unknown field \"" + name + "\" (fields: "
                                + String.join(", ", FIELDS) + ")");
                    }
                    if (members.containsKey(name)) {
                        throw new FormatException("line " + keyLine + ": field \"" + name + "\" appears twice");
                    }
                    skipSpace();
                    expect(':', "expected ':' after field \"" + name + "\"");
                    skipSpace();
                    int valueLine = line;
                    if (peek() != '"') {
                        throw new FormatException("line " + valueLine + ", field \"" + name
                                + "\": the value must be a string in double quotes");
                    }
                    members.put(name, new Member(name, string(name), valueLine));
                    skipSpace();
                    int c = peek();
                    if (c == ',') {
                        pos++;
                    } else if (c == '}') {
                        pos++;
                        break;
                    } else {
                        throw error("expected ',' or '}' after field \"" + name + "\"");
                    }
                }
            }
            skipSpace();
            if (pos < s.length()) {
                throw error("unexpected text after the closing '}'");
            }
            return members;
        }

        private String string(String field) throws FormatException {
            String where = field == null ? "" : ", field \"" + field + "\"";
            pos++; // opening quote
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (pos >= s.length()) {
                    throw new FormatException("line " + line + where + ": string not closed before the end of the file");
                }
                char c = s.charAt(pos++);
                if (c == '"') {
                    return sb.toString();
                }
                if (c < 0x20) {
                    throw new FormatException("line " + line + where + ": control character in a string (use an escape)");
                }
                if (c != '\\') {
                    sb.append(c);
                    continue;
                }
                if (pos >= s.length()) {
                    throw new FormatException("line " + line + where + ": string not closed before the end of the file");
                }
                char e = s.charAt(pos++);
                switch (e) {
                    case '"', '\\', '/' -> sb.append(e);
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> {
                        if (pos + 4 > s.length() || !s.substring(pos, pos + 4).matches("[0-9a-fA-F]{4}")) {
                            throw new FormatException("line " + line + where + ": \\u needs four hex digits");
                        }
                        sb.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                        pos += 4;
                    }
                    default -> throw new FormatException("line " + line + where + ": unknown escape \\" + e);
                }
            }
        }

        private void skipSpace() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == '\n') {
                    line++;
                } else if (c != ' ' && c != '\t' && c != '\r') {
                    return;
                }
                pos++;
            }
        }

        private int peek() {
            return pos < s.length() ? s.charAt(pos) : -1;
        }

        private void expect(char c, String what) throws FormatException {
            if (peek() != c) {
                throw error(what);
            }
            pos++;
        }

        private FormatException error(String what) {
            return new FormatException("line " + line + ": " + (pos >= s.length() ? what + " (end of file reached)" : what));
        }
    }
}
