package org.qkdv2i.driver.etsi014.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import org.junit.Test;

/** The key container parser: keys come out as bytes, the raw body is zeroised, bad containers are PROTOCOL errors. */
public class JettyKmeClientTest {

    @Test
    public void keysAreDecodedAndTheBodyZeroised() throws Exception {
        byte[] k1 = new byte[32];
        byte[] k2 = new byte[32];
        k1[0] = 1;
        k2[31] = 7;
        byte[] body = ("{\"keys\":[{\"key_ID\":\"id-1\",\"key\":\"" + Base64.getEncoder().encodeToString(k1)
                + "\",\"key_extension\":{\"x\":[1,2]}},{\"key_ID\":\"id-2\",\"key\":\""
                + Base64.getEncoder().encodeToString(k2) + "\"}],\"key_container_extension\":{}}")
                .getBytes(StandardCharsets.UTF_8);
        List<VendorKey> keys = JettyKmeClient.parseKeys(body, "enc_keys");
        assertEquals(2, keys.size());
        assertEquals("id-1", keys.get(0).id());
        assertArrayEquals(k1, keys.get(0).bytes());
        assertArrayEquals(k2, keys.get(1).bytes());
        assertArrayEquals(new byte[body.length], body);
        keys.get(0).destroy();
        assertArrayEquals(new byte[32], keys.get(0).bytes());
    }

    @Test
    public void brokenContainersAreProtocolErrors() {
        protocol("{\"Keys\":[]}", "no \"keys\" array");
        protocol("{\"keys\":[{\"key_ID\":\"a\"}]}", "without key_ID or key");
        protocol("{\"keys\":[{\"key\":\"AAAA\"}]}", "without key_ID or key");
        protocol("{\"keys\":[{\"key_ID\":\"a\",\"key\":\"%%%\"}]}", "not a valid key container");
        protocol("[1]", "not a JSON object");
    }

    private static void protocol(String json, String expected) {
        try {
            JettyKmeClient.parseKeys(json.getBytes(StandardCharsets.UTF_8), "enc_keys");
            fail("accepted " + json);
        } catch (KmeException e) {
            assertEquals(KmeException.Kind.PROTOCOL, e.kind());
            assertTrue(e.getMessage(), e.getMessage().contains(expected));
        }
    }
}
