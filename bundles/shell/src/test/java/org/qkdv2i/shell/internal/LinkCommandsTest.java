package org.qkdv2i.shell.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.Test;
import org.qkdv2i.kmm.api.KeyManager;
import org.qkdv2i.kmm.api.KeyManagerException;
import org.qkdv2i.kmm.api.LinkControl;
import org.qkdv2i.kmm.api.PoolStatus;
import org.qkdv2i.qkd.api.LinkState;
import org.qkdv2i.qkd.api.LinkStatus;

/** qkd:link-disable and qkd:link-enable over in-test KMM fakes (one node, or both ends in one framework). */
public class LinkCommandsTest {

    /** A node's KMM: one link to {@code peer}; a disable or enable here reaches the peer fake, as the KMM's would. */
    private static class FakeKmm implements LinkControl {
        final String node;
        final String link;
        final String peerNode;
        FakeKmm peer;
        final Set<String> disabled = ConcurrentHashMap.newKeySet();
        volatile String reason = "";
        final List<String> calls = new ArrayList<>();

        FakeKmm(String node, String link, String peerNode) {
            this.node = node;
            this.link = link;
            this.peerNode = peerNode;
        }

        @Override
        public String nodeId() {
            return node;
        }

        @Override
        public void disable(String linkId, String why) throws KeyManagerException {
            calls.add("disable " + linkId + " " + why);
            check(linkId);
            if (disabled.add(linkId)) {
                reason = "disabled by operator: " + why;
                if (peer != null && peer.disabled.add(linkId)) {
                    peer.reason = "disabled by operator at peer node " + node + ": " + why;
                }
            }
        }

        @Override
        public void enable(String linkId) throws KeyManagerException {
            calls.add("enable " + linkId);
            check(linkId);
            if (disabled.remove(linkId)) {
                reason = "";
                if (peer != null) {
                    peer.disabled.remove(linkId);
                    peer.reason = "";
                }
            }
        }

        private void check(String linkId) throws KeyManagerException {
            if (!link.equals(linkId)) {
                throw new KeyManagerException(KeyManagerException.Reason.BAD_REQUEST,
                        "link " + linkId + " is not a physical link of node " + node);
            }
        }

        @Override
        public Set<String> disabledLinks() {
            return Set.copyOf(disabled);
        }

