package org.qkdv2i.sdn.agent.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.qkdv2i.kmm.api.KeyManager;
import org.qkdv2i.kmm.api.KeyManagerException;
import org.qkdv2i.kmm.api.RelayRoutes;
import org.qkdv2i.kmm.api.VirtualLink;
import org.qkdv2i.sdn.api.QkdApp;
import org.qkdv2i.sdn.api.QkdInterface;
import org.qkdv2i.sdn.api.QkdLink;
import org.qkdv2i.sdn.api.QkdNode;
import org.qkdv2i.sdn.api.QkdlType;
import org.qkdv2i.sdn.api.json.Qkd015Json;
import org.qkdv2i.sdn.api.json.Qkd015JsonException;
import org.qkdv2i.tls.JettyTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RESTCONF (RFC 8040) for the ETSI GS QKD 015 {@code qkd_node} of one node, on the Jetty
 * core handler API. Every client needs a certificate of the node PKI (mutual TLS); reads
 * are open to any of them, writes only to the certificate CNs configured as controllers.
 *
 * <pre>
 * GET                 {NODE}                                   the whole node
 * GET                 {NODE}/qkdn_capabilities
 * GET                 {NODE}/qkd_interfaces[/qkd_interface=ID]
 * GET, POST           {NODE}/qkd_links                         POST creates a VIRT link
 * GET, PUT, DELETE    {NODE}/qkd_links/qkd_link=ID             VIRT links only for PUT/DELETE
 * GET, POST           {NODE}/qkd_applications                  POST creates an application
 * GET, PUT, DELETE    {NODE}/qkd_applications/qkd_app=ID
 * </pre>
 */
final class AgentHandler extends Handler.Abstract {

    private static final Logger LOG = LoggerFactory.getLogger(AgentHandler.class);

    static final String ROOT = Qkd015Json.NODE_PATH;
    private static final String YANG_ROOT = "/" + Qkd015Json.MODULE + ":qkd_node";
    private static final HttpField JSON = new HttpField(HttpHeader.CONTENT_TYPE, Qkd015Json.MEDIA_TYPE);
    private static final HttpField NO_STORE = new HttpField(HttpHeader.CACHE_CONTROL, "no-store");

    /** Where the sources of the model come from; looked up per request so they may come and go. */
    interface Sources {
        KeyManager keyManager();

        RelayRoutes relayRoutes();
    }

    private enum Kind {
        NODE, CAPABILITIES, INTERFACES, INTERFACE, LINKS, LINK, APPS, APP
    }

    private record Target(Kind kind, String key) {
    }

    private final String nodeId;
    private final Set<String> controllers;
    private final Sources sources;
    private final NodeView view;
    private final AppTable apps;
    private final Map<String, Long> virtBandwidth;
    private final int maxRequestBytes;
    private final Clock clock;
    private final LongSupplier nanos;
    private final Qkd015Json strict = Qkd015Json.strict();

