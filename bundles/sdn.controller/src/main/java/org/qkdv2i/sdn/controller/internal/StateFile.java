package org.qkdv2i.sdn.controller.internal;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.qkdv2i.sdn.controller.internal.graph.AppRequest;
import org.qkdv2i.sdn.controller.internal.graph.Network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The controller's decisions on disk (JSON): applications and their relay paths with their
 * VIRT link IDs, so a restarted controller carries on with what the agents hold instead of
 * forgetting it. Written whole to a temporary file and moved over the old one (never half a
 * file). Holds no secrets: IDs, node names, paths, QoS.
 */
final class StateFile {

    private static final int VERSION = 1;

    private final Path file;

    StateFile(Path file) {
        this.file = file;
    }

    Path path() {
        return file;
    }

    void write(Network.Saved s) throws IOException {
        ObjectNode root = Views.MAPPER.createObjectNode();
        root.put("version", VERSION);
        ArrayNode relays = root.putArray("relay_paths");
        for (Network.SavedRelay r : s.relays()) {
            ObjectNode o = relays.addObject();
            o.put("first_end", r.firstEnd());
            o.put("last_end", r.lastEnd());
            o.put("virtual_link_id", r.virtualLinkId());
            strings(o.putArray("nodes"), r.nodes());
            strings(o.putArray("links"), r.links());
            o.put("no_path", r.noPath());
            o.put("reason", r.reason());
            o.put("displaced", r.displaced());
            o.put("generation", r.generation());
        }
        ArrayNode apps = root.putArray("applications");
        for (Network.SavedApp a : s.apps()) {
            AppRequest q = a.request();
            ObjectNode o = apps.addObject();
            o.put("app_id", q.appId());
            o.put("server_sae_id", q.serverSae());
            o.put("server_node", q.serverNode());
            o.put("client_sae_id", q.clientSae());
            o.put("client_node", q.clientNode());
            o.put("priority", q.priority());
            o.put("max_bandwidth", q.qos().maxBandwidth());
            o.put("min_bandwidth", q.qos().minBandwidth());
            o.put("jitter", q.qos().jitter());
            o.put("ttl", q.qos().ttl());
            o.put("created", a.created().toString());
        }
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            Files.write(tmp, Views.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The saved state, or null if there is no file. */
    Network.Saved read() throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        JsonNode root = Views.MAPPER.readTree(Files.readAllBytes(file));
        if (root == null || root.path("version").asInt() != VERSION) {
            throw new IOException("not a version " + VERSION + " controller state file");
        }
        List<Network.SavedRelay> relays = new ArrayList<>();
        for (JsonNode o : root.path("relay_paths")) {
            relays.add(new Network.SavedRelay(text(o, "first_end"), text(o, "last_end"), text(o, "virtual_link_id"),
                    strings(o.path("nodes")), strings(o.path("links")), o.path("no_path").asBoolean(),
                    o.path("reason").asText(""), o.path("displaced").asBoolean(), o.path("generation").asInt()));
        }
        List<Network.SavedApp> apps = new ArrayList<>();
        for (JsonNode o : root.path("applications")) {
            try {
                AppRequest q = new AppRequest(text(o, "app_id"), text(o, "server_sae_id"), text(o, "server_node"),
                        text(o, "client_sae_id"), text(o, "client_node"), o.path("priority").asInt(),
                        new AppRequest.Qos(o.path("max_bandwidth").asLong(), o.path("min_bandwidth").asLong(),
                                o.path("jitter").asLong(), o.path("ttl").asLong()));
                apps.add(new Network.SavedApp(q, Instant.parse(text(o, "created"))));
            } catch (RuntimeException e) {
                throw new IOException("application " + o.path("app_id").asText("?") + ": " + e.getMessage());
            }
        }
        return new Network.Saved(apps, relays);
    }

    private static String text(JsonNode o, String name) throws IOException {
        JsonNode v = o.get(name);
        if (v == null || !v.isTextual()) {
            throw new IOException("member " + name + " missing or not a string");
        }
        return v.asText();
    }

    private static void strings(ArrayNode a, List<String> values) {
        values.forEach(a::add);
    }

    private static List<String> strings(JsonNode a) {
        List<String> out = new ArrayList<>();
        a.forEach(n -> out.add(n.asText()));
        return out;
    }
}
