package org.qkdv2i.sdn.controller.internal;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.qkdv2i.sdn.api.QkdApp;
import org.qkdv2i.sdn.api.QkdLink;
import org.qkdv2i.sdn.api.QkdNode;
import org.qkdv2i.sdn.api.QkdlType;
import org.qkdv2i.sdn.controller.internal.graph.AppRequest;
import org.qkdv2i.sdn.controller.internal.graph.Application;
import org.qkdv2i.sdn.controller.internal.graph.Network;
import org.qkdv2i.sdn.controller.internal.graph.NetworkException;
import org.qkdv2i.sdn.controller.internal.graph.NodeConfig;
import org.qkdv2i.sdn.controller.internal.graph.Path;
import org.qkdv2i.sdn.controller.internal.graph.RerouteEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller at work: polls every agent (ETSI GS QKD 015 GET {@code qkd_node}), feeds the
 * {@link Network}, reroutes, and makes the agents hold what the network says they must
 * (reconciliation): PUT every VIRT link and application an agent lacks or holds in an older
 * form, then DELETE what was retired. All PUTs of a pass precede its DELETEs, so a rerouted
 * application's new VIRT link is in place before the old one goes.
 *
 * <p>An agent that restarted empty shows it in its next poll: whatever was pushed to it before
 * that poll began and is missing from the answer is pushed again.
 */
final class Engine implements SdnController {

    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

    /** What was last PUT to an agent, and when (System.nanoTime). */
    private record Pushed(Object content, long at) {
    }

    /** An agent's last answer. */
    private record Snapshot(long takenAt, Instant when, QkdNode node, Set<String> virtIds, Set<String> appIds) {
    }

    private final String controllerId;
    private final Network network;
    private final Map<String, AgentClient> clients = new LinkedHashMap<>();
    private final Map<String, AgentRef> agents = new LinkedHashMap<>();
    private final Clock clock;
    /** Where decisions are saved after every change; null: memory only. */
    private final StateFile state;
    // guarded by this
    private final Map<String, Snapshot> snapshots = new HashMap<>();
    private final Map<String, String> errors = new HashMap<>();
    private final Map<String, Map<String, Pushed>> pushed = new HashMap<>();
    private String saveError;

    Engine(String controllerId, Network network, List<AgentClient> clients, Clock clock) {
        this(controllerId, network, clients, clock, null);
    }

    Engine(String controllerId, Network network, List<AgentClient> clients, Clock clock, StateFile state) {
        this.controllerId = controllerId;
        this.network = network;
        this.clock = clock;
        this.state = state;
        for (AgentClient c : clients) {
            this.clients.put(c.nodeId(), c);
            this.agents.put(c.nodeId(), c.agent());
            network.addNode(c.nodeId());
        }
    }

    void stop() {
        for (AgentClient c : clients.values()) {
            c.stop();
        }
    }

    /** One round: poll all agents at once, update the graph, reroute, reconcile. */
    void pollOnce() {
        long started = System.nanoTime();
        Map<String, CompletableFuture<QkdNode>> answers = new LinkedHashMap<>();
        for (AgentClient c : clients.values()) {
            answers.put(c.nodeId(), c.fetch());
        }
        for (Map.Entry<String, CompletableFuture<QkdNode>> e : answers.entrySet()) {
            String node = e.getKey();
            try {
                QkdNode answer = e.getValue().join();
                if (!node.equals(answer.qkdnId())) {
                    LOG.warn("controller {}: agent of node {} calls itself {}; using the configured ID", controllerId,
                            node, answer.qkdnId());
                }
                network.applyReport(node, Mapping.physicalLinks(node, answer));
                recordAnswer(node, started, answer);
            } catch (CompletionException | java.util.concurrent.CancellationException x) {
                String why = x.getCause() instanceof AgentException ? x.getCause().getMessage() : String.valueOf(x.getCause());
                network.nodeUnreachable(node);
                recordFailure(node, why);
            }
        }
        List<RerouteEvent> events = network.reroute();
        for (RerouteEvent ev : events) {
            log(ev);
        }
        if (!events.isEmpty()) {
            save();
        }
        reconcile();
    }