    /**
     * @param view          builds the node model (keeps the rate samples)
     * @param apps          the application table (outlives a server restart)
     * @param virtBandwidth {@code virt_bandwidth} per VIRT link as the controller put it (outlives a restart)
     */
    AgentHandler(String nodeId, Set<String> controllers, Sources sources, NodeView view, AppTable apps,
            Map<String, Long> virtBandwidth, int maxRequestBytes, Clock clock, LongSupplier nanos) {
        super(InvocationType.BLOCKING); // KMM calls may take locks or touch the disk
        this.nodeId = nodeId;
        this.controllers = Set.copyOf(controllers);
        this.sources = sources;
        this.view = view;
        this.apps = apps;
        this.virtBandwidth = virtBandwidth;
        this.maxRequestBytes = maxRequestBytes;
        this.clock = clock;
        this.nanos = nanos;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String method = request.getMethod();
        String caller = null;
        String path = null;
        try {
            path = pathOf(request);
            caller = JettyTls.clientCommonName(request).orElse(null);
            if (caller == null) {
                throw new RestconfException(401, "protocol", "access-denied", null, "no client certificate CN");
            }
            Target t = target(path);
            boolean write = !"GET".equals(method);
            allow(t, method, response);
            acceptsJson(request);
            if (write && !controllers.contains(caller)) {
                throw RestconfException.forbidden("client '" + caller + "' is not an SDN controller of node " + nodeId
                        + "; only " + (controllers.isEmpty() ? "configured controllers" : controllers) + " may write");
            }
            KeyManager km = sources.keyManager();
            if (km == null) {
                throw RestconfException.unavailable("key management of node " + nodeId + " is not available; retry later");
            }
            RelayRoutes routes = sources.relayRoutes();
            switch (method) {
                case "GET":
                    get(t, snapshot(km, routes), response, callback);
                    break;
                case "PUT":
                case "POST":
                    put(t, "POST".equals(method), readBody(request), km, routes, caller, response, callback);
                    break;
                default:
                    delete(t, km, routes, caller, response, callback);
                    break;
            }
        } catch (RestconfException e) {
            reject(response, callback, caller, method, path, e);
        } catch (RuntimeException e) {
            // a KMM leaving mid-request or a bug: a retryable 503 with an errors body, never a trace
            LOG.error("node {} SDN agent: {} {} from {} failed: {}", nodeId, safe(method), safe(path), caller,
                    e.toString());
            reject(response, callback, caller, method, path,
                    RestconfException.unavailable("node " + nodeId + " could not serve the request; retry later"));
        }
        return true;
    }

    private NodeView.Snapshot snapshot(KeyManager km, RelayRoutes routes) {
        return view.snapshot(km, routes, apps.all(), virtBandwidth, nanos.getAsLong(), clock.instant());
    }

    // ------------------------------------------------------------------ routing

    private static String pathOf(Request request) throws RestconfException {
        try {
            return Request.getPathInContext(request);
        } catch (RuntimeException e) {
            throw RestconfException.badRequest("invalid-value", null, "invalid request path");
        }
    }

