package org.qkdv2i.kmm.internal.peer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

import org.junit.Test;
import org.qkdv2i.kmm.internal.core.PeerTransport.ExtKey;
import org.qkdv2i.kmm.internal.core.PeerTransport.ExtKeysRequest;
import org.qkdv2i.kmm.internal.core.PeerTransport.InventoryResult;

/** The inventory answer across versions of the peer protocol. */
public class PeerJsonTest {

    @Test
    public void theCountOfTheCallersHalfTravelsAndAnOlderPeerSimplyOmitsIt() throws Exception {
        UUID id = UUID.randomUUID();
        InventoryResult r = PeerJson.read(PeerJson.write(new InventoryResult(List.of(id), 3, 77L, 42L)),
                InventoryResult.class);
        assertEquals(new InventoryResult(List.of(id), 3, 77L, 42L), r);
        InventoryResult old = PeerJson.read("{\"missing\":[],\"orphansDropped\":0,\"watermarkMillis\":5}"
                .getBytes(StandardCharsets.UTF_8), InventoryResult.class);
        assertNull(old.heldOfCallersHalf());
        assertEquals(Long.valueOf(5), old.watermarkMillis());
    }

    @Test
    public void extKeysTravelsWithTheEtsi020MemberNamesAndBase64Values() throws Exception {
        UUID key = UUID.randomUUID();
        UUID part = UUID.randomUUID();
        ExtKeysRequest r = new ExtKeysRequest(List.of(new ExtKey(key, new byte[] {1, 2, 3}, null)), "SAE-A",
                List.of("SAE-C"), "https://b:1/kmapi/v1/ext_keys/ack", "V-AC", "A", "C", "A-B", List.of(part), 24,
                new byte[16]);
        String json = new String(PeerJson.write(r), StandardCharsets.UTF_8);

        for (String member : List.of("\"keys\"", "\"key_id\"", "\"value\":\"AQID\"", "\"initiator_sae_id\"",
                "\"target_sae_ids\"", "\"ack_callback_url\"", "\"qkdv2i_virtual_link\"", "\"qkdv2i_link_key_ids\"",
                "\"qkdv2i_key_size\":24", "\"qkdv2i_mac\"")) {
            org.junit.Assert.assertTrue(member + " in " + json, json.contains(member));
        }
        ExtKeysRequest back = PeerJson.read(json.getBytes(StandardCharsets.UTF_8), ExtKeysRequest.class);
        assertEquals(key, back.keys().get(0).keyId());
        org.junit.Assert.assertArrayEquals(new byte[] {1, 2, 3}, back.keys().get(0).value());
        assertEquals(List.of(part), back.linkKeyIds());
        assertEquals("C", back.targetNode());
    }
}