    /** Saves the decisions (applications, relay paths, VIRT link IDs); one log line when that starts or stops failing. */
    synchronized void save() {
        if (state == null) {
            return;
        }
        try {
            state.write(network.save());
            if (saveError != null) {
                LOG.info("controller {}: state saved to {} again", controllerId, state.path());
                saveError = null;
            }
        } catch (IOException | RuntimeException e) {
            if (!e.toString().equals(saveError)) {
                LOG.error("controller {}: state not saved to {} (a restart would forget the latest changes): {}",
                        controllerId, state.path(), e.toString());
            }
            saveError = e.toString();
        }
    }

    private synchronized void recordAnswer(String node, long takenAt, QkdNode answer) {
        Set<String> virt = new HashSet<>();
        for (QkdLink l : answer.qkdLinks()) {
            if (l.qkdlType() == QkdlType.VIRT) {
                virt.add(l.qkdlId());
            }
        }
        Set<String> apps = new HashSet<>();
        for (QkdApp a : answer.qkdApplications()) {
            apps.add(a.appId());
        }
        boolean was = snapshots.containsKey(node) && errors.get(node) == null;
        snapshots.put(node, new Snapshot(takenAt, clock.instant(), answer, virt, apps));
        String before = errors.remove(node);
        if (before != null || !was) {
            LOG.info("controller {}: agent of node {} answers ({} links, {} applications)", controllerId, node,
                    answer.qkdLinks().size(), answer.qkdApplications().size());
        }
    }

    private synchronized void recordFailure(String node, String why) {
        String before = errors.put(node, why);
        if (!Objects.equals(before, why)) {
            LOG.warn("controller {}: agent of node {} not answering: {}", controllerId, node, why);
        }
    }

    private void log(RerouteEvent ev) {
        switch (ev.kind()) {
            case MOVED:
                LOG.warn("controller {}: applications {} between {} and {} moved from {} to {}: {}", controllerId,
                        ev.apps(), ev.firstEnd(), ev.lastEnd(), ev.from(), ev.to(), ev.reason());
                break;
            case NO_PATH:
                LOG.error("controller {}: applications {} between {} and {}: no path ({}); kept on {}, nodes serve from their pools",
                        controllerId, ev.apps(), ev.firstEnd(), ev.lastEnd(), ev.reason(), ev.from());
                break;
            case RETURNED:
                LOG.info("controller {}: applications {} between {} and {} moved back from {} to {}: {}", controllerId,
                        ev.apps(), ev.firstEnd(), ev.lastEnd(), ev.from(), ev.to(), ev.reason());
                break;
            default:
                LOG.info("controller {}: applications {} between {} and {} recovered on {}", controllerId, ev.apps(),
                        ev.firstEnd(), ev.lastEnd(), ev.to());
                break;
        }
    }

