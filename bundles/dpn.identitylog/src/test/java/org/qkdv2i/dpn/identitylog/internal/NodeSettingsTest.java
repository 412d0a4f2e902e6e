package org.qkdv2i.dpn.identitylog.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.Test;

public class NodeSettingsTest {

    @Test
    public void parsesPeersAsListOrCommaSeparated() {
        Map<String, InetSocketAddress> p = NodeSettings.parsePeers("bs-1=10.0.0.1:9871, bs-2=bs2.example:9872",
                "bs-3=[::1]:9873");
        assertEquals(List.of("bs-1", "bs-2", "bs-3"), List.copyOf(p.keySet()));
        assertEquals("10.0.0.1", p.get("bs-1").getHostString());
        assertEquals(9872, p.get("bs-2").getPort());
        assertEquals("::1", p.get("bs-3").getHostString());
        assertTrue(NodeSettings.parsePeers().isEmpty());
    }

    @Test
    public void badPeersAndSettingsAreNamed() {
        assertBad(() -> NodeSettings.parsePeers("bs-1=host"), "peer 'bs-1=host' is not id=host:port");
        assertBad(() -> NodeSettings.parsePeers("bs-1=host:99999"), "not id=host:port");
        assertBad(() -> NodeSettings.parsePeers("bs-1=h:1,bs-1=h:2"), "listed twice");
        Map<String, InetSocketAddress> peers = NodeSettings.parsePeers("bs-1=h:1,bs-2=h:2");
        assertBad(() -> new NodeSettings("log", "bs-9", peers, Path.of("x"), null, Duration.ofSeconds(1), null, null, null),
                "must list this replica 'bs-9'");
        assertBad(() -> new NodeSettings("log", "bs-1", peers, null, null, Duration.ofSeconds(1), null, null, null),
                "needs a storageDir");
        assertBad(() -> new NodeSettings("log", "bad id", Map.of(), null, null, Duration.ofSeconds(1), null, null, null),
                "selfId must be");
        assertBad(() -> new NodeSettings("log", "bs-1", Map.of(), null, null, Duration.ofSeconds(1), null, null, "udp"),
                "transport must be netty or grpc");
        assertEquals(NodeSettings.GRPC,
                new NodeSettings("log", "bs-1", Map.of(), null, null, Duration.ofSeconds(1), null, null, null).transport());
    }

    private static void assertBad(Runnable r, String why) {
        try {
            r.run();
            fail("accepted: " + why);
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(why));
        }
    }
}
