package org.qkdv2i.shell.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;

import org.junit.Test;
import org.qkdv2i.kmm.api.KeyManager;
import org.qkdv2i.kmm.api.QosStatus;

/** qkd:qos over in-test KMM fakes: one row per node, pool and consumer, nodes in order. */
public class QosCommandsTest {

    private static KeyManager kmm(List<QosStatus> rows) {
        return (KeyManager) Proxy.newProxyInstance(QosCommandsTest.class.getClassLoader(),
                new Class<?>[] {KeyManager.class}, (p, m, args) -> {
                    switch (m.getName()) {
                        case "qosAllocation":
                            return rows;
                        case "hashCode":
                            return System.identityHashCode(p);
                        case "equals":
                            return p == args[0];
                        default:
                            throw new UnsupportedOperationException(m.getName());
                    }
                });
    }

    @Test
    public void listsPriorityMinimaServedRatesAndRefusals() {
        QosCommands c = new QosCommands();
        assertEquals(QosCommands.NO_KMM, c.qos());
        c.bindKeyManager(kmm(List.of()), Map.of(KeyManager.NODE_PROPERTY, "B"));
        assertEquals(QosCommands.NONE, c.qos());
        c.bindKeyManager(kmm(List.of(
                new QosStatus("A", "B", "pair sa -> sb", 10, 1024, 1536, true, 1024, 40, 0, 1024),
                new QosStatus("A", "B", "pair sa -> sb2", 1, 0, 0, false, 0, 3, 140, 1024))),
                Map.of(KeyManager.NODE_PROPERTY, "A"));
        String[] lines = c.qos().split("\n");
        assertEquals(4, lines.length);
        assertTrue(lines[0], lines[0].startsWith("node") && lines[0].contains("refused"));
        assertTrue(lines[2], lines[2].matches("A\\s+B\\s+pair sa -> sb\\s+10\\s+1024\\s+1536\\s+yes\\s+1024\\s+40\\s+0\\s+1024"));
        assertTrue(lines[3], lines[3].matches("A\\s+B\\s+pair sa -> sb2\\s+1\\s+0\\s+-\\s+no\\s+0\\s+3\\s+140\\s+1024"));
    }
}
