package org.qkdv2i.sdn.controller.internal.graph;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import org.qkdv2i.sdn.controller.internal.graph.NodeConfig.Kind;
import org.qkdv2i.sdn.controller.internal.graph.NodeConfig.Retired;

/**
 * The controller's model: topology, applications and the relay paths carrying them, and the
 * rules that keep paths usable (provision, remove, reroute). Pure Java, no OSGi or HTTP, so tests
 * and benchmarks drive it directly; every public method is synchronized (the poller, the REST API
 * and the shell share one instance).
 *
 * <p>What the agents must hold follows from this state ({@link #virtualLinksAt}, {@link #appsAt});
 * what they must drop is queued ({@link #drainRetired}). The component pushes both.
 */
public final class Network {

    /** One agent's report of one PHYS link. */
    public record LinkReport(String linkId, String localNode, String remoteNode, LinkMetrics metrics) {
    }

    private record Entry(AppRequest request, String relayKey, Instant created) {
    }

    private final Topology topology = new Topology();
    private final PathFinder finder = new PathFinder();
    private final Supplier<String> ids;
    private final Clock clock;
    /** Per link, per reporting node: the latest report (merged pessimistically). */
    private final Map<String, Map<String, LinkReport>> reports = new HashMap<>();
    private final Map<String, Entry> apps = new LinkedHashMap<>();
    private final Map<String, RelayPath> relays = new LinkedHashMap<>();
    private final List<Retired> retired = new ArrayList<>();
    /** Replaced VIRT link ID -> the one that replaced it (its deletion waits until that one is in place). */
    private final Map<String, String> successors = new HashMap<>();
    private long returnsSeen;

    /**
     * A displaced relay path moves back only onto a path at least this much cheaper (a fraction
     * of its current cost), so links flapping around a threshold do not make paths flap.
     */
    public static final double HYSTERESIS = 0.2;

    public Network() {
        this(() -> UUID.randomUUID().toString(), Clock.systemUTC());
    }

