package org.qkdv2i.kmm.internal.peer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

import org.junit.Test;
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
}
