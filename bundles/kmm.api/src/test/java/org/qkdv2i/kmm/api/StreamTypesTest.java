package org.qkdv2i.kmm.api;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.net.URI;

import org.junit.Test;

public class StreamTypesTest {

    @Test
    public void statusCodesAreTheStandardsNumbers() {
        StreamStatus[] inOrder = { StreamStatus.SUCCESSFUL, StreamStatus.PEER_NOT_CONNECTED,
                StreamStatus.INSUFFICIENT_KEY_AVAILABLE, StreamStatus.PEER_NOT_CONNECTED_GET_KEY,
                StreamStatus.NO_QKD_CONNECTION_AVAILABLE, StreamStatus.KSID_ALREADY_IN_USE, StreamStatus.TIMEOUT,
                StreamStatus.QOS_NOT_MET, StreamStatus.METADATA_SIZE_INSUFFICIENT };
        for (int code = 0; code < inOrder.length; code++) {
            assertEquals(code, inOrder[code].code());
            assertEquals(inOrder[code], StreamStatus.of(code));
        }
        assertThrows(IllegalArgumentException.class, () -> StreamStatus.of(9));
    }

    @Test
    public void saeUrisRoundTripEvenWithOddCharacters() {
        for (String id : new String[] { "sae-1", "BS E/app 2", "ä#?" }) {
            URI u = KeyStreams.saeUri(id);
            assertEquals("sae", u.getScheme());
            assertEquals(id, KeyStreams.saeId(u));
        }
        assertNull(KeyStreams.saeId(URI.create("https://host/sae-1")));
        assertNull(KeyStreams.saeId(URI.create("sae:%20")));
        assertNull(KeyStreams.saeId(null));
    }

    @Test
    public void qosRefusesImpossibleValues() {
        assertThrows(IllegalArgumentException.class, () -> new StreamQos(0, 0, 0, 0, 0, 0, 0, null));
        assertThrows(IllegalArgumentException.class, () -> new StreamQos(32, 100, 200, 0, 0, 0, 0, null));
        assertThrows(IllegalArgumentException.class, () -> new StreamQos(32, 0, 0, 0, 0, -1, 0, null));
        assertEquals(StreamQos.JSON, new StreamQos(32, 0, 0, 0, 0, 0, 0, " ").metadataMimetype());
        assertEquals(500, StreamQos.bestEffort(32, 10).withMinBps(500).minBps());
    }

    @Test
    public void destroyZeroisesTheBuffer() {
        byte[] buf = { 1, 2, 3 };
        GetKeyResult r = new GetKeyResult(StreamStatus.SUCCESSFUL, buf, 4, null, 0);
        assertArrayEquals(new byte[] { 1, 2, 3 }, r.keyBuffer());
        r.destroy();
        assertArrayEquals(new byte[3], buf);
        assertTrue(r.isDestroyed());
        assertThrows(IllegalStateException.class, r::keyBuffer);
        assertEquals("GetKeyResult[SUCCESSFUL, index 4]", r.toString());
    }
}
