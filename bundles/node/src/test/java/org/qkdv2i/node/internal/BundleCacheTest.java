package org.qkdv2i.node.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class BundleCacheTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void deletesTheCachesOfOtherBuildsOnly() throws Exception {
        Path cache = tmp.newFolder("cache").toPath();
        Path current = Files.createDirectories(cache.resolve("felix-aaaa"));
        Files.writeString(current.resolve("bundle1"), "current");
        Path old = Files.createDirectories(cache.resolve("felix-bbbb").resolve("bundle3").resolve("version0.0"));
        Files.writeString(old.resolve("bundle.jar"), "old");
        Path operatorFile = Files.writeString(cache.resolve("notes.txt"), "not ours");
        Path otherDir = Files.createDirectories(cache.resolve("other"));

        List<Path> deleted = BundleCache.deleteOtherCaches(current);

        assertEquals(List.of(cache.resolve("felix-bbbb")), deleted);
        assertFalse(Files.exists(cache.resolve("felix-bbbb")));
        assertTrue("the running cache stays", Files.exists(current.resolve("bundle1")));
        assertTrue("files not named felix-* stay", Files.exists(operatorFile));
        assertTrue("folders not named felix-* stay", Files.exists(otherDir));
    }

    @Test
    public void touchesNothingWhenTheCurrentCacheIsNotAFelixCache() throws Exception {
        Path parent = tmp.newFolder("somewhere").toPath();
        Path current = Files.createDirectories(parent.resolve("osgi-storage"));
        Path sibling = Files.createDirectories(parent.resolve("felix-1234"));

        assertEquals(List.of(), BundleCache.deleteOtherCaches(current));
        assertTrue(Files.exists(sibling));
    }
}
