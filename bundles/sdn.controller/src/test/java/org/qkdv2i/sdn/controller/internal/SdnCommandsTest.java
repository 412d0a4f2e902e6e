package org.qkdv2i.sdn.controller.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Clock;
import java.util.List;

import org.junit.Test;
import org.qkdv2i.sdn.controller.internal.graph.LinkMetrics;
import org.qkdv2i.sdn.controller.internal.graph.LinkState;
import org.qkdv2i.sdn.controller.internal.graph.Network;

/** The Gogo commands on an engine without agents (hand-made topology A-B-C). */
public class SdnCommandsTest {

    private static SdnCommands commands() {
        Network net = new Network();
        for (String n : List.of("A", "B", "C")) {
            net.addNode(n);
            net.topology().setReachable(n, true);
        }
        net.putLink("AB", "A", "B", new LinkMetrics(LinkState.UP, 512_000, 20_000, 0.012, 1_000));
        net.putLink("BC", "B", "C", new LinkMetrics(LinkState.UP, 256_000, 10_000, 0.03, 0));
        SdnCommands c = new SdnCommands();
        c.bindController(new Engine("ctl", net, List.of(), Clock.systemUTC()));
        return c;
    }

    @Test
    public void withoutAControllerTheCommandsSaySo() {
        assertTrue(new SdnCommands().apps().startsWith("the SDN controller is not running"));
    }

    @Test
    public void provisionShowRemove() {
        SdnCommands c = commands();
        String out = c.provision("sae-1", "A", "sae-2", "C", 2, 512);
        assertTrue(out, out.startsWith("application ") && out.contains(" on A->B->C "));
        String id = out.split(" ")[1];
        assertTrue(c.apps(), c.apps().contains(id) && c.apps().contains("sae-1@A"));
        String path = c.path(id);
        assertTrue(path, path.contains("A->B") && path.contains("B->C") && path.contains("bottleneck pool 256000 bits"));
        assertTrue(c.links(), c.links().contains("AB") && c.links().contains("A-C"));
        // two healthy hops: ~1 each plus a little scarcity (AB 0.010, BC 0.026 with the 512 bit/s reserved)
        assertEquals("A->B->C (cost 2.036)", c.path("A", "C"));
        assertTrue(c.provision("sae-1", "A", "sae-2", "Z").startsWith("refused: node Z is not managed"));
        assertTrue(c.provision("sae-1", "A", "sae-1", "C").startsWith("refused: server and client SAE are the same"));
        assertTrue(c.remove(id).startsWith("application " + id + " removed"));
        assertTrue(c.remove(id).startsWith("refused: no application"));
        assertTrue(c.rebalance().startsWith("every relay path"));
    }
}
