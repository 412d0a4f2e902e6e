package org.qkdv2i.driver.etsi014.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.Test;
import org.qkdv2i.driver.etsi014.internal.PeerMessages.Reply;
import org.qkdv2i.driver.etsi014.internal.PeerMessages.Request;
import org.qkdv2i.driver.etsi014.internal.PeerMessages.Type;
import org.qkdv2i.qkd.api.PeerChannel;

public class PeerMessagesTest {

    @Test
    public void fetchRoundTrips() {
        List<String> ids = List.of(UUID.randomUUID().toString(), "vendor-7");
        Request r = new Request(Type.FETCH, "A-B", "batch-1", "sae-m", "sae-s", 256, ids, 1_700_000_000_123L);
        byte[] wire = PeerMessages.write(r);
        assertEquals(r, PeerMessages.readRequest(wire));
        String text = new String(wire, StandardCharsets.UTF_8);
        assertTrue(text, text.contains("\"type\":\"fetch\"") && text.contains("\"v\":1")
                && text.contains("\"key_IDs\":[\""));
    }

    @Test
    public void repliesRoundTrip() {
        Reply ok = Reply.ok("b");
        assertEquals(ok, PeerMessages.readReply(PeerMessages.write(ok)));
        Reply failed = Reply.failed("b", "dec_keys at node B: 400", List.of("k1", "k2"));
        assertEquals(failed, PeerMessages.readReply(PeerMessages.write(failed)));
    }

    @Test
    public void theLargestFetchFitsInOneMessage() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < PeerMessages.MAX_IDS; i++) {
            ids.add(UUID.randomUUID().toString());
        }
        byte[] wire = PeerMessages.write(new Request(Type.FETCH, "a-rather-long-link-id", UUID.randomUUID().toString(),
                "sae-master-with-a-long-name", "sae-slave-with-a-long-name", 256, ids));
        assertTrue(wire.length + " bytes", wire.length < PeerChannel.MAX_MESSAGE_BYTES);
        assertEquals(ids, PeerMessages.readRequest(wire).keyIds());
    }

    @Test
    public void badRequestsAreRefusedWithAReason() {
        refused("", "empty");
        refused("[]", "not a JSON object");
        refused("{\"v\":1,\"type\":\"fetch\",\"link_id\":\"L\",\"batch_id\":\"b\",\"master_SAE_ID\":\"m\","
                + "\"slave_SAE_ID\":\"s\",\"size\":256,\"key_IDs\":[]}", "at least one key ID");
        refused("{\"v\":1,\"type\":\"steal\",\"link_id\":\"L\",\"batch_id\":\"b\",\"master_SAE_ID\":\"m\","
                + "\"slave_SAE_ID\":\"s\",\"size\":256}", "unknown message type");
        refused("{\"v\":1,\"type\":\"hello\",\"link_id\":\"L\",\"batch_id\":\"b\",\"master_SAE_ID\":\"m\","
                + "\"slave_SAE_ID\":\"s\",\"size\":-8}", "size");
        refused("{\"v\":1,\"type\":\"fetch\",\"link_id\":\"L\",\"batch_id\":\"b\",\"master_SAE_ID\":\"m\","
                + "\"slave_SAE_ID\":\"s\",\"size\":256,\"key_IDs\":[7]}", "non-empty strings");
        refused("{\"v\":1,\"type\":\"hello\",\"batch_id\":\"b\",\"master_SAE_ID\":\"m\","
                + "\"slave_SAE_ID\":\"s\",\"size\":256}", "link_id is missing");
        refused("{\"type\":\"hello\"}", "version");
        refused("{\"v\":1,\"type\":\"hello\",\"link_id\":\"L\",\"batch_id\":\"b\",\"master_SAE_ID\":\"m\","
                + "\"slave_SAE_ID\":\"s\",\"size\":256,\"created\":\"yesterday\"}", "created");
        StringBuilder many = new StringBuilder("{\"v\":1,\"type\":\"fetch\",\"link_id\":\"L\",\"batch_id\":\"b\","
                + "\"master_SAE_ID\":\"m\",\"slave_SAE_ID\":\"s\",\"size\":256,\"key_IDs\":[");
        for (int i = 0; i <= PeerMessages.MAX_IDS; i++) {
            many.append(i == 0 ? "" : ",").append("\"k").append(i).append('"');
        }
        refused(many.append("]}").toString(), "more than " + PeerMessages.MAX_IDS);
    }

    @Test
    public void aReplyMustSayOkOrFailed() {
        try {
            PeerMessages.readReply("{\"v\":1,\"result\":\"maybe\"}".getBytes(StandardCharsets.UTF_8));
            fail();
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().contains("ok or failed"));
        }
        assertFalse(PeerMessages.readReply("{\"v\":1,\"result\":\"failed\"}".getBytes(StandardCharsets.UTF_8)).ok());
    }

    private static void refused(String json, String expected) {
        try {
            PeerMessages.readRequest(json.getBytes(StandardCharsets.UTF_8));
            fail("accepted " + json);
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage() + " should mention " + expected, e.getMessage().contains(expected));
        }
    }
}