    /** @param ids source of new application and virtual link IDs (UUIDs as ETSI GS QKD 015 has them) */
    public Network(Supplier<String> ids, Clock clock) {
        this.ids = Objects.requireNonNull(ids, "ids");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    // ------------------------------------------------------------------ topology

    /** A node managed by this controller (it has an agent); unreachable until its agent answers. */
    public synchronized void addNode(String nodeId) {
        topology.addNode(nodeId);
    }

    /** Direct access for tests and benchmarks that build a topology by hand (caller serialises). */
    public Topology topology() {
        return topology;
    }

    /**
     * The latest poll of one node: its agent answered with these PHYS links. Replaces the node's
     * previous reports; a link no agent reports any more is kept DOWN (it may come back, and the
     * applications on it must move).
     */
    public synchronized void applyReport(String nodeId, List<LinkReport> links) {
        topology.setReachable(nodeId, true);
        Set<String> seen = new LinkedHashSet<>();
        for (LinkReport r : links) {
            if (r.localNode() == null || r.remoteNode() == null || r.localNode().equals(r.remoteNode())) {
                continue;
            }
            seen.add(r.linkId());
            reports.computeIfAbsent(r.linkId(), k -> new HashMap<>()).put(nodeId, r);
        }
        for (Map.Entry<String, Map<String, LinkReport>> e : reports.entrySet()) {
            if (!seen.contains(e.getKey())) {
                e.getValue().remove(nodeId);
            }
        }
        refreshLinks();
    }

    /** The node's agent did not answer: its reports are dropped and no new path crosses it. */
    public synchronized void nodeUnreachable(String nodeId) {
        topology.setReachable(nodeId, false);
        for (Map<String, LinkReport> byNode : reports.values()) {
            byNode.remove(nodeId);
        }
        refreshLinks();
    }

    private void refreshLinks() {
        for (Map.Entry<String, Map<String, LinkReport>> e : reports.entrySet()) {
            LinkMetrics merged = null;
            LinkReport any = null;
            for (LinkReport r : e.getValue().values()) {
                merged = merged == null ? r.metrics() : merged.merge(r.metrics());
                any = r;
            }
            PhysLink known = topology.link(e.getKey());
            if (any != null) {
                PhysLink l = topology.putLink(e.getKey(), any.localNode(), any.remoteNode(), merged);
                if (known == null) {
                    reserveOnNewLink(l);
                }
            } else if (known != null) {
                // nobody reports it: DOWN, so applications on it move
                LinkMetrics m = known.metrics;
                topology.updateMetrics(e.getKey(), new LinkMetrics(LinkState.DOWN, m.poolBits(), 0, m.qber(), 0));
            }
        }
    }

    /** A link that appears (first poll after a restore): the relay paths already on it reserve their demand. */
    private void reserveOnNewLink(PhysLink l) {
        for (RelayPath rp : relays.values()) {
            if (rp.path.crosses(l.id())) {
                l.reservedBps += rp.demandBps;
            }
        }
    }

    /** Sets a link's metrics directly (tests, benchmarks, operators' overrides). */
    public synchronized PhysLink putLink(String linkId, String nodeA, String nodeB, LinkMetrics metrics) {
        return topology.putLink(linkId, nodeA, nodeB, metrics);
    }

    public synchronized List<String> nodes() {
        return List.copyOf(topology.nodes());
    }

    public synchronized boolean reachable(String nodeId) {
        return topology.reachable(nodeId);
    }

    /** Snapshot of the physical links. */
    public synchronized List<LinkView> links() {
        List<LinkView> out = new ArrayList<>();
        for (PhysLink l : topology.links()) {
            out.add(new LinkView(l.id(), l.nodeA(), l.nodeB(), l.metrics, l.reservedBps));
        }
        return out;
    }

    /** A physical link as shown to operators. */
    public record LinkView(String id, String nodeA, String nodeB, LinkMetrics metrics, double reservedBps) {
    }

    // ------------------------------------------------------------------ paths and applications

    /** The path an application with this demand and priority would get now (no state change). */
    public synchronized Path path(String from, String to, double demandBps, int priority) {
        return finder.find(topology, from, to, demandBps, priority, Set.of());
    }

    /**
     * Provisions an application: the relay path between its nodes (new or shared with the other
     * applications between them) carries it.
     *
     * @throws IllegalArgumentException never here (the request validated itself)
     * @throws NetworkException         CONFLICT, UNKNOWN_NODE or NO_PATH
     */
    public synchronized Application provision(AppRequest req) throws NetworkException {
        String id = req.appId() != null ? req.appId() : ids.get();
        if (apps.containsKey(id)) {
            throw new NetworkException(NetworkException.Reason.CONFLICT, "application " + id + " exists already");
        }
        for (String n : List.of(req.serverNode(), req.clientNode())) {
            if (!topology.hasNode(n)) {
                throw new NetworkException(NetworkException.Reason.UNKNOWN_NODE, "node " + n
                        + " is not managed by this controller (no agent configured)");
            }
        }
        AppRequest r = new AppRequest(id, req.serverSae(), req.serverNode(), req.clientSae(), req.clientNode(),
                req.priority(), req.qos());
        String key = RelayPath.key(r.serverNode(), r.clientNode());
        RelayPath rp = relays.get(key);
        if (rp == null || rp.path == null) {
            Path p = finder.find(topology, r.serverNode(), r.clientNode(), r.demandBps(), r.priority(), Set.of());
            if (p == null) {
                throw new NetworkException(NetworkException.Reason.NO_PATH, "no path from node " + r.serverNode()
                        + " to node " + r.clientNode() + ": no usable links join them (links DOWN or eavesdropped, or agents not answering)");
            }
            rp = new RelayPath(r.serverNode(), r.clientNode());
            rp.path = p;
            rp.virtualLinkId = ids.get();
            relays.put(key, rp);
        } else {
            unreserve(rp);
        }
        rp.apps.add(id);
        rp.priority = Math.max(rp.priority, r.priority());
        rp.demandBps += r.demandBps();
        reserve(rp);
        apps.put(id, new Entry(r, key, clock.instant()));
        return view(apps.get(id));
    }

    /** Removes an application; its relay path goes when it carries nothing else. */
    public synchronized Application remove(String appId) throws NetworkException {
        Entry e = apps.remove(appId);
        if (e == null) {
            throw new NetworkException(NetworkException.Reason.NOT_FOUND, "no application " + appId);
        }
        RelayPath rp = relays.get(e.relayKey());
        Application before = new Application(e.request(), e.relayKey(), rp.path, rp.backingLink(),
                rp.noPath ? Application.Status.NO_PATH : Application.Status.ACTIVE, e.created());
        retired.add(new Retired(e.request().serverNode(), Kind.APP, appId));
        retired.add(new Retired(e.request().clientNode(), Kind.APP, appId));
        unreserve(rp);
        rp.apps.remove(appId);
        if (rp.apps.isEmpty()) {
            relays.remove(e.relayKey());
            retireVirtualLink(rp);
        } else {
            rp.demandBps = 0;
            rp.priority = 0;
            for (String other : rp.apps) {
                AppRequest o = apps.get(other).request();
                rp.demandBps += o.demandBps();
                rp.priority = Math.max(rp.priority, o.priority());
            }
            reserve(rp);
        }
        return before;
    }

    public synchronized Application application(String appId) {
        Entry e = apps.get(appId);
        return e == null ? null : view(e);
    }

    public synchronized List<Application> applications() {
        List<Application> out = new ArrayList<>(apps.size());
        for (Entry e : apps.values()) {
            out.add(view(e));
        }
        return out;
    }

    public synchronized int applicationCount() {
        return apps.size();
    }

    private Application view(Entry e) {
        RelayPath rp = relays.get(e.relayKey());
        Path p = rp.path;
        // the path from the application's server node to its client node
        if (!p.first().equals(e.request().serverNode())) {
            p = p.reversed();
        }
        return new Application(e.request(), e.relayKey(), p, rp.backingLink(),
                rp.noPath ? Application.Status.NO_PATH : Application.Status.ACTIVE, e.created());
    }

    /**
     * Moves every relay path that crosses a link no longer usable to the cheapest usable path,
     * highest priority first (they get the best detours; each move reserves its demand, so the
     * ones after it see the load). No path: the old one is kept and reported NO_PATH (nodes
     * serve from their pools); a NO_PATH relay path whose links return, or for which a path
     * appears, is RECOVERED.
     */
    public synchronized List<RerouteEvent> reroute() {
        List<RerouteEvent> events = new ArrayList<>();
        List<RelayPath> broken = new ArrayList<>();
        for (RelayPath rp : relays.values()) {
            if (rp.noPath || brokenLinks(rp.path) != null) {
                broken.add(rp);
            }
        }
        broken.sort(Comparator.comparingInt((RelayPath rp) -> rp.priority).reversed());
        for (RelayPath rp : broken) {
            String why = brokenLinks(rp.path);
            Path old = rp.path;
            if (why == null) { // a NO_PATH relay path whose old links are back
                rp.noPath = false;
                rp.reason = "";
                events.add(new RerouteEvent(RerouteEvent.Kind.RECOVERED, rp.firstEnd, rp.lastEnd, rp.apps(), old, old,
                        "links of the path usable again"));
                continue;
            }
            unreserve(rp);
            Path p = finder.find(topology, rp.firstEnd, rp.lastEnd, rp.demandBps, rp.priority, Set.of());
            if (p == null) {
                reserve(rp);
                if (!rp.noPath) {
                    rp.noPath = true;
                    rp.reason = "no path: " + why;
                    events.add(new RerouteEvent(RerouteEvent.Kind.NO_PATH, rp.firstEnd, rp.lastEnd, rp.apps(), old,
                            old, why));
                }
                continue;
            }
            boolean wasNoPath = rp.noPath;
            String oldVirt = rp.virtualLinkId;
            boolean oldRelayed = rp.relayed();
            rp.path = p;
            rp.noPath = false;
            rp.reason = "";
            rp.generation++;
            rp.displaced = true;
            rp.virtualLinkId = ids.get();
            reserve(rp);
            if (oldRelayed) {
                retireVirtualLink(old, oldVirt);
                successors.put(oldVirt, rp.virtualLinkId);
            }
            events.add(new RerouteEvent(wasNoPath ? RerouteEvent.Kind.RECOVERED : RerouteEvent.Kind.MOVED,
                    rp.firstEnd, rp.lastEnd, rp.apps(), old, p, why));
        }
        if (topology.returns() != returnsSeen) {
            // links came back: the relay paths a failure displaced go back where that is clearly cheaper
            returnsSeen = topology.returns();
            events.addAll(rebalance(false));
        }
        return events;
    }

    /**
     * Moves relay paths onto a clearly cheaper path (by more than {@link #HYSTERESIS}), highest
     * priority first: those a failure displaced ({@code all == false}; what {@link #reroute()} does
     * when links return, "back when links return"), or every relay path ({@code all}, an operator's
     * re-optimisation). The new VIRT link gets a new ID; the old one is retired.
     */
    public synchronized List<RerouteEvent> rebalance(boolean all) {
        List<RelayPath> candidates = new ArrayList<>();
        for (RelayPath rp : relays.values()) {
            if (!rp.noPath && (all || rp.displaced)) {
                candidates.add(rp);
            }
        }
        candidates.sort(Comparator.comparingInt((RelayPath rp) -> rp.priority).reversed());
        List<RerouteEvent> events = new ArrayList<>();
        for (RelayPath rp : candidates) {
            unreserve(rp);
            double current = cost(rp.path, rp.demandBps, rp.priority);
            Path best = finder.find(topology, rp.firstEnd, rp.lastEnd, rp.demandBps, rp.priority, Set.of());
            if (best == null || best.links().equals(rp.path.links())) {
                rp.displaced = false; // where it is now is as good as it gets
                reserve(rp);
                continue;
            }
            if (!(best.cost() < current * (1 - HYSTERESIS))) {
                reserve(rp);
                continue;
            }
            Path old = rp.path;
            String oldVirt = rp.virtualLinkId;
            boolean oldRelayed = rp.relayed();
            rp.path = best;
            rp.generation++;
            rp.displaced = false;
            rp.virtualLinkId = ids.get();
            reserve(rp);
            if (oldRelayed) {
                retireVirtualLink(old, oldVirt);
                successors.put(oldVirt, rp.virtualLinkId);
            }
            events.add(new RerouteEvent(RerouteEvent.Kind.RETURNED, rp.firstEnd, rp.lastEnd, rp.apps(), old, best,
                    String.format(java.util.Locale.ROOT, "a cheaper path is usable (cost %.2f, was %.2f)", best.cost(),
                            current)));
        }
        return events;
    }

    /** The cost of a path as the search would weigh it now; infinite if a link is unusable or gone. */
    private double cost(Path p, double demandBps, int priority) {
        double c = 0;
        for (String id : p.links()) {
            PhysLink l = topology.link(id);
            if (l == null || !l.metrics.state().usable()) {
                return Double.POSITIVE_INFINITY;
            }
            c += Weights.cost(l, demandBps, priority);
        }
        return c;
    }

    /** null if every link of the path is usable, else "L1 DOWN, L2 EAVESDROPPING". */
    private String brokenLinks(Path p) {
        StringBuilder sb = null;
        for (String id : p.links()) {
            PhysLink l = topology.link(id);
            LinkState s = l == null ? LinkState.DOWN : l.metrics.state();
            boolean nodesOk = l != null && topology.reachable(l.a) && topology.reachable(l.b);
            if (!s.usable() || !nodesOk) {
                sb = sb == null ? new StringBuilder() : sb.append(", ");
                sb.append("link ").append(id).append(' ').append(!s.usable() ? s : "agent not answering");
            }
        }
        return sb == null ? null : sb.toString();
    }

    private void reserve(RelayPath rp) {
        for (String id : rp.path.links()) {
            PhysLink l = topology.link(id);
            if (l != null) {
                l.reservedBps += rp.demandBps;
            }
        }
    }

    private void unreserve(RelayPath rp) {
        for (String id : rp.path.links()) {
            PhysLink l = topology.link(id);
            if (l != null) {
                l.reservedBps = Math.max(0, l.reservedBps - rp.demandBps);
            }
        }
    }

    private void retireVirtualLink(RelayPath rp) {
        if (rp.relayed()) {
            retireVirtualLink(rp.path, rp.virtualLinkId);
        }
    }

    private void retireVirtualLink(Path p, String virtId) {
        for (String n : p.nodes()) {
            retired.add(new Retired(n, Kind.VIRT_LINK, virtId));
        }
    }

    // ------------------------------------------------------------------ desired agent state

    /** The VIRT links node {@code nodeId} must hold: one per relayed path through it. */
    public synchronized List<NodeConfig.Virt> virtualLinksAt(String nodeId) {
        List<NodeConfig.Virt> out = new ArrayList<>();
        for (RelayPath rp : relays.values()) {
            if (!rp.relayed()) {
                continue;
            }
            List<String> nodes = rp.path.nodes();
            // path order is firstEnd -> lastEnd (set at creation, kept by reroute: find(firstEnd, lastEnd))
            int i = nodes.indexOf(nodeId);
            if (i < 0) {
                continue;
            }
            out.add(new NodeConfig.Virt(nodeId, rp.virtualLinkId, rp.firstEnd, rp.lastEnd,
                    i == 0 ? null : nodes.get(i - 1), i == nodes.size() - 1 ? null : nodes.get(i + 1),
                    rp.path.links()));
        }
        return out;
    }

    /** The {@code qkd_app} entries node {@code nodeId} must hold: the applications it is an end of. */
    public synchronized List<NodeConfig.App> appsAt(String nodeId) {
        List<NodeConfig.App> out = new ArrayList<>();
        for (Entry e : apps.values()) {
            AppRequest r = e.request();
            if (r.serverNode().equals(nodeId)) {
                out.add(new NodeConfig.App(nodeId, view(e), r.clientNode()));
            } else if (r.clientNode().equals(nodeId)) {
                out.add(new NodeConfig.App(nodeId, view(e), r.serverNode()));
            }
        }
        return out;
    }

    /**
     * What every node must hold, computed in one pass over the relay paths and applications
     * (the per-node methods above scan everything once per node).
     */
    public record Desired(Map<String, List<NodeConfig.Virt>> virtualLinks, Map<String, List<NodeConfig.App>> apps) {
    }

    public synchronized Desired desired() {
        Map<String, List<NodeConfig.Virt>> virt = new HashMap<>();
        for (RelayPath rp : relays.values()) {
            if (!rp.relayed()) {
                continue;
            }
            List<String> nodes = rp.path.nodes();
            for (int i = 0; i < nodes.size(); i++) {
                String n = nodes.get(i);
                virt.computeIfAbsent(n, k -> new ArrayList<>()).add(new NodeConfig.Virt(n, rp.virtualLinkId,
                        rp.firstEnd, rp.lastEnd, i == 0 ? null : nodes.get(i - 1),
                        i == nodes.size() - 1 ? null : nodes.get(i + 1), rp.path.links()));
            }
        }
        Map<String, List<NodeConfig.App>> byNode = new HashMap<>();
        for (Entry e : apps.values()) {
            AppRequest r = e.request();
            Application a = view(e);
            byNode.computeIfAbsent(r.serverNode(), k -> new ArrayList<>()).add(new NodeConfig.App(r.serverNode(), a, r.clientNode()));
            byNode.computeIfAbsent(r.clientNode(), k -> new ArrayList<>()).add(new NodeConfig.App(r.clientNode(), a, r.serverNode()));
        }
        return new Desired(virt, byNode);
    }

    /** Deletions owed to agents since the last call (removed applications, replaced VIRT links). */
    public synchronized List<Retired> drainRetired() {
        List<Retired> out = new ArrayList<>(retired);
        retired.clear();
        return out;
    }

    /**
     * The VIRT link that now carries what a retired one carried (following repeated moves), or
     * null when nothing does any more (its applications were removed): the retired link may go
     * once its successor is in place at every node of the new path.
     */
    public synchronized String successor(String retiredVirtualLinkId) {
        String s = successors.get(retiredVirtualLinkId);
        for (int guard = 0; s != null && successors.containsKey(s) && guard < 1000; guard++) {
            s = successors.get(s);
        }
        if (s == null) {
            return null;
        }
        for (RelayPath rp : relays.values()) {
            if (rp.relayed() && s.equals(rp.virtualLinkId)) {
                return s;
            }
        }
        return null;
    }

    /** The retired VIRT link is gone everywhere: its successor entry is no longer needed. */
    public synchronized void forgetSuccessor(String retiredVirtualLinkId) {
        successors.remove(retiredVirtualLinkId);
    }

    /** Puts back deletions that could not be done (agent unreachable): tried again next time. */
    public synchronized void requeueRetired(List<Retired> failed) {
        retired.addAll(failed);
    }

    /** The relay paths (snapshot of their current state). */
    public synchronized List<RelayPathView> relayPaths() {
        List<RelayPathView> out = new ArrayList<>();
        for (RelayPath rp : relays.values()) {
            out.add(new RelayPathView(rp.firstEnd, rp.lastEnd, rp.relayed() ? rp.virtualLinkId : null, rp.path,
                    rp.noPath, rp.reason, rp.apps(), rp.priority, rp.demandBps));
        }
        return out;
    }

    public record RelayPathView(String firstEnd, String lastEnd, String virtualLinkId, Path path, boolean noPath,
            String reason, Set<String> apps, int priority, double demandBps) {
    }

    // ------------------------------------------------------------------ saved state

    /** A relay path as saved: its ends, VIRT link, path and reroute state. */
    public record SavedRelay(String firstEnd, String lastEnd, String virtualLinkId, List<String> nodes,
            List<String> links, boolean noPath, String reason, boolean displaced, int generation) {
    }

    /** An application as saved. */
    public record SavedApp(AppRequest request, Instant created) {
    }

    /** Everything the controller decided: enough to carry on after a restart without moving anything. */
    public record Saved(List<SavedApp> apps, List<SavedRelay> relays) {
    }

    public synchronized Saved save() {
        List<SavedRelay> rs = new ArrayList<>();
        for (RelayPath rp : relays.values()) {
            rs.add(new SavedRelay(rp.firstEnd, rp.lastEnd, rp.virtualLinkId, rp.path.nodes(), rp.path.links(),
                    rp.noPath, rp.reason, rp.displaced, rp.generation));
        }
        List<SavedApp> as = new ArrayList<>();
        for (Entry e : apps.values()) {
            as.add(new SavedApp(e.request(), e.created()));
        }
        return new Saved(as, rs);
    }

    /**
     * Takes back a saved state (at start, before the first poll): the same applications on the
     * same relay paths and VIRT link IDs, so the agents are left as they are. Applications whose
     * relay path is missing from the save are dropped (reported in the result).
     *
     * @return the IDs of the applications restored
     */
    public synchronized List<String> restore(Saved saved) {
        if (!apps.isEmpty()) {
            throw new IllegalStateException("restore into a network that has applications");
        }
        for (SavedRelay r : saved.relays()) {
            RelayPath rp = new RelayPath(r.firstEnd(), r.lastEnd());
            rp.path = new Path(r.nodes(), r.links(), 0);
            rp.virtualLinkId = r.virtualLinkId();
            rp.noPath = r.noPath();
            rp.reason = r.reason() == null ? "" : r.reason();
            rp.displaced = r.displaced();
            rp.generation = r.generation();
            relays.put(RelayPath.key(r.firstEnd(), r.lastEnd()), rp);
            for (String n : r.nodes()) {
                topology.addNode(n);
            }
        }
        List<String> restored = new ArrayList<>();
        for (SavedApp a : saved.apps()) {
            AppRequest r = a.request();
            String key = RelayPath.key(r.serverNode(), r.clientNode());
            RelayPath rp = relays.get(key);
            if (rp == null || r.appId() == null || apps.containsKey(r.appId())) {
                continue;
            }
            rp.apps.add(r.appId());
            rp.priority = Math.max(rp.priority, r.priority());
            rp.demandBps += r.demandBps();
            apps.put(r.appId(), new Entry(r, key, a.created()));
            restored.add(r.appId());
        }
        relays.values().removeIf(rp -> rp.apps.isEmpty());
        for (RelayPath rp : relays.values()) {
            reserve(rp); // links known now; the others reserve when they appear (reserveOnNewLink)
        }
        return restored;
    }

    // ------------------------------------------------------------------ key budget

    /** One hop of an application's path with what its link can give. */
    public record Hop(String linkId, String from, String to, LinkState state, long poolBits, double skrBps,
            double consumptionBps, double qber) {
    }

    /**
     * An application's key budget: per hop what the link holds and generates; the bottleneck pool
     * (every relayed key spends its length on every hop), the rate the path can sustain beyond the
     * consumption already on it, and how long the bottleneck pool lasts at the application's demand
     * with no generation at all (the quantum key pool as outage reserve).
     */
    public record Budget(String appId, Application.Status status, List<Hop> hops, long bottleneckPoolBits,
            double sustainableBps, double demandBps, double secondsOnPool) {
    }

    public synchronized Budget budget(String appId) throws NetworkException {
        Application a = application(appId);
        if (a == null) {
            throw new NetworkException(NetworkException.Reason.NOT_FOUND, "no application " + appId);
        }
        List<Hop> hops = new ArrayList<>();
        long pool = Long.MAX_VALUE;
        double rate = Double.POSITIVE_INFINITY;
        List<String> n = a.path().nodes();
        for (int i = 0; i < a.path().hops(); i++) {
            PhysLink l = topology.link(a.path().links().get(i));
            LinkMetrics m = l == null ? new LinkMetrics(LinkState.DOWN, 0, 0, Double.NaN, 0) : l.metrics;
            double consumption = Math.max(m.expectedConsumption(), l == null ? 0 : l.reservedBps);
            hops.add(new Hop(a.path().links().get(i), n.get(i), n.get(i + 1), m.state(), Math.max(0, m.poolBits()),
                    m.skrBps(), consumption, m.qber()));
            pool = Math.min(pool, Math.max(0, m.poolBits()));
            // surplus beyond everything expected on the link, this application's own demand included
            double left = m.state().usable() ? Math.max(0, m.skrBps() - consumption) : 0;
            rate = Math.min(rate, left);
        }
        double demand = a.request().demandBps();
        return new Budget(appId, a.status(), hops, pool, rate, demand, pool / demand);
    }
}
