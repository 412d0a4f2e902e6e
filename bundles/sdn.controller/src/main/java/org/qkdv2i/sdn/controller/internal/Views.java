package org.qkdv2i.sdn.controller.internal;

import java.util.List;

import org.qkdv2i.sdn.controller.internal.graph.AppRequest;
import org.qkdv2i.sdn.controller.internal.graph.Application;
import org.qkdv2i.sdn.controller.internal.graph.LinkMetrics;
import org.qkdv2i.sdn.controller.internal.graph.Network;
import org.qkdv2i.sdn.controller.internal.graph.Path;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** JSON of the northbound API (snake_case members, like ETSI GS QKD 015). */
final class Views {

    /** Strict: duplicate members and trailing garbage are errors. */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .disable(JsonParser.Feature.ALLOW_COMMENTS)
            .build();

    private Views() {
    }

    static ObjectNode error(String message) {
        return MAPPER.createObjectNode().put("message", message);
    }

    static ArrayNode nodes(List<NodeStatus> nodes) {
        ArrayNode a = MAPPER.createArrayNode();
        for (NodeStatus n : nodes) {
            ObjectNode o = a.addObject();
            o.put("node_id", n.nodeId());
            o.put("agent_url", n.url());
            o.put("reachable", n.reachable());
            o.put("last_answer", n.lastAnswer() == null ? null : n.lastAnswer().toString());
            if (!n.lastError().isEmpty()) {
                o.put("error", n.lastError());
            }
            o.put("phys_links", n.physLinks());
            o.put("virt_links", n.virtLinks());
            o.put("applications", n.apps());
        }
        return a;
    }

    static ObjectNode links(List<Network.LinkView> links, List<Network.RelayPathView> relays) {
        ObjectNode o = MAPPER.createObjectNode();
        ArrayNode phys = o.putArray("physical");
        for (Network.LinkView l : links) {
            ObjectNode j = phys.addObject();
            j.put("link_id", l.id());
            j.put("node_a", l.nodeA());
            j.put("node_b", l.nodeB());
            metrics(j, l.metrics());
            j.put("reserved_bps", l.reservedBps());
        }
        ArrayNode virt = o.putArray("virtual");
        for (Network.RelayPathView r : relays) {
            ObjectNode j = virt.addObject();
            j.put("link_id", r.virtualLinkId());
            j.put("first_end", r.firstEnd());
            j.put("last_end", r.lastEnd());
            path(j, r.path());
            j.put("status", r.noPath() ? "NO_PATH" : "ACTIVE");
            if (r.noPath()) {
                j.put("reason", r.reason());
            }
            ArrayNode apps = j.putArray("applications");
            r.apps().forEach(apps::add);
            j.put("priority", r.priority());
            j.put("demand_bps", r.demandBps());
        }
        return o;
    }

    private static void metrics(ObjectNode j, LinkMetrics m) {
        j.put("state", m.state().name());
        if (m.poolBits() >= 0) {
            j.put("pool_bits", m.poolBits());
        }
        j.put("skr_bps", m.skrBps());
        if (!Double.isNaN(m.qber())) {
            j.put("qber", m.qber());
        }
        j.put("expected_consumption_bps", m.expectedConsumption());
    }

    static void path(ObjectNode j, Path p) {
        ArrayNode n = j.putArray("path");
        p.nodes().forEach(n::add);
        ArrayNode l = j.putArray("links");
        p.links().forEach(l::add);
    }

    static ArrayNode apps(List<Application> apps, SdnController c) {
        ArrayNode a = MAPPER.createArrayNode();
        for (Application app : apps) {
            a.add(app(app, c.isConfigured(app)));
        }
        return a;
    }

    static ObjectNode app(Application app, boolean configured) {
        AppRequest r = app.request();
        ObjectNode o = MAPPER.createObjectNode();
        o.put("app_id", app.id());
        o.put("server_sae_id", r.serverSae());
        o.put("server_node", r.serverNode());
        o.put("client_sae_id", r.clientSae());
        o.put("client_node", r.clientNode());
        o.put("priority", r.priority());
        ObjectNode q = o.putObject("qos");
        q.put("max_bandwidth", r.qos().maxBandwidth());
        q.put("min_bandwidth", r.qos().minBandwidth());
        q.put("jitter", r.qos().jitter());
        q.put("ttl", r.qos().ttl());
        o.put("status", app.status().name());
        o.put("configured", configured);
        path(o, app.path());
        o.put("backing_link", app.backingLink());
        o.put("created", app.created().toString());
        return o;
    }

    static ObjectNode budget(Network.Budget b) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("bottleneck_pool_bits", b.bottleneckPoolBits());
        o.put("sustainable_bps", b.sustainableBps());
        o.put("demand_bps", b.demandBps());
        o.put("seconds_on_pool", b.secondsOnPool());
        ArrayNode hops = o.putArray("hops");
        for (Network.Hop h : b.hops()) {
            ObjectNode j = hops.addObject();
            j.put("link_id", h.linkId());
            j.put("from", h.from());
            j.put("to", h.to());
            j.put("state", h.state().name());
            j.put("pool_bits", h.poolBits());
            j.put("skr_bps", h.skrBps());
            j.put("consumption_bps", h.consumptionBps());
            if (!Double.isNaN(h.qber())) {
                j.put("qber", h.qber());
            }
        }
        return o;
    }
}
