package org.qkdv2i.sdn.controller.internal;

import java.util.Locale;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.qkdv2i.sdn.controller.internal.graph.AppRequest;
import org.qkdv2i.sdn.controller.internal.graph.Application;
import org.qkdv2i.sdn.controller.internal.graph.Network;
import org.qkdv2i.sdn.controller.internal.graph.NetworkException;
import org.qkdv2i.sdn.controller.internal.graph.Path;
import org.qkdv2i.sdn.controller.internal.graph.Weights;

/**
 * Gogo commands of the SDN controller, scope {@code sdn}: nodes, links, apps, provision, remove,
 * path, rebalance. They work on the running controller (its service comes and goes with its TLS identity);
 * without one they say so.
 */
@Component(service = SdnCommands.class, property = {
        "osgi.command.scope=sdn",
        "osgi.command.function=nodes",
        "osgi.command.function=links",
        "osgi.command.function=apps",
        "osgi.command.function=provision",
        "osgi.command.function=remove",
        "osgi.command.function=path",
        "osgi.command.function=rebalance"})
public class SdnCommands {

    private volatile SdnController controller;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindController(SdnController c) {
        controller = c;
    }

    void unbindController(SdnController c) {
        if (controller == c) {
            controller = null;
        }
    }

    @Descriptor("agents of the controller: reachable, last answer, links and applications they hold")
    public String nodes() {
        SdnController c = running();
        if (c == null) {
            return NOT_RUNNING;
        }
        TextTable t = new TextTable("NODE", "AGENT", "REACHABLE", "PHYS", "VIRT", "APPS", "LAST ANSWER / ERROR");
        for (NodeStatus n : c.nodes()) {
            t.row(n.nodeId(), n.url(), n.reachable() ? "yes" : "no", n.physLinks(), n.virtLinks(), n.apps(),
                    n.lastError().isEmpty() ? String.valueOf(n.lastAnswer()) : n.lastError());
        }
        return t.toString();
    }

    @Descriptor("physical links (state, pool, SKR, QBER) and virtual links (relay paths)")
    public String links() {
        SdnController c = running();
        if (c == null) {
            return NOT_RUNNING;
        }
        TextTable t = new TextTable("LINK", "ENDS", "STATE", "POOL BITS", "SKR bit/s", "QBER %", "EXPECTED bit/s", "RESERVED bit/s");
        for (Network.LinkView l : c.network().links()) {
            t.row(l.id(), l.nodeA() + "-" + l.nodeB(), l.metrics().state(),
                    l.metrics().poolBits() < 0 ? "-" : l.metrics().poolBits(), (long) l.metrics().skrBps(),
                    Double.isNaN(l.metrics().qber()) ? "-" : String.format(Locale.ROOT, "%.2f", 100 * l.metrics().qber()),
                    (long) l.metrics().expectedConsumption(), (long) l.reservedBps());
        }
        TextTable v = new TextTable("VIRT LINK", "ENDS", "PATH", "STATUS", "APPS");
        for (Network.RelayPathView r : c.network().relayPaths()) {
            v.row(r.virtualLinkId() == null ? "(direct)" : r.virtualLinkId(), r.firstEnd() + "-" + r.lastEnd(), r.path(),
                    r.noPath() ? "NO_PATH: " + r.reason() : "ACTIVE", r.apps().size());
        }
        return t + "\n\n" + v;
    }

    @Descriptor("provisioned applications: SAEs, nodes, priority, status, path")
    public String apps() {
        SdnController c = running();
        if (c == null) {
            return NOT_RUNNING;
        }
        TextTable t = new TextTable("APP", "SERVER SAE@NODE", "CLIENT SAE@NODE", "PRIO", "STATUS", "PUSHED", "PATH");
        for (Application a : c.network().applications()) {
            t.row(a.id(), a.request().serverSae() + "@" + a.request().serverNode(),
                    a.request().clientSae() + "@" + a.request().clientNode(), a.request().priority(), a.status(),
                    c.isConfigured(a) ? "yes" : "pending", a.path());
        }
        return t.toString();
    }

    @Descriptor("provision an application between two SAEs on two nodes")
    public String provision(@Descriptor("server (master) SAE ID") String serverSae,
            @Descriptor("its node") String serverNode, @Descriptor("client (slave) SAE ID") String clientSae,
            @Descriptor("its node") String clientNode) {
        return provision(serverSae, serverNode, clientSae, clientNode, 0, 0);
    }

    @Descriptor("provision an application with a priority (higher = more important) and a minimum key rate (bit/s)")
    public String provision(@Descriptor("server (master) SAE ID") String serverSae,
            @Descriptor("its node") String serverNode, @Descriptor("client (slave) SAE ID") String clientSae,
            @Descriptor("its node") String clientNode, @Descriptor("priority") int priority,
            @Descriptor("minimum key rate, bit/s") long minBandwidth) {
        SdnController c = running();
        if (c == null) {
            return NOT_RUNNING;
        }
        try {
            Application a = c.provision(new AppRequest(null, serverSae, serverNode, clientSae, clientNode, priority,
                    new AppRequest.Qos(0, minBandwidth, 0, 0)));
            return "application " + a.id() + " on " + a.path() + " (backing link " + a.backingLink() + ", "
                    + (c.isConfigured(a) ? "pushed to the agents" : "push pending: see sdn:nodes") + ")";
        } catch (IllegalArgumentException | NetworkException e) {
            return "refused: " + e.getMessage();
        }
    }