        KeyManager keyManager() {
            return (KeyManager) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {KeyManager.class},
                    (p, m, args) -> {
                        if (m.getName().equals("pools")) {
                            LinkStatus s = LinkStatus.of(disabled.isEmpty() ? LinkState.UP : LinkState.DOWN, reason,
                                    Instant.EPOCH);
                            return List.of(new PoolStatus(node, link, peerNode, true, s, 10, 10, 100, 1, 256, 0, 0));
                        }
                        throw new UnsupportedOperationException(m.getName());
                    });
        }
    }

    private static Map<String, Object> props(String node) {
        return Map.of(KeyManager.NODE_PROPERTY, node);
    }

    private static void bind(LinkCommands.Disable d, LinkCommands.Enable e, FakeKmm... kmms) {
        for (FakeKmm k : kmms) {
            KeyManager km = k.keyManager();
            d.bindLinkControl(k, props(k.node));
            d.bindKeyManager(km, props(k.node));
            e.bindLinkControl(k, props(k.node));
            e.bindKeyManager(km, props(k.node));
        }
    }

    private static String run(org.apache.felix.service.command.Function f, Object... args) throws Exception {
        return String.valueOf(f.execute(null, List.of(args)));
    }

    private final LinkCommands.Disable disable = new LinkCommands.Disable();
    private final LinkCommands.Enable enable = new LinkCommands.Enable();

    @Test
    public void withoutKmmsOrWithoutTheLinkOneClearLine() throws Exception {
        assertEquals(LinkCommands.NO_CONTROL, run(disable, "A-B"));
        bind(disable, enable, new FakeKmm("A", "A-B", "B"));
        assertEquals("no node in this framework has a physical link 'A-X' (qkd:links lists them)",
                run(disable, "A-X", "why"));
        assertEquals("no node in this framework has a physical link 'A-X' (qkd:links lists them)", run(enable, "A-X"));
        assertEquals("usage: qkd:link-disable <link> [reason...]", run(disable));
        assertEquals("usage: qkd:link-enable <link>", run(enable));
        assertEquals("usage: qkd:link-enable <link>", run(enable, "A-B", "extra"));
    }

    @Test
    public void disableAtTheOneNodeHereWithTheRestOfTheLineAsReasonThenEnable() throws Exception {
        FakeKmm a = new FakeKmm("A", "A-B", "B");
        bind(disable, enable, a);
        String out = run(disable, "A-B", "fibre", "work", 42);
        String[] lines = out.split("\n");
        assertEquals(out, "node A: link A-B disabled (fibre work 42); its KMM detached the driver and tells the peer; "
                + "stored keys are still served", lines[0]);
        assertEquals(out, "NODE  LINK  PEER  CONTROL   STATE  REASON", lines[1]);
        assertEquals(out, "A     A-B   B     disabled  DOWN   disabled by operator: fibre work 42", lines[3]);
        assertEquals(List.of("disable A-B fibre work 42"), a.calls);

        assertTrue(run(disable, "A-B").startsWith("node A: link A-B already disabled\n"));
        assertEquals("a second disable does not reach the KMM", 1, a.calls.size());

        out = run(enable, "A-B");
        assertTrue(out, out.startsWith("node A: link A-B enabled; its KMM re-attaches the driver and tells the peer\n"));
        assertTrue(out, out.endsWith("A     A-B   B     enabled  UP     -"));
        assertTrue(run(enable, "A-B").startsWith("node A: link A-B already enabled"));
    }

    @Test
    public void bothEndsInOneFrameworkTheFirstNodeActsAndThePeerFollows() throws Exception {
        FakeKmm a = new FakeKmm("A", "A-B", "B");
        FakeKmm b = new FakeKmm("B", "A-B", "A");
        a.peer = b;
        b.peer = a;
        bind(disable, enable, b, a);
        String out = run(disable, "A-B");
        assertTrue(out, out.startsWith("node A: link A-B disabled (no reason given)"));
        assertTrue(out, out.contains("\nnode B: link A-B already disabled\n"));
        assertTrue(out, out.contains("A     A-B   B     disabled  DOWN   disabled by operator: no reason given"));
        assertTrue(out, out.endsWith("B     A-B   A     disabled  DOWN   disabled by operator at peer node A: no reason given"));
        assertEquals(List.of(), b.calls);
        out = run(enable, "A-B");
        assertTrue(out, out.contains("node B: link A-B already enabled"));
        assertEquals(Set.of(), b.disabledLinks());
    }

    @Test
    public void aRefusalOrAFailingKmmIsOneLineAndAKmmThatLeftIsGone() throws Exception {
        FakeKmm a = new FakeKmm("A", "A-B", "B") {
            @Override
            public void disable(String linkId, String why) throws KeyManagerException {
                throw new KeyManagerException(KeyManagerException.Reason.BAD_REQUEST, "link A-B is\nodd");
            }

            @Override
            public void enable(String linkId) {
                throw new IllegalStateException("KMM stopping");
            }
        };
        bind(disable, enable, a);
        assertTrue(run(disable, "A-B").startsWith("node A: refused (BAD_REQUEST): link A-B is odd\n"));
        assertTrue(run(disable, "A-B").contains("\nA     A-B   B     enabled"));
        a.disabled.add("A-B");
        assertTrue(run(enable, "A-B").startsWith("node A: failed: KMM stopping\n"));
        disable.unbindLinkControl(a, props("A"));
        assertEquals(LinkCommands.NO_CONTROL, run(disable, "A-B"));
    }
}
