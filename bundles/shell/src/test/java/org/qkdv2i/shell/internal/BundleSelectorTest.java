package org.qkdv2i.shell.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.Test;

public class BundleSelectorTest {

    private static final List<BundleSelector.Candidate> BUNDLES = List.of(
            new BundleSelector.Candidate(0, "org.apache.felix.framework", "7.0.5"),
            new BundleSelector.Candidate(12, "org.qkdv2i.driver.sim", "1.0.0"),
            new BundleSelector.Candidate(15, "org.qkdv2i.driver.sim", "1.10.0"),
            new BundleSelector.Candidate(14, "org.qkdv2i.driver.sim", "1.2.0"));

    @Test
    public void selectsByIdOrByNameWithTheHighestVersion() {
        assertEquals(12, BundleSelector.select("12", BUNDLES).orElseThrow().id());
        assertEquals(15, BundleSelector.select("org.qkdv2i.driver.sim", BUNDLES).orElseThrow().id());
        assertEquals(15, BundleSelector.select(" org.qkdv2i.driver.sim ", BUNDLES).orElseThrow().id());
    }

    @Test
    public void unknownOrNonsenseSelectsNothing() {
        assertTrue(BundleSelector.select("99", BUNDLES).isEmpty());
        assertTrue(BundleSelector.select("no.such.bundle", BUNDLES).isEmpty());
        assertTrue(BundleSelector.select("", BUNDLES).isEmpty());
        assertTrue(BundleSelector.select("99999999999999999999999", BUNDLES).isEmpty());
    }

    @Test
    public void filesBecomeAbsoluteFileUrlsAndUrlsStayAsGiven() {
        Path cwd = Path.of("/srv/node");
        assertEquals("file:///srv/node/deploy/d.jar", BundleSelector.location("deploy/d.jar", cwd));
        assertEquals("file:///tmp/d.jar", BundleSelector.location("/tmp/d.jar", cwd));
        assertEquals("https://example.org/d.jar", BundleSelector.location("https://example.org/d.jar", cwd));
        assertEquals("file:/x/d.jar", BundleSelector.location("file:/x/d.jar", cwd));
    }
}
