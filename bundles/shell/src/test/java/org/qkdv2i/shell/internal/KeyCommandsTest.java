package org.qkdv2i.shell.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.Test;
import org.qkdv2i.kmm.api.KeyManager;
import org.qkdv2i.kmm.api.KeyManagerException;
import org.qkdv2i.kmm.api.SaeInfo;

/** qkd:voidkey over in-test KMM fakes: the KMM serving the master voids; errors are one line. */
public class KeyCommandsTest {

    private final List<String> calls = new ArrayList<>();

    /** A KMM at {@code node} serving {@code local} SAEs; voidKey refuses unknown keys like the real one. */
    private KeyManager kmm(String node, UUID known, String... local) {
        return (KeyManager) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {KeyManager.class},
                (p, m, args) -> {
                    switch (m.getName()) {
                        case "saes":
                            List<SaeInfo> s = new ArrayList<>();
                            for (String sae : local) {
                                s.add(new SaeInfo(sae, node, true));
                            }
                            s.add(new SaeInfo("remote", "Z", false));
                            return s;
                        case "voidKey":
                            calls.add(node + " " + args[0] + " " + args[1] + " " + args[2] + " " + args[3]);
                            if (!known.equals(args[2])) {
                                throw new KeyManagerException(KeyManagerException.Reason.KEYS_NOT_FOUND,
                                        "key " + args[2] + " was not delivered to this pair");
                            }
                            return null;
                        case "keyAuthentication":
                            return List.of(new org.qkdv2i.kmm.api.KeyAuthStatus(node, "L-" + node, 12, 1, 0, 3328, 2));
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
    public void theKmmServingTheMasterVoidsTheKey() {
        UUID id = UUID.randomUUID();
        KeyCommands c = new KeyCommands();
        assertEquals(KeyCommands.NO_KMM, c.voidkey("sa", "sb", id.toString()));
        c.bindKeyManager(kmm("B", id, "sb"), Map.of(KeyManager.NODE_PROPERTY, "B"));
        c.bindKeyManager(kmm("A", id, "sa"), Map.of(KeyManager.NODE_PROPERTY, "A"));
        String out = c.voidkey("sa", "sb", id.toString(), "leaked", "in", "a", "log");
        assertTrue(out, out.startsWith("node A: key " + id + " of SAE pair sa -> sb voided at both ends"));
        assertEquals(List.of("A sa sb " + id + " operator: leaked in a log"), calls);
    }

    @Test
    public void keyauthListsTheCountersPerNodeAndLink() {
        KeyCommands c = new KeyCommands();
        assertEquals(KeyCommands.NO_KMM, c.keyauth());
        c.bindKeyManager(kmm("B", UUID.randomUUID(), "sb"), Map.of(KeyManager.NODE_PROPERTY, "B"));
        c.bindKeyManager(kmm("A", UUID.randomUUID(), "sa"), Map.of(KeyManager.NODE_PROPERTY, "A"));
        String[] lines = c.keyauth().split("\n");
        assertEquals(3, lines.length);
        assertTrue(lines[0], lines[0].contains("bits spent"));
        assertTrue(lines[1], lines[1].matches("A\\s+L-A\\s+12\\s+1\\s+0\\s+3328\\s+2"));
        assertTrue(lines[2], lines[2].startsWith("B "));
    }

    @Test
    public void badInputAndRefusalsAreOneLine() {
        UUID id = UUID.randomUUID();
        KeyCommands c = new KeyCommands();
        c.bindKeyManager(kmm("A", id, "sa"), Map.of(KeyManager.NODE_PROPERTY, "A"));
        assertTrue(c.voidkey("sa", "sb", "nope").startsWith("'nope' is not a key ID (UUID)"));
        assertEquals(KeyCommands.USAGE, c.voidkey(null, null, null));
        assertEquals("no KMM in this framework serves master SAE 'sx' (qkd:saes lists them)",
                c.voidkey("sx", "sb", id.toString()));
        UUID other = UUID.randomUUID();
        assertEquals("node A: refused (KEYS_NOT_FOUND): key " + other + " was not delivered to this pair",
                c.voidkey("sa", "sb", other.toString()));
    }
}