    /**
     * Makes the agents hold the desired state. Agents that did not answer their last poll are
     * skipped (their turn comes when they answer again); deletions for them wait.
     */
    synchronized void reconcile() {
        // 1. VIRT links, every node first, so a relay path exists end to end before apps use it.
        //    Per link the relaying (middle) nodes first, then the last end, the first end last, each
        //    group only once every node before it holds the link: an end relays over a new VIRT link
        //    as soon as it holds it (the one put last wins), and a hop that does not know the link
        //    refuses the relay (ETSI GS QKD 020: 400), which fails the SAE's request. The first end
        //    is the server SAE's node, where enc_keys usually starts.
        Network.Desired desired = network.desired();
        Map<String, List<NodeConfig.Virt>> byLink = new LinkedHashMap<>();
        Set<String> held = new HashSet<>(); // VIRT links every node of their path holds
        for (String node : clients.keySet()) {
            for (NodeConfig.Virt v : desired.virtualLinks().getOrDefault(node, List.of())) {
                byLink.computeIfAbsent(v.linkId(), k -> new ArrayList<>()).add(v);
            }
        }
        for (List<NodeConfig.Virt> views : byLink.values()) {
            views.sort(java.util.Comparator.comparingInt(Engine::pushOrder));
            boolean before = true; // every node of the earlier groups holds the link
            int group = 0;
            boolean groupHeld = true;
            for (NodeConfig.Virt v : views) {
                if (pushOrder(v) != group) {
                    before &= groupHeld;
                    group = pushOrder(v);
                    groupHeld = true;
                }
                String node = v.node();
                String key = "L:" + v.linkId();
                QkdLink link = Mapping.virtualLink(v);
                if (before && answering(node)
                        && needsPush(node, key, link, snapshots.get(node).virtIds().contains(v.linkId()))) {
                    push(node, key, link, () -> clients.get(node).put(link), "VIRT link " + v.linkId());
                }
                Pushed p = pushed.getOrDefault(node, Map.of()).get(key);
                groupHeld &= p != null && p.content().equals(link);
            }
            if (before && groupHeld && views.size() == views.get(0).physLinks().size() + 1) {
                held.add(views.get(0).linkId());
            }
        }
        // 2. applications at their two ends
        for (String node : clients.keySet()) {
            if (!answering(node)) {
                continue;
            }
            for (NodeConfig.App a : desired.apps().getOrDefault(node, List.of())) {
                QkdApp app = Mapping.app(a);
                if (needsPush(node, "A:" + app.appId(), app, snapshots.get(node).appIds().contains(app.appId()))) {
                    push(node, "A:" + app.appId(), app, () -> clients.get(node).put(app), "application " + app.appId());
                }
            }
        }
        // 3. deletions: applications, then VIRT links
        List<NodeConfig.Retired> retired = new ArrayList<>(network.drainRetired());
        retired.sort((x, y) -> x.kind() == y.kind() ? 0 : x.kind() == NodeConfig.Kind.APP ? -1 : 1);
        List<NodeConfig.Retired> failed = new ArrayList<>();
        for (NodeConfig.Retired r : retired) {
            AgentClient c = clients.get(r.node());
            if (c == null) {
                continue;
            }
            if (!answering(r.node())) {
                failed.add(r);
                continue;
            }
            if (r.kind() == NodeConfig.Kind.VIRT_LINK) {
                // a replaced VIRT link stays until its successor is in place everywhere: deleting it
                // first would leave the node with no route for a poll (or for good if a push failed)
                String successor = network.successor(r.id());
                if (successor != null && !held.contains(successor)) {
                    failed.add(r);
                    continue;
                }
            }
            String key = (r.kind() == NodeConfig.Kind.APP ? "A:" : "L:") + r.id();
            try {
                boolean had = r.kind() == NodeConfig.Kind.APP ? c.deleteApp(r.id()) : c.deleteLink(r.id());
                pushed.getOrDefault(r.node(), Map.of()).remove(key);
                LOG.info("controller {}: node {}: {} {} deleted{}", controllerId, r.node(),
                        r.kind() == NodeConfig.Kind.APP ? "application" : "VIRT link", r.id(), had ? "" : " (was not there)");
            } catch (AgentException e) {
                failed.add(r);
                LOG.warn("controller {}: node {}: delete of {} {} failed, retried next poll: {}", controllerId,
                        r.node(), r.kind(), r.id(), e.getMessage());
            }
        }
        network.requeueRetired(failed);
        Set<String> pending = new HashSet<>();
        failed.forEach(r -> pending.add(r.id()));
        for (NodeConfig.Retired r : retired) {
            if (r.kind() == NodeConfig.Kind.VIRT_LINK && !pending.contains(r.id())) {
                network.forgetSuccessor(r.id());
            }
        }
    }

    /** Push order of one node's view of a VIRT link: middle nodes 0, last end 1, first end 2. */
    private static int pushOrder(NodeConfig.Virt v) {
        return v.prevHop() == null ? 2 : v.nextHop() == null ? 1 : 0;
    }

    private boolean answering(String node) {
        return snapshots.containsKey(node) && !errors.containsKey(node);
    }

