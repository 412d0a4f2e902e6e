package org.qkdv2i.shell.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Instant;
import java.util.List;

import org.junit.Test;
import org.qkdv2i.kmm.api.PoolStatus;
import org.qkdv2i.kmm.api.RelayStats;
import org.qkdv2i.kmm.api.SaeInfo;
import org.qkdv2i.kmm.api.VirtualLink;
import org.qkdv2i.qkd.api.LinkState;
import org.qkdv2i.qkd.api.LinkStatus;

public class ViewsTest {

    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

    private static Views.Node nodeA() {
        LinkStatus up = new LinkStatus(LinkState.UP, 0.0213, 12_345, 1_000_000, 9.5, "", T);
        PoolStatus ab = new PoolStatus("A", "A-B", "B", true, up, 40, 38, 1000, 100, 256, 7, 1);
        PoolStatus ac = new PoolStatus("A", "A-C", "C", false, null, 0, 0, 1000, 100, 256, 0, 0);
        return new Views.Node("A", List.of(ac, ab), List.of(new SaeInfo("SAE-2", "B", false), new SaeInfo("SAE-1", "A", true)));
    }

    @Test
    public void linksShowDriverStateQberAndRatePerLinkSortedById() {
        String out = Views.links(List.of(nodeA()));
        String[] lines = out.split("\n");
        assertEquals(4, lines.length);
        assertTrue(lines[0].startsWith("NODE  LINK  PEER  DRIVER  STATE  QBER   SKR"));
        assertEquals("A     A-B   B     yes     UP     2.13%  12.3 kbit/s  -", lines[2]);
        assertEquals("A     A-C   C     no      -      -      -            -", lines[3]);
    }

    @Test
    public void nodesSumKeysAndCountLinksUpAndLocalSaes() {
        String out = Views.nodes(List.of(nodeA()));
        String[] lines = out.split("\n");
        assertEquals("NODE  LINKS  LINKS UP  LOCAL SAES  KNOWN SAES  OWN KEYS  DELIVERED", lines[0]);
        assertEquals("A         2         1           1           2        40          7", lines[2]);
    }

    @Test
    public void poolsAndSaesList() {
        assertTrue(Views.pools(List.of(nodeA())).contains("A     A-B   B      40         38      1000"));
        String saes = Views.saes(List.of(nodeA()));
        assertTrue(saes, saes.contains("A     SAE-1  A          local"));
        assertTrue(saes, saes.contains("A     SAE-2  B          remote"));
    }

    @Test
    public void emptyFrameworkSaysWhatIsMissing() {
        assertTrue(Views.nodes(List.of()).startsWith("no KMM running"));
        assertTrue(Views.links(List.of()).startsWith("no QKD links"));
    }

    @Test
    public void ratesAndPercentages() {
        assertEquals("950 bit/s", Views.rate(950));
        assertEquals("1.50 Mbit/s", Views.rate(1_500_000));
        assertEquals("-", Views.percent(Double.NaN));
        assertEquals("11.00%", Views.percent(0.11));
    }

    @Test
    public void relaysListVirtualLinksAndTheLinkKeyEachLinkSpent() {
        Views.Relays b = new Views.Relays("B", List.of(new VirtualLink("V-AC", "A", "C", "A", "C")),
                List.of(new RelayStats("B-C", "C", 12, 0, 6144, 1), new RelayStats("A-B", "A", 0, 12, 6144, 1)));
        Views.Relays a = new Views.Relays("A", List.of(new VirtualLink("V-AC", "A", "C", null, "B")), List.of());
        String[] lines = Views.relays(List.of(b, a)).split("\n");
        assertEquals("NODE  VIRTUAL LINK  ENDS   PREVIOUS HOP  NEXT HOP", lines[0]);
        assertEquals("A     V-AC          A … C  -             B", lines[2]);
        assertEquals("B     V-AC          A … C  A             C", lines[3]);
        assertEquals("the two tables are apart", "", lines[4]);
        assertEquals("NODE  LINK  PEER  SENT  RECEIVED  LINK KEY BITS  VOIDED", lines[5]);
        assertEquals("B     A-B   A        0        12           6144       1", lines[7]);
        assertEquals("B     B-C   C       12         0           6144       1", lines[8]);
    }

    @Test
    public void relaysSayWhatIsMissingWhenNothingIsRelayed() {
        String out = Views.relays(List.of(new Views.Relays("A", List.of(), List.of())));
        assertTrue(out, out.contains("no virtual links"));
        assertTrue(out, out.contains("no key relayed since start"));
    }
}
