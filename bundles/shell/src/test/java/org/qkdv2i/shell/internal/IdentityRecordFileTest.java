package org.qkdv2i.shell.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.Test;
import org.qkdv2i.zap.api.DauKind;
import org.qkdv2i.zap.api.DeviceRole;
import org.qkdv2i.zap.api.IdentityRecord;

public class IdentityRecordFileTest {

    private final IdentityRecord rsu = TestRecords.record("rsu-7", DeviceRole.RSU, DauKind.DAU_V, "city-east");

    @Test
    public void writeThenReadGivesAnEqualRecord() throws Exception {
        String text = IdentityRecordFile.write(rsu);
        IdentityRecord back = IdentityRecordFile.read(text.getBytes(StandardCharsets.UTF_8));
        assertEquals(rsu, back);
        assertEquals(rsu.enrolledAt(), back.enrolledAt()); // nanoseconds kept
    }

    @Test
    public void namesWithQuotesBackslashesAndNonAsciiSurvive() throws Exception {
        IdentityRecord odd = TestRecords.record("bus \"42\" \\ Zürich Øst", DeviceRole.VEHICLE, DauKind.DAU_V,
                "zone/ü \u2603");
        assertEquals(odd, IdentityRecordFile.read(IdentityRecordFile.write(odd).getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    public void layoutIsOneMemberPerLineInTheDocumentedOrder() {
        List<String> lines = IdentityRecordFile.write(rsu).lines().toList();
        assertEquals(12, lines.size());
        assertEquals("{", lines.get(0));
        assertEquals("  \"format\": \"qkdv2i.identity-record/1\",", lines.get(1));
        assertEquals("  \"deviceId\": \"" + rsu.id() + "\",", lines.get(2));
        assertEquals("  \"role\": \"RSU\",", lines.get(4));
        assertEquals("  \"enrolledAt\": \"2026-11-27T09:55:57.123456789Z\",", lines.get(7));
        assertEquals("  \"mlKemPublicKey\": \"" + Base64.getEncoder().encodeToString(TestRecords.KEM) + "\"", lines.get(10));
        assertEquals("}", lines.get(11));
    }

    @Test
    public void anyMemberOrderAndJsonWhitespaceIsRead() throws Exception {
        List<String> members = IdentityRecordFile.write(rsu).lines().filter(l -> l.startsWith("  "))
                .map(l -> l.trim().replaceAll(",$", "")).collect(Collectors.toList());
        java.util.Collections.reverse(members);
        String compact = "\uFEFF\r\n\t{" + String.join(" ,\r\n", members).replace("\": \"", "\"\t:\"") + "}\n\n";
        assertEquals(rsu, IdentityRecordFile.read(compact));
    }

    @Test
    public void escapesAreDecoded() throws Exception {
        String text = IdentityRecordFile.write(rsu).replace("\"rsu-7\"", "\"rsu\\u002d7\\/x\"");
        assertEquals("rsu-7/x", IdentityRecordFile.read(text).name());
    }

    @Test
    public void realKeysPassTheSubjectPublicKeyInfoCheckAndSwappedOnesFail() {
        assertNull(IdentityRecordFile.spkiProblem(TestRecords.DSA, oid("608648016503040312"), 1952));
        assertNull(IdentityRecordFile.spkiProblem(TestRecords.KEM, oid("608648016503040402"), 1184));
        // the DAU's encoding (Bouncy Castle) is exactly the minimal form the check expects
        assertArrayEquals(Arrays.copyOf(spki("608648016503040312", 1952), 22), Arrays.copyOf(TestRecords.DSA, 22));
        assertEquals(spki("608648016503040402", 1184).length, TestRecords.KEM.length);
        assertEquals("wrong algorithm OID", IdentityRecordFile.spkiProblem(TestRecords.KEM, oid("608648016503040312"), 1952));
        assertEquals("not a DER SEQUENCE", IdentityRecordFile.spkiProblem(new byte[0], oid("608648016503040312"), 1952));
        byte[] truncated = Arrays.copyOf(TestRecords.DSA, TestRecords.DSA.length - 1);
        assertEquals("not a DER SEQUENCE", IdentityRecordFile.spkiProblem(truncated, oid("608648016503040312"), 1952));
    }

    // ---- malformed files: one line naming the line and the field ---------------------------

    @Test
    public void unknownRoleNamesLineAndField() {
        assertError(replaceLine(5, "  \"role\": \"RSUX\","),
                "line 5, field \"role\": \"RSUX\" is not one of [BASE_STATION, RSU, VEHICLE, CONTROLLER]");
    }

    @Test
    public void missingFieldIsNamed() {
        assertError(removeLine(7), "field \"zone\" is missing");
    }

    @Test
    public void unknownFieldIsNamedWithItsLine() {
        assertError(insertLine(3, "  \"colour\": \"red\","), "line 3: unknown field \"colour\"");
    }

    @Test
    public void duplicateFieldIsRefused() {
        assertError(insertLine(4, "  \"name\": \"rsu-8\","), "line 5: field \"name\" appears twice");
    }

    @Test
    public void aNonStringValueIsRefused() {
        assertError(replaceLine(7, "  \"zone\": 7,"), "line 7, field \"zone\": the value must be a string in double quotes");
    }

    @Test
    public void swappedPublicKeysAreRefused() {
        String text = IdentityRecordFile.write(TestRecords.withKeys(rsu, TestRecords.KEM, TestRecords.DSA));
        assertError(text, "line 10, field \"mlDsaPublicKey\": not an X.509 SubjectPublicKeyInfo of an ML-DSA-65 public key: wrong algorithm OID");
    }

    @Test
    public void aKeyOfTheWrongSizeIsRefused() {
        String kem = Base64.getEncoder().encodeToString(TestRecords.KEM);
        String wellFormedButShort = Base64.getEncoder().encodeToString(spki("608648016503040402", 1183));
        assertError(IdentityRecordFile.write(rsu).replace(kem, wellFormedButShort),
                "line 11, field \"mlKemPublicKey\": not an X.509 SubjectPublicKeyInfo of an ML-KEM-768 public key: key is 1183 bytes, expected 1184");
        String truncated = Base64.getEncoder().encodeToString(Arrays.copyOf(TestRecords.KEM, TestRecords.KEM.length - 1));
        assertError(IdentityRecordFile.write(rsu).replace(kem, truncated),
                "line 11, field \"mlKemPublicKey\": not an X.509 SubjectPublicKeyInfo of an ML-KEM-768 public key: not a DER SEQUENCE");
    }

    /** SEQUENCE { SEQUENCE { OID }, BIT STRING (0 unused bits, keyLen bytes) } with two-byte lengths. */
    private static byte[] spki(String oidHex, int keyLen) {
        byte[] oid = oid(oidHex);
        java.io.ByteArrayOutputStream alg = new java.io.ByteArrayOutputStream();
        alg.write(0x30);
        alg.write(oid.length + 2);
        alg.write(0x06);
        alg.write(oid.length);
        alg.writeBytes(oid);
        int bits = keyLen + 1;
        int inner = alg.size() + 4 + bits;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x30, (byte) 0x82, (byte) (inner >> 8), (byte) inner});
        out.writeBytes(alg.toByteArray());
        out.writeBytes(new byte[] {0x03, (byte) 0x82, (byte) (bits >> 8), (byte) bits, 0});
        out.writeBytes(new byte[keyLen]);
        return out.toByteArray();
    }

    @Test
    public void badBase64IsRefused() {
        String text = IdentityRecordFile.write(rsu).replace(Base64.getEncoder().encodeToString(TestRecords.DSA), "MIIH*AA=");
        assertError(text, "line 10, field \"mlDsaPublicKey\": not base64");
    }

    @Test
    public void upperCaseDeviceIdIsRefused() {
        assertError(replaceLine(3, "  \"deviceId\": \"" + rsu.id().value().toUpperCase() + "\","),
                "line 3, field \"deviceId\": a device ID is 32 lower-case hex digits");
    }

    @Test
    public void badDigestAndTimeAreRefused() {
        assertError(replaceLine(9, "  \"measurementDigest\": \"abc\","), "line 9, field \"measurementDigest\": a SHA-256 digest is 64");
        assertError(replaceLine(8, "  \"enrolledAt\": \"yesterday\","), "line 8, field \"enrolledAt\": not an ISO-8601 instant");
    }

    @Test
    public void anotherFormatVersionIsRefused() {
        assertError(replaceLine(2, "  \"format\": \"qkdv2i.identity-record/2\","),
                "line 2, field \"format\": \"qkdv2i.identity-record/2\" is not qkdv2i.identity-record/1");
    }

    @Test
    public void emptyNameIsRefused() {
        assertError(replaceLine(4, "  \"name\": \" \","), "line 4, field \"name\": must not be empty");
    }

    @Test
    public void brokenStructureIsRefusedWithALine() {
        String full = IdentityRecordFile.write(rsu);
        assertError(full + "{}", "line 13: unexpected text after the closing '}'");
        assertError(full.substring(0, full.lastIndexOf('}')), "line 12: expected ',' or '}' after field \"mlKemPublicKey\" (end of file reached)");
        assertError(replaceLine(6, "  \"kind\": \"DAU_V\""), "line 7: expected ',' or '}' after field \"kind\"");
        assertError(replaceLine(6, "  \"kind\": \"DAU_V,"), "line 6, field \"kind\": control character in a string");
        assertError("[]", "line 1: an identity record starts with '{'");
        assertError("", "line 1: an identity record starts with '{' (end of file reached)");
        assertError("{\"name\" \"x\"}", "line 1: expected ':' after field \"name\"");
        assertError("{\"name\": \"x\\q\"}", "line 1, field \"name\": unknown escape \\q");
    }

    @Test
    public void notUtf8OrTooLargeIsRefused() {
        try {
            IdentityRecordFile.read(new byte[] {'{', (byte) 0xc3, '}'});
            fail("not UTF-8 accepted");
        } catch (IdentityRecordFile.FormatException e) {
            assertEquals("not an identity record: the file is not UTF-8 text", e.getMessage());
        }
        try {
            IdentityRecordFile.read(new byte[IdentityRecordFile.MAX_BYTES + 1]);
            fail("huge file accepted");
        } catch (IdentityRecordFile.FormatException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("not an identity record: 65537 bytes"));
        }
    }

    private void assertError(String text, String expectedStart) {
        try {
            IdentityRecordFile.read(text.getBytes(StandardCharsets.UTF_8));
            fail("accepted: " + text);
        } catch (IdentityRecordFile.FormatException e) {
            assertTrue("'" + e.getMessage() + "' should start with '" + expectedStart + "'",
                    e.getMessage().startsWith(expectedStart));
            assertFalse("one line", e.getMessage().contains("\n"));
        }
    }

    private String replaceLine(int line, String with) {
        List<String> lines = new java.util.ArrayList<>(IdentityRecordFile.write(rsu).lines().toList());
        lines.set(line - 1, with);
        return String.join("\n", lines) + "\n";
    }

    private String removeLine(int line) {
        List<String> lines = new java.util.ArrayList<>(IdentityRecordFile.write(rsu).lines().toList());
        lines.remove(line - 1);
        return String.join("\n", lines) + "\n";
    }

    private String insertLine(int line, String text) {
        List<String> lines = new java.util.ArrayList<>(IdentityRecordFile.write(rsu).lines().toList());
        lines.add(line - 1, text);
        return String.join("\n", lines) + "\n";
    }

    private static byte[] oid(String hex) {
        return java.util.HexFormat.of().parseHex(hex);
    }
}