    @Descriptor("remove an application (its entries are deleted at the agents)")
    public String remove(@Descriptor("application ID") String appId) {
        SdnController c = running();
        if (c == null) {
            return NOT_RUNNING;
        }
        try {
            Application a = c.remove(appId);
            return "application " + a.id() + " removed (was on " + a.path() + ")";
        } catch (NetworkException e) {
            return "refused: " + e.getMessage();
        }
    }

    @Descriptor("an application's path and key budget per hop")
    public String path(@Descriptor("application ID") String appId) {
        SdnController c = running();
        if (c == null) {
            return NOT_RUNNING;
        }
        try {
            Application a = c.network().application(appId);
            if (a == null) {
                return "no application " + appId;
            }
            Network.Budget b = c.network().budget(appId);
            TextTable t = new TextTable("HOP", "LINK", "STATE", "POOL BITS", "SKR bit/s", "CONSUMPTION bit/s", "QBER %");
            for (Network.Hop h : b.hops()) {
                t.row(h.from() + "->" + h.to(), h.linkId(), h.state(), h.poolBits(), (long) h.skrBps(),
                        (long) h.consumptionBps(), Double.isNaN(h.qber()) ? "-" : String.format(Locale.ROOT, "%.2f", 100 * h.qber()));
            }
            return "application " + appId + " " + a.status() + " on " + a.path() + " (backing link " + a.backingLink()
                    + ")\n" + t + String.format(Locale.ROOT,
                            "%nkey budget: bottleneck pool %d bits, sustainable %.0f bit/s beyond expected use, demand %.0f bit/s, %.0f s on the pool alone",
                            b.bottleneckPoolBits(), b.sustainableBps(), b.demandBps(), b.secondsOnPool());
        } catch (NetworkException e) {
            return "refused: " + e.getMessage();
        }
    }

    @Descriptor("the path an application between two nodes would get now")
    public String path(@Descriptor("from node") String from, @Descriptor("to node") String to) {
        SdnController c = running();
        if (c == null) {
            return NOT_RUNNING;
        }
        Path p = c.preview(from, to, Weights.DEFAULT_DEMAND_BPS, 0);
        return p == null ? "no path from " + from + " to " + to + " now"
                : p + String.format(Locale.ROOT, " (cost %.3f)", p.cost());
    }

    @Descriptor("re-optimise: move every application whose relay path has a clearly (20 %) cheaper alternative now")
    public String rebalance() {
        SdnController c = running();
        if (c == null) {
            return NOT_RUNNING;
        }
        StringBuilder sb = new StringBuilder();
        for (org.qkdv2i.sdn.controller.internal.graph.RerouteEvent e : c.rebalance()) {
            sb.append(e.apps()).append(": ").append(e.from()).append(" -> ").append(e.to()).append(" (")
                    .append(e.reason()).append(")\n");
        }
        return sb.length() == 0 ? "every relay path is on its cheapest path (within 20 %)" : sb.toString().stripTrailing();
    }

    private static final String NOT_RUNNING = "the SDN controller is not running (configure org.qkdv2i.sdn.Controller and its TLS identity org.qkdv2i.tls.NodeTls)";

    private SdnController running() {
        return controller;
    }

    /** Plain-text table with aligned columns for operators' terminals. */
    static final class TextTable {
        private final String[] headers;
        private final java.util.List<String[]> rows = new java.util.ArrayList<>();

        TextTable(String... headers) {
            this.headers = headers;
        }

        void row(Object... cells) {
            String[] r = new String[cells.length];
            for (int i = 0; i < cells.length; i++) {
                r[i] = cells[i] == null ? "-" : cells[i].toString().replaceAll("\\s+", " ");
            }
            rows.add(r);
        }

        @Override
        public String toString() {
            int[] w = new int[headers.length];
            for (int i = 0; i < headers.length; i++) {
                w[i] = headers[i].length();
                for (String[] r : rows) {
                    w[i] = Math.max(w[i], r[i].length());
                }
            }
            StringBuilder sb = new StringBuilder();
            line(sb, headers, w);
            for (int i = 0; i < w.length; i++) {
                sb.append("-".repeat(w[i])).append(i + 1 < w.length ? "  " : "\n");
            }
            for (String[] r : rows) {
                line(sb, r, w);
            }
            if (rows.isEmpty()) {
                sb.append("(none)\n");
            }
            return sb.toString().stripTrailing();
        }

        private static void line(StringBuilder sb, String[] cells, int[] w) {
            for (int i = 0; i < cells.length; i++) {
                sb.append(cells[i]);
                if (i + 1 < cells.length) {
                    sb.append(" ".repeat(w[i] - cells[i].length() + 2));
                }
            }
            sb.append('\n');
        }
    }

}