    /**
     * Push when never pushed, when the desired content changed, or when the agent's latest
     * answer (taken after the push) lacks it: the agent lost it (restart).
     */
    private boolean needsPush(String node, String key, Object content, boolean present) {
        Pushed p = pushed.getOrDefault(node, Map.of()).get(key);
        if (p == null || !p.content().equals(content)) {
            return true;
        }
        return !present && snapshots.get(node).takenAt() - p.at() > 0;
    }

    private interface Call {
        void run() throws AgentException;
    }

    private void push(String node, String key, Object content, Call call, String what) {
        try {
            call.run();
            Pushed before = pushed.computeIfAbsent(node, k -> new HashMap<>()).put(key, new Pushed(content, System.nanoTime()));
            LOG.info("controller {}: node {}: {} {}", controllerId, node, what,
                    before == null ? "pushed" : before.content().equals(content) ? "pushed again (agent had lost it)" : "updated");
        } catch (AgentException e) {
            LOG.warn("controller {}: node {}: {} not pushed, retried next poll: {}", controllerId, node, what,
                    e.getMessage());
        }
    }

    /**
     * Whether every agent concerned holds what the application needs now: the current VIRT link at
     * every node of its path and its current {@code qkd_app} entry (same backing link) at both ends,
     * pushed and not lost since.
     */
    synchronized boolean configured(Application a) {
        String server = a.request().serverNode();
        String client = a.request().clientNode();
        for (String node : a.path().nodes()) {
            Map<String, Pushed> p = pushed.getOrDefault(node, Map.of());
            if (a.path().hops() > 1 && !p.containsKey("L:" + a.backingLink())) {
                return false;
            }
            if (node.equals(server) || node.equals(client)) {
                Pushed app = p.get("A:" + a.id());
                QkdApp wanted = Mapping.app(new NodeConfig.App(node, a, node.equals(server) ? client : server));
                if (app == null || !app.content().equals(wanted)) {
                    return false;
                }
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ SdnController

    @Override
    public String controllerId() {
        return controllerId;
    }

    @Override
    public synchronized List<NodeStatus> nodes() {
        List<NodeStatus> out = new ArrayList<>();
        for (AgentRef a : agents.values()) {
            Snapshot s = snapshots.get(a.nodeId());
            String err = errors.get(a.nodeId());
            int phys = 0;
            if (s != null) {
                for (QkdLink l : s.node().qkdLinks()) {
                    phys += l.qkdlType() == QkdlType.VIRT ? 0 : 1;
                }
            }
            out.add(new NodeStatus(a.nodeId(), a.base().toString(), s != null && err == null,
                    s == null ? null : s.when(), err == null ? "" : err, phys, s == null ? 0 : s.virtIds().size(),
                    s == null ? 0 : s.appIds().size()));
        }
        return out;
    }

    @Override
    public Network network() {
        return network;
    }

    @Override
    public Application provision(AppRequest request) throws NetworkException {
        Application a = network.provision(request);
        save();
        LOG.info("controller {}: application {} ({} at {} -> {} at {}, priority {}) provisioned on {}", controllerId,
                a.id(), a.request().serverSae(), a.request().serverNode(), a.request().clientSae(),
                a.request().clientNode(), a.request().priority(), a.path());
        reconcile();
        return a;
    }

    @Override
    public Application remove(String appId) throws NetworkException {
        Application a = network.remove(appId);
        save();
        LOG.info("controller {}: application {} removed (was on {})", controllerId, appId, a.path());
        reconcile();
        return a;
    }

    @Override
    public List<RerouteEvent> rebalance() {
        List<RerouteEvent> events = network.rebalance(true);
        events.forEach(this::log);
        if (!events.isEmpty()) {
            save();
        }
        reconcile();
        return events;
    }

    @Override
    public boolean isConfigured(Application a) {
        return configured(a);
    }

    @Override
    public Path preview(String from, String to, double demandBps, int priority) {
        return network.path(from, to, demandBps, priority);
    }
}
