package org.qkdv2i.kmm.internal.core;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;

import java.nio.file.Path;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Groups are written in the order they were closed, whoever writes them. */
public class JournalTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private static MVMap<?, ?> replayed(Path dir, MVStore store) throws Exception {
        Journal.replay(dir, name -> Vault.openLongBytes(store, name));
        return Vault.openLongBytes(store, "m");
    }

    @Test
    public void aLaterGroupWrittenFirstBringsTheEarlierOneWithItInOrder() throws Exception {
        Path dir = tmp.getRoot().toPath();
        Journal j = Journal.open(dir);
        j.putLongBytes("m", 1, new byte[] {1});
        long first = j.take();
        j.putLongBytes("m", 1, new byte[] {2});
        j.removeLong("m", 9);
        long second = j.take();
        j.write(second); // e.g. the thread that closed the second group got to the disk first
        j.write(first); // nothing left to do
        j.putLongBytes("m", 3, new byte[] {3}); // never taken: not written
        j.close();
        MVStore store = MVStore.open(null);
        @SuppressWarnings("unchecked")
        MVMap<Long, byte[]> m = (MVMap<Long, byte[]>) replayed(dir, store);
        assertArrayEquals(new byte[] {2}, m.get(1L));
        assertEquals(1, m.size());
        store.close();
    }

    @Test
    public void takingWithNothingNewNamesTheLastGroup() throws Exception {
        Journal j = Journal.open(tmp.getRoot().toPath());
        j.putLongBytes("m", 1, new byte[] {1});
        long g = j.take();
        assertEquals(g, j.take());
        j.close();
    }
}
