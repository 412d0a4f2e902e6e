package org.qkdv2i.telemetry.opcua.internal;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.Test;

public class PasswordHashTest {

    @Test
    public void verifiesTheRightPasswordOnly() {
        String h = PasswordHash.hash("s3cret pass".toCharArray(), 20_000);
        assertTrue(h.startsWith("pbkdf2-sha256$20000$"));
        assertTrue(PasswordHash.wellFormed(h));
        assertTrue(PasswordHash.verify("s3cret pass".toCharArray(), h));
        assertFalse(PasswordHash.verify("s3cret pasS".toCharArray(), h));
        assertFalse(PasswordHash.verify("".toCharArray(), h));
    }

    @Test
    public void saltsDiffer() {
        assertNotEquals(PasswordHash.hash("x".toCharArray(), 20_000), PasswordHash.hash("x".toCharArray(), 20_000));
    }

    @Test
    public void malformedOrWeakHashesNeverVerify() {
        String h = PasswordHash.hash("pw".toCharArray(), 20_000);
        String weak = h.replace("$20000$", "$1000$");
        for (String bad : new String[] {null, "", "pw", "md5$1$a$b", weak, h.replace("pbkdf2-sha256", "pbkdf2-sha1"),
                "pbkdf2-sha256$x$AAAA$AAAA", "pbkdf2-sha256$20000$!!!$AAAA"}) {
            assertFalse(String.valueOf(bad), PasswordHash.verify("pw".toCharArray(), bad));
            assertFalse(String.valueOf(bad), PasswordHash.wellFormed(bad));
        }
    }

    @Test
    public void toolReadsStdinAndPrintsAVerifiableHash() throws Exception {
        InputStream in = System.in;
        PrintStream out = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            System.setIn(new ByteArrayInputStream("tool password\n".getBytes(StandardCharsets.UTF_8)));
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            PasswordHash.main(new String[] {"20000"});
        } finally {
            System.setIn(in);
            System.setOut(out);
        }
        String printed = buf.toString(StandardCharsets.UTF_8).strip();
        assertTrue(printed, PasswordHash.verify("tool password".toCharArray(), printed));
        assertFalse(printed.contains("tool password"));
    }
}
