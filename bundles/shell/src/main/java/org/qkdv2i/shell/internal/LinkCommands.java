package org.qkdv2i.shell.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Function;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.qkdv2i.kmm.api.KeyManager;
import org.qkdv2i.kmm.api.KeyManagerException;
import org.qkdv2i.kmm.api.LinkControl;
import org.qkdv2i.kmm.api.PoolStatus;
import org.qkdv2i.qkd.api.LinkStatus;

/**
 * {@code qkd:link-disable <link> [reason...]} and {@code qkd:link-enable <link>} over the
 * {@link LinkControl} of every KMM in the framework (hyphenated names: a {@link Function}
 * service each, like the driver commands). Like the other {@code qkd:} commands they work on
 * all nodes present: the command acts at every node here that has the physical link (one node
 * in production, both ends in the demo), and each KMM also tells its peer KMM, so one node
 * suffices when the peer runs elsewhere. Then it shows the link at those nodes.
 */
final class LinkCommands {

    /** The KMMs present: their link control and key manager, by node ID (dynamic, greedy). */
    private final Map<String, LinkControl> controls = new ConcurrentHashMap<>();
    private final Map<String, KeyManager> managers = new ConcurrentHashMap<>();

    void bindLinkControl(LinkControl c, Map<String, Object> props) {
        controls.put(node(props, c.nodeId()), c);
    }

    void unbindLinkControl(LinkControl c, Map<String, Object> props) {
        controls.remove(node(props, c.nodeId()), c);
    }

    void bindKeyManager(KeyManager k, Map<String, Object> props) {
        managers.put(node(props, "?"), k);
    }

    void unbindKeyManager(KeyManager k, Map<String, Object> props) {
        managers.remove(node(props, "?"), k);
    }

    private static String node(Map<String, Object> props, String fallback) {
        Object n = props.get(KeyManager.NODE_PROPERTY);
        return n == null ? fallback : n.toString();
    }

    static final String NO_CONTROL = "no KMM with link control in this framework (LinkControl services of "
            + "org.qkdv2i.kmm; check deploy/org.qkdv2i.kmm.Node-*.config)";

    /** One node's view of the link after the command. */
    record Row(String nodeId, String linkId, String peerNodeId, boolean disabled, LinkStatus status) {
    }

    /** Disables ({@code enable=false}) or enables the link at every node here that has it. */
    String run(String linkId, boolean enable, String reason) {
        if (controls.isEmpty()) {
            return NO_CONTROL;
        }
        List<String> nodes = nodesWith(linkId);
        if (nodes.isEmpty()) {
            return "no node in this framework has a physical link '" + linkId + "' (qkd:links lists them)";
        }
        StringBuilder out = new StringBuilder();
        for (String node : nodes) {
            out.append(apply(node, linkId, enable, reason)).append('\n');
        }
        return (out + table(rows(linkId, nodes))).stripTrailing();
    }

    /** Nodes (sorted) whose KMM has link control and a pool for the link. */
    private List<String> nodesWith(String linkId) {
        List<String> out = new ArrayList<>();
        for (String node : controls.keySet().stream().sorted().toList()) {
            KeyManager k = managers.get(node);
            try {
                if (k != null && k.pools().stream().anyMatch(p -> p.linkId().equals(linkId))) {
                    out.add(node);
                }
            } catch (RuntimeException leftMeanwhile) {
                // a KMM being deactivated while we ask it: not part of this answer
            }
        }
        return out;
    }

    private String apply(String node, String linkId, boolean enable, String reason) {
        LinkControl c = controls.get(node);
        if (c == null) {
            return "node " + node + ": its KMM left meanwhile";
        }
        try {
            boolean disabledBefore = c.disabledLinks().contains(linkId);
            if (enable != disabledBefore) {
                return "node " + node + ": link " + linkId + " already " + (enable ? "enabled" : "disabled");
            }
            if (enable) {
                c.enable(linkId);
                return "node " + node + ": link " + linkId + " enabled; its KMM re-attaches the driver and tells the peer";
            }
            c.disable(linkId, reason);
            return "node " + node + ": link " + linkId + " disabled (" + reason
                    + "); its KMM detached the driver and tells the peer; stored keys are still served";
        } catch (KeyManagerException e) {
            return "node " + node + ": refused (" + e.reason() + "): " + describe(e);
        } catch (RuntimeException e) {
            return "node " + node + ": failed: " + describe(e);
        }
    }

