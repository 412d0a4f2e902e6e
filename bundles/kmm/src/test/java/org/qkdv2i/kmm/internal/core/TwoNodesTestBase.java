package org.qkdv2i.kmm.internal.core;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.rules.TemporaryFolder;

/** Tests of two in-process KMM cores A and B joined by link {@link TwoNodes#LINK}, each in a fresh folder. */
public abstract class TwoNodesTestBase {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    protected TwoNodes net;

    @Before
    public void startTwoNodes() throws Exception {
        net = new TwoNodes(tmp.getRoot().toPath());
    }

    @After
    public void closeTwoNodes() {
        net.close();
    }
}