    private static Target target(String path) throws RestconfException {
        if (path == null || !(path.equals(ROOT) || path.startsWith(ROOT + "/"))) {
            throw RestconfException.notFound(null, "unknown resource; the node is at " + ROOT);
        }
        String rest = path.substring(ROOT.length());
        while (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1); // some clients add one
        }
        if (rest.isEmpty()) {
            return new Target(Kind.NODE, null);
        }
        String[] s = rest.substring(1).split("/", -1);
        if (s.length == 1) {
            switch (s[0]) {
                case "qkdn_capabilities":
                    return new Target(Kind.CAPABILITIES, null);
                case "qkd_interfaces":
                    return new Target(Kind.INTERFACES, null);
                case "qkd_links":
                    return new Target(Kind.LINKS, null);
                case "qkd_applications":
                    return new Target(Kind.APPS, null);
                default:
                    break;
            }
        } else if (s.length == 2) {
            String key;
            if ("qkd_links".equals(s[0]) && (key = key(s[1], "qkd_link")) != null) {
                return new Target(Kind.LINK, key);
            }
            if ("qkd_applications".equals(s[0]) && (key = key(s[1], "qkd_app")) != null) {
                return new Target(Kind.APP, key);
            }
            if ("qkd_interfaces".equals(s[0]) && (key = key(s[1], "qkd_interface")) != null) {
                return new Target(Kind.INTERFACE, key);
            }
        }
        throw RestconfException.notFound(null, "unknown resource " + safe(path) + "; served: " + ROOT
                + "[/qkdn_capabilities | /qkd_interfaces[/qkd_interface=ID] | /qkd_links[/qkd_link=ID]"
                + " | /qkd_applications[/qkd_app=ID]]");
    }

    /** The key of {@code list=key} (RFC 8040 §3.5.3; Jetty has percent-decoded it), or null. */
    private static String key(String segment, String list) throws RestconfException {
        if (!segment.startsWith(list + "=")) {
            return null;
        }
        String key = segment.substring(list.length() + 1);
        if (key.isEmpty() || key.length() > 256 || !key.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw RestconfException.badRequest("invalid-value", null, "invalid " + list + " key in the path");
        }
        return key;
    }

    private static void allow(Target t, String method, Response response) throws RestconfException {
        String allowed;
        switch (t.kind()) {
            case LINK:
            case APP:
                allowed = "GET, PUT, DELETE";
                break;
            case LINKS:
            case APPS:
                allowed = "GET, POST";
                break;
            default:
                allowed = "GET";
                break;
        }
        if (!Set.of(allowed.split(", ")).contains(method)) {
            response.getHeaders().put(HttpHeader.ALLOW, allowed);
            throw new RestconfException(405, "protocol", "operation-not-supported", null,
                    "method " + safe(method) + " not allowed here; allowed: " + allowed);
        }
    }

    /** RFC 8040 §5.2: JSON is the only encoding here; a client that accepts none of it gets 406. */
    private static void acceptsJson(Request request) throws RestconfException {
        String accept = request.getHeaders().get(HttpHeader.ACCEPT);
        if (accept == null || accept.isBlank()) {
            return;
        }
        String a = accept.toLowerCase(java.util.Locale.ROOT);
        if (!(a.contains("json") || a.contains("*/*") || a.contains("application/*"))) {
            throw new RestconfException(406, "protocol", "invalid-value", null,
                    "only " + Qkd015Json.MEDIA_TYPE + " is served");
        }
    }

    // ------------------------------------------------------------------ GET

    private void get(Target t, NodeView.Snapshot snap, Response response, Callback callback)
            throws RestconfException {
        QkdNode node = snap.node();
        byte[] body;
        switch (t.kind()) {
            case NODE:
                body = strict.writeNode(node);
                break;
            case CAPABILITIES:
                body = strict.writeCapabilities(node.qkdnCapabilities());
                break;
            case INTERFACES:
                body = strict.writeInterfaces(node.qkdInterfaces());
                break;
            case INTERFACE:
                QkdInterface iface = node.qkdInterfaces().stream()
                        .filter(i -> Long.toString(i.qkdiId()).equals(t.key())).findFirst()
                        .orElseThrow(() -> RestconfException.notFound(errorPath(t), "no interface " + t.key()
                                + " at node " + nodeId));
                body = strict.writeInterface(iface);
                break;
            case LINKS:
                body = strict.writeLinks(node.qkdLinks());
                break;
            case LINK:
                body = strict.writeLink(node.link(t.key()).orElseThrow(
                        () -> RestconfException.notFound(errorPath(t), "no link " + t.key() + " at node " + nodeId)));
                break;
            case APPS:
                body = strict.writeApps(node.qkdApplications());
                break;
            default:
                body = strict.writeApp(node.app(t.key()).orElseThrow(() -> RestconfException.notFound(errorPath(t),
                        "no application " + t.key() + " at node " + nodeId)));
                break;
        }
        send(response, 200, body, callback);
    }

    // ------------------------------------------------------------------ writes

    private void put(Target t, boolean post, byte[] body, KeyManager km, RelayRoutes routes, String caller,
            Response response, Callback callback) throws RestconfException {
        boolean links = t.kind() == Kind.LINK || t.kind() == Kind.LINKS;
        String created;
        boolean isNew;
        try {
            if (links) {
                QkdLink link = strict.readLink(body);
                checkKey(t, link.qkdlId(), "qkdl_id");
                isNew = putLink(link, post, km, routes, caller);
                created = link.qkdlId();
            } else {
                QkdApp app = strict.readApp(body);
                checkKey(t, app.appId(), "app_id");
                isNew = putApp(app, post, km, routes, caller);
                created = app.appId();
            }
        } catch (Qkd015JsonException e) {
            throw new RestconfException(400, "protocol", e.errorTag(), errorPath(t, e.path()), e.getMessage());
        }
        if (isNew) {
            // RFC 8040 §4.4.1 / §4.5: 201 with the new resource's location
            response.getHeaders().put(HttpHeader.LOCATION,
                    ROOT + (links ? "/qkd_links/qkd_link=" : "/qkd_applications/qkd_app=") + created);
            sendEmpty(response, 201, callback);
        } else {
            sendEmpty(response, 204, callback);
        }
    }

    /** RFC 8040 §4.5: the key in the body must be the key in the URI. */
    private static void checkKey(Target t, String bodyKey, String leaf) throws RestconfException {
        if (t.key() != null && !t.key().equals(bodyKey)) {
            throw RestconfException.badRequest("invalid-value", null,
                    leaf + " '" + bodyKey + "' in the body differs from '" + t.key() + "' in the URI");
        }
    }

    private boolean putLink(QkdLink link, boolean post, KeyManager km, RelayRoutes routes, String caller)
            throws RestconfException {
        Target entry = new Target(Kind.LINK, link.qkdlId());
        String at = errorPath(entry);
        if (link.qkdlType() != QkdlType.VIRT) {
            throw RestconfException.invalid(at + "/qkdl_type", link.qkdlType() == null
                    ? "qkdl_type is required and must be etsi-qkd-node-types:VIRT"
                    : "only VIRT links can be written; PHYS links are the node's QKD drivers'");
        }
        if (Boolean.FALSE.equals(link.qkdlEnable())) {
            throw RestconfException.invalid(at + "/qkdl_enable",
                    "disabling a virtual link is not supported; DELETE it instead");
        }
        String first = link.localNode();
        String last = link.remoteNode();
        if (first == null || last == null) {
            throw RestconfException.badRequest("missing-element", at + (first == null ? "/qkdl_local" : "/qkdl_remote"),
                    "a VIRT link needs qkdl_local/qkdn_id and qkdl_remote/qkdn_id (its two end nodes)");
        }
        if (link.virtNextHop().size() > 1) {
            throw RestconfException.invalid(at + "/virt_next_hop", "one next hop only (no multicast relay)");
        }
        String prev = link.virtPrevHop();
        String next = link.nextHop();
        checkPlace(at, link.qkdlId(), first, last, prev, next);
        VirtualLink v;
        try {
            v = new VirtualLink(link.qkdlId(), first, last, prev, next);
        } catch (IllegalArgumentException e) {
            throw RestconfException.invalid(at, e.getMessage());
        }
        if (km.pools().stream().anyMatch(p -> p.linkId().equals(link.qkdlId()))) {
            throw RestconfException.invalid(at, "qkdl_id " + link.qkdlId() + " is a physical link of node " + nodeId);
        }
        if (routes == null) {
            throw RestconfException.unavailable("key relay is not available at node " + nodeId + "; retry later");
        }
        boolean existed = routes.virtualLinks().stream().anyMatch(l -> l.linkId().equals(link.qkdlId()));
        if (post && existed) {
            throw new RestconfException(409, "application", "data-exists", at,
                    "virtual link " + link.qkdlId() + " exists; PUT replaces it");
        }
        try {
            routes.putVirtualLink(v);
        } catch (KeyManagerException e) {
            throw mapKmm(at, e);
        }
        if (link.virtBandwidth() != null) {
            virtBandwidth.put(link.qkdlId(), link.virtBandwidth());
        } else {
            virtBandwidth.remove(link.qkdlId());
        }
        LOG.info("node {}: controller {} {} virtual link {} ({} … {} → {} → {} … {})", nodeId, caller,
                existed ? "replaced" : "added", v.linkId(), first, prev == null ? "-" : prev, nodeId,
                next == null ? "-" : next, last);
        return !existed;
    }

    /** This node's place on the path: an end has one hop, a middle node two (ETSI 015 virt_prev/next_hop). */
    private void checkPlace(String at, String id, String first, String last, String prev, String next)
            throws RestconfException {
        if (nodeId.equals(prev) || nodeId.equals(next)) {
            throw RestconfException.invalid(at, "node " + nodeId + " cannot be its own hop on virtual link " + id);
        }
        if (nodeId.equals(first) && prev != null) {
            throw RestconfException.invalid(at + "/virt_prev_hop", "node " + nodeId
                    + " is the qkdl_local end of virtual link " + id + ": virt_prev_hop must be absent");
        }
        if (nodeId.equals(last) && next != null) {
            throw RestconfException.invalid(at + "/virt_next_hop", "node " + nodeId
                    + " is the qkdl_remote end of virtual link " + id + ": virt_next_hop must be absent");
        }
        if (!nodeId.equals(first) && !nodeId.equals(last) && (prev == null || next == null)) {
            throw RestconfException.invalid(at, "node " + nodeId + " is a middle node of virtual link " + id
                    + ": it needs both virt_prev_hop and virt_next_hop");
        }
    }

    private boolean putApp(QkdApp app, boolean post, KeyManager km, RelayRoutes routes, String caller)
            throws RestconfException {
        Target entry = new Target(Kind.APP, app.appId());
        String at = errorPath(entry);
        if (app.localQkdnId() != null && !app.localQkdnId().equals(nodeId)) {
            throw RestconfException.invalid(at + "/local_qkdn_id",
                    "local_qkdn_id " + app.localQkdnId() + " is not this node (" + nodeId + ")");
        }
        QkdNode node = snapshot(km, routes).node();
        for (String l : app.backingQkdlId()) {
            if (node.link(l).isEmpty()) {
                throw RestconfException.invalid(at + "/backing_qkdl_id",
                        "backing link " + l + " is not a link of node " + nodeId + "; put the VIRT link first");
            }
        }
        QkdApp stored;
        boolean isNew;
        synchronized (apps) {
            QkdApp old = apps.get(app.appId());
            if (post && old != null) {
                throw new RestconfException(409, "application", "data-exists", at,
                        "application " + app.appId() + " exists; PUT replaces it");
            }
            // app_status, creation_time and app_statistics are state data (config false): the node's own
            stored = new QkdApp(app.appId(), null, app.appType(), app.serverAppId(), app.clientAppId(),
                    app.appPriority(), old == null ? clock.instant() : old.creationTime(), app.expirationTime(),
                    List.of(), app.appQos(), app.backingQkdlId(), app.localQkdnId(), app.remoteQkdnId());
            isNew = apps.put(stored);
        }
        LOG.info("node {}: controller {} {} application {} ({} → {}, node {} → {}, backing {})", nodeId, caller,
                isNew ? "added" : "replaced", app.appId(), app.serverAppId(), app.clientAppId(), app.localQkdnId(),
                app.remoteQkdnId(), app.backingQkdlId());
        return isNew;
    }

    private void delete(Target t, KeyManager km, RelayRoutes routes, String caller, Response response,
            Callback callback) throws RestconfException {
        if (t.kind() == Kind.LINK) {
            if (km.pools().stream().anyMatch(p -> p.linkId().equals(t.key()))) {
                throw RestconfException.invalid(errorPath(t),
                        t.key() + " is a physical link of node " + nodeId + "; only VIRT links can be deleted");
            }
            if (routes == null) {
                throw RestconfException.unavailable("key relay is not available at node " + nodeId + "; retry later");
            }
            if (!routes.removeVirtualLink(t.key())) {
                throw RestconfException.notFound(errorPath(t), "no virtual link " + t.key() + " at node " + nodeId);
            }
            virtBandwidth.remove(t.key());
            LOG.info("node {}: controller {} removed virtual link {}", nodeId, caller, t.key());
        } else {
            if (!apps.remove(t.key())) {
                throw RestconfException.notFound(errorPath(t), "no application " + t.key() + " at node " + nodeId);
            }
            LOG.info("node {}: controller {} removed application {}", nodeId, caller, t.key());
        }
        sendEmpty(response, 204, callback);
    }

    private RestconfException mapKmm(String at, KeyManagerException e) {
        switch (e.reason()) {
            case BAD_REQUEST:
                return RestconfException.invalid(at, e.getMessage());
            case UNAVAILABLE:
                return RestconfException.unavailable(e.getMessage());
            default:
                return new RestconfException(409, "application", "operation-failed", at, e.getMessage());
        }
    }

    // ------------------------------------------------------------------ I/O

    private byte[] readBody(Request request) throws RestconfException {
        String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).contains("json")) {
            throw new RestconfException(415, "protocol", "invalid-value", null,
                    "the body must be " + Qkd015Json.MEDIA_TYPE + " (RFC 7951 JSON)");
        }
        long declared = request.getLength();
        if (declared > maxRequestBytes) {
            throw new RestconfException(413, "protocol", "too-big", null,
                    "request body larger than " + maxRequestBytes + " bytes");
        }
        byte[] bytes;
        try (InputStream in = Request.asInputStream(request)) {
            bytes = in.readNBytes(maxRequestBytes + 1);
        } catch (IOException e) {
            throw RestconfException.badRequest("malformed-message", null, "request body could not be read");
        }
        if (bytes.length > maxRequestBytes) {
            throw new RestconfException(413, "protocol", "too-big", null,
                    "request body larger than " + maxRequestBytes + " bytes");
        }
        return bytes;
    }

    /** The RFC 8040 error-path: a YANG instance identifier of the target (and member, if known). */
    private static String errorPath(Target t) {
        return errorPath(t, "");
    }

    private static String errorPath(Target t, String member) {
        String base;
        switch (t.kind()) {
            case LINK:
                base = YANG_ROOT + "/qkd_links/qkd_link[qkdl_id='" + t.key() + "']";
                break;
            case APP:
                base = YANG_ROOT + "/qkd_applications/qkd_app[app_id='" + t.key() + "']";
                break;
            case LINKS:
                base = YANG_ROOT + "/qkd_links";
                break;
            case APPS:
                base = YANG_ROOT + "/qkd_applications";
                break;
            default:
                base = YANG_ROOT;
                break;
        }
        // the codec's path starts with the entry's own name (/qkd_link/qkdl_type): keep what follows
        if (member != null && !member.isEmpty() && (t.kind() == Kind.LINK || t.kind() == Kind.APP)) {
            int slash = member.indexOf('/', 1);
            return slash < 0 ? base : base + member.substring(slash);
        }
        return base + (member == null ? "" : member);
    }

    private void reject(Response response, Callback callback, String caller, String method, String path,
            RestconfException e) {
        LOG.info("node {} SDN agent: {} {} from {} rejected {}: {}", nodeId, safe(method), safe(path),
                caller == null ? "-" : caller, e.status, e.getMessage());
        byte[] body = strict.writeErrors(List.of(e.error));
        send(response, e.status, body, callback, e.status == 413);
    }

    private static void send(Response response, int status, byte[] body, Callback callback) {
        send(response, status, body, callback, false);
    }

    private static void send(Response response, int status, byte[] body, Callback callback, boolean close) {
        response.setStatus(status);
        response.getHeaders().put(JSON);
        response.getHeaders().put(NO_STORE);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        if (close) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close"); // an unread body: do not drain it
        }
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    private static void sendEmpty(Response response, int status, Callback callback) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0);
        callback.succeeded();
    }

    static String safe(String s) {
        if (s == null) {
            return "-";
        }
        String clean = s.replaceAll("[^\\x21-\\x7e]", "?");
        return clean.length() > 200 ? clean.substring(0, 200) + "…" : clean;
    }
}