    private List<Row> rows(String linkId, List<String> nodes) {
        List<Row> rows = new ArrayList<>();
        for (String node : nodes) {
            try {
                LinkControl c = controls.get(node);
                KeyManager k = managers.get(node);
                if (c == null || k == null) {
                    continue;
                }
                Set<String> disabled = c.disabledLinks();
                for (PoolStatus p : k.pools()) {
                    if (p.linkId().equals(linkId)) {
                        rows.add(new Row(node, linkId, p.peerNodeId(), disabled.contains(linkId), p.link()));
                    }
                }
            } catch (RuntimeException leftMeanwhile) {
                // skipped
            }
        }
        return rows;
    }

    /** The link at each node: enabled or disabled, the state and reason its KMM reports. */
    static String table(List<Row> rows) {
        Table t = new Table("NODE", "LINK", "PEER", "CONTROL", "STATE", "REASON");
        rows.stream().sorted(Comparator.comparing(Row::nodeId)).forEach(r -> t.row(r.nodeId(), r.linkId(),
                r.peerNodeId(), r.disabled() ? "disabled" : "enabled",
                r.status() == null ? "-" : r.status().state().name(),
                r.status() == null || r.status().reason().isEmpty() ? "-" : r.status().reason()));
        return t.render("-");
    }

    /** A failure as one line (not Commands.describe: that class mentions zap.api, which may be missing). */
    static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.replaceAll("\\s+", " ");
    }

    /** The words after the link ID, as the operator typed them. */
    static String reason(List<Object> args) {
        String r = args.stream().skip(1).map(String::valueOf).collect(Collectors.joining(" ")).strip();
        return r.isEmpty() ? "no reason given" : r;
    }

    /** {@code qkd:link-disable <link> [reason...]}. */
    @Component(service = Function.class, property = {"osgi.command.scope=qkd",
            "osgi.command.function=link-disable"})
    public static final class Disable implements Function {
        final LinkCommands links = new LinkCommands();

        @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
                policyOption = ReferencePolicyOption.GREEDY)
        void bindLinkControl(LinkControl c, Map<String, Object> props) {
            links.bindLinkControl(c, props);
        }

        void unbindLinkControl(LinkControl c, Map<String, Object> props) {
            links.unbindLinkControl(c, props);
        }

        @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
                policyOption = ReferencePolicyOption.GREEDY)
        void bindKeyManager(KeyManager k, Map<String, Object> props) {
            links.bindKeyManager(k, props);
        }

        void unbindKeyManager(KeyManager k, Map<String, Object> props) {
            links.unbindKeyManager(k, props);
        }

        @Override
        public Object execute(CommandSession session, List<Object> args) {
            String usage = DriverCommands.usageIf(args.isEmpty(), "qkd:link-disable <link> [reason...]");
            return usage != null ? usage : links.run(String.valueOf(args.get(0)), false, reason(args));
        }
    }

    /** {@code qkd:link-enable <link>}. */
    @Component(service = Function.class, property = {"osgi.command.scope=qkd",
            "osgi.command.function=link-enable"})
    public static final class Enable implements Function {
        final LinkCommands links = new LinkCommands();

        @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
                policyOption = ReferencePolicyOption.GREEDY)
        void bindLinkControl(LinkControl c, Map<String, Object> props) {
            links.bindLinkControl(c, props);
        }

        void unbindLinkControl(LinkControl c, Map<String, Object> props) {
            links.unbindLinkControl(c, props);
        }

        @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
                policyOption = ReferencePolicyOption.GREEDY)
        void bindKeyManager(KeyManager k, Map<String, Object> props) {
            links.bindKeyManager(k, props);
        }

        void unbindKeyManager(KeyManager k, Map<String, Object> props) {
            links.unbindKeyManager(k, props);
        }

        @Override
        public Object execute(CommandSession session, List<Object> args) {
            String usage = DriverCommands.usageIf(args.size() != 1, "qkd:link-enable <link>");
            return usage != null ? usage : links.run(String.valueOf(args.get(0)), true, null);
        }
    }
}
