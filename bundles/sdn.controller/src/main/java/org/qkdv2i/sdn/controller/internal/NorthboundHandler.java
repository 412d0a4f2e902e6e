package org.qkdv2i.sdn.controller.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.Set;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.qkdv2i.sdn.controller.internal.graph.AppRequest;
import org.qkdv2i.sdn.controller.internal.graph.Application;
import org.qkdv2i.sdn.controller.internal.graph.NetworkException;
import org.qkdv2i.sdn.controller.internal.graph.Path;
import org.qkdv2i.sdn.controller.internal.graph.Weights;
import org.qkdv2i.tls.JettyTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Northbound REST API of the controller (JSON over HTTPS with mutual TLS; the caller is the CN
 * of its client certificate):
 * <pre>
 * GET    /controller/v1/nodes                 agents and what the last poll found
 * GET    /controller/v1/links                 physical links (state, pool, SKR, QBER) and virtual links
 * GET    /controller/v1/applications          provisioned applications with their paths
 * POST   /controller/v1/applications          provision: {server_sae_id, server_node, client_sae_id,
 *                                             client_node, [app_id], [priority], [qos{max_bandwidth,
 *                                             min_bandwidth, jitter, ttl}]} → 201
 * GET    /controller/v1/applications/{id}     one application with its path and key budget
 * DELETE /controller/v1/applications/{id}     remove → 200 with what was removed
 * GET    /controller/v1/paths?from=&to=[&priority=][&min_bandwidth=]   the path one would get now
 * </pre>
 * Errors: {@code {"message": ...}} with 400 (bad input), 403 (not an operator), 404, 405, 409
 * (application exists), 413, 503 (no path now); never a stack trace.
 */
final class NorthboundHandler extends Handler.Abstract {

    private static final Logger LOG = LoggerFactory.getLogger(NorthboundHandler.class);
    static final String PREFIX = "/controller/v1/";
    private static final HttpField JSON = new HttpField(HttpHeader.CONTENT_TYPE, MimeTypes.Type.APPLICATION_JSON_UTF_8.asString());
    private static final int MAX_BODY = 64 * 1024;
    private static final Set<String> APP_MEMBERS = Set.of("app_id", "server_sae_id", "server_node", "client_sae_id",
            "client_node", "priority", "qos");
    private static final Set<String> QOS_MEMBERS = Set.of("max_bandwidth", "min_bandwidth", "jitter", "ttl");

    private final SdnController controller;
    /** CNs allowed to provision and remove; empty: every client with a trusted certificate. */
    private final Set<String> operators;

    NorthboundHandler(SdnController controller, Set<String> operators) {
        super(InvocationType.BLOCKING); // provisioning calls agents
        this.controller = controller;
        this.operators = operators;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String method = request.getMethod();
        String caller = null;
        String path = null;
        try {
            try {
                path = Request.getPathInContext(request);
            } catch (RuntimeException e) {
                throw ApiError.badRequest("invalid request path");
            }
            caller = JettyTls.clientCommonName(request).orElse(null);
            if (caller == null) {
                throw new ApiError(403, "no client certificate CN");
            }
            if (path == null || !path.startsWith(PREFIX)) {
                throw new ApiError(404, "unknown path; the API is under " + PREFIX);
            }
            String rest = path.substring(PREFIX.length());
            Reply reply = route(method, rest, request, caller, response);
            send(response, reply.status(), reply.body(), callback);
        } catch (ApiError e) {
            LOG.info("controller {}: {} {} from {} refused {}: {}", controller.controllerId(), safe(method), safe(path),
                    caller == null ? "-" : caller, e.status, e.getMessage());
            send(response, e.status, Views.error(e.getMessage()), callback);
        } catch (RuntimeException e) {
            LOG.error("controller {}: {} {} from {} failed: {}", controller.controllerId(), safe(method), safe(path),
                    caller == null ? "-" : caller, e.toString());
            send(response, 503, Views.error("the controller could not serve the request; retry later"), callback);
        }
        return true;
    }

    private record Reply(int status, JsonNode body) {
        static Reply ok(JsonNode body) {
            return new Reply(200, body);
        }
    }

    private Reply route(String method, String rest, Request request, String caller, Response response)
            throws ApiError {
        switch (rest) {
            case "nodes":
                allow(method, "GET", response);
                return Reply.ok(Views.nodes(controller.nodes()));
            case "links":
                allow(method, "GET", response);
                return Reply.ok(Views.links(controller.network().links(), controller.network().relayPaths()));
            case "paths":
                allow(method, "GET", response);
                return Reply.ok(preview(request));
            case "applications":
                if ("POST".equals(method)) {
                    operator(caller);
                    Application a = provision(readJson(request));
                    response.getHeaders().put(HttpHeader.LOCATION, PREFIX + "applications/" + a.id());
                    return new Reply(201, Views.app(a, controller.isConfigured(a)));
                }
                allow(method, "GET, POST", response);
                return Reply.ok(Views.apps(controller.network().applications(), controller));
            default:
                break;
        }
        if (rest.startsWith("applications/") && rest.indexOf('/', "applications/".length()) < 0) {
            String id = rest.substring("applications/".length());
            if (!AppRequest.ID.matcher(id).matches()) {
                throw ApiError.badRequest("invalid application ID in path");
            }
            try {
                if ("DELETE".equals(method)) {
                    operator(caller);
                    Application a = controller.remove(id);
                    return Reply.ok(Views.app(a, false));
                }
                allow(method, "GET, DELETE", response);
                Application a = controller.network().application(id);
                if (a == null) {
                    throw new ApiError(404, "no application " + id);
                }
                ObjectNode o = Views.app(a, controller.isConfigured(a));
                o.set("key_budget", Views.budget(controller.network().budget(id)));
                return Reply.ok(o);
            } catch (NetworkException e) {
                throw map(e);
            }
        }
        throw new ApiError(404, "unknown path; use " + PREFIX + "nodes|links|paths|applications[/{id}]");
    }

    private static void allow(String method, String allowed, Response response) throws ApiError {
        if (!"GET".equals(method)) {
            response.getHeaders().put(HttpHeader.ALLOW, allowed);
            throw new ApiError(405, "method " + safe(method) + " not allowed here; allowed: " + allowed);
        }
    }

    private void operator(String caller) throws ApiError {
        if (!operators.isEmpty() && !operators.contains(caller)) {
            throw new ApiError(403, "client " + caller + " is not an operator of this controller");
        }
    }

    private Application provision(JsonNode body) throws ApiError {
        if (body == null || !body.isObject()) {
            throw ApiError.badRequest("request body must be a JSON object with server_sae_id, server_node, client_sae_id, client_node");
        }
        for (Iterator<String> it = body.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!APP_MEMBERS.contains(f)) {
                throw ApiError.badRequest("unknown member " + safe(f) + "; allowed: " + APP_MEMBERS);
            }
        }
        AppRequest.Qos qos = AppRequest.Qos.NONE;
        JsonNode q = body.get("qos");
        if (q != null && !q.isNull()) {
            if (!q.isObject()) {
                throw ApiError.badRequest("qos must be an object");
            }
            for (Iterator<String> it = q.fieldNames(); it.hasNext();) {
                String f = it.next();
                if (!QOS_MEMBERS.contains(f)) {
                    throw ApiError.badRequest("unknown qos member " + safe(f) + "; allowed: " + QOS_MEMBERS);
                }
            }
            try {
                qos = new AppRequest.Qos(uint(q, "max_bandwidth"), uint(q, "min_bandwidth"), uint(q, "jitter"),
                        uint(q, "ttl"));
            } catch (IllegalArgumentException e) {
                throw ApiError.badRequest(e.getMessage());
            }
        }
        AppRequest req;
        try {
            req = new AppRequest(text(body, "app_id", false), text(body, "server_sae_id", true),
                    text(body, "server_node", true), text(body, "client_sae_id", true), text(body, "client_node", true),
                    (int) Math.min(Integer.MAX_VALUE, uint(body, "priority")), qos);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
        try {
            return controller.provision(req);
        } catch (NetworkException e) {
            throw map(e);
        }
    }

    private JsonNode preview(Request request) throws ApiError {
        Fields f;
        try {
            f = Request.extractQueryParameters(request);
        } catch (RuntimeException e) {
            throw ApiError.badRequest("invalid query string");
        }
        String from = f.getValue("from");
        String to = f.getValue("to");
        if (from == null || to == null || !AppRequest.ID.matcher(from).matches() || !AppRequest.ID.matcher(to).matches()) {
            throw ApiError.badRequest("query needs from=<node>&to=<node>");
        }
        int priority = (int) number(f.getValue("priority"), "priority");
        long minBw = number(f.getValue("min_bandwidth"), "min_bandwidth");
        Path p = controller.preview(from, to, Weights.demand(minBw), priority);
        if (p == null) {
            throw new ApiError(503, "no path from node " + from + " to node " + to + " now");
        }
        ObjectNode o = Views.MAPPER.createObjectNode();
        Views.path(o, p);
        o.put("cost", p.cost());
        return o;
    }

    private static long number(String v, String name) throws ApiError {
        if (v == null) {
            return 0;
        }
        try {
            long n = Long.parseLong(v);
            if (n < 0 || n > 0xFFFF_FFFFL) {
                throw ApiError.badRequest(name + " must be 0..4294967295");
            }
            return n;
        } catch (NumberFormatException e) {
            throw ApiError.badRequest(name + " must be a number");
        }
    }

    private static String text(JsonNode o, String name, boolean required) throws ApiError {
        JsonNode v = o.get(name);
        if (v == null || v.isNull()) {
            if (required) {
                throw ApiError.badRequest(name + " is required");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw ApiError.badRequest(name + " must be a string");
        }
        return v.asText();
    }

    /** A uint32 member, 0 when absent (ETSI GS QKD 015 types bandwidths and priority as uint32). */
    private static long uint(JsonNode o, String name) throws ApiError {
        JsonNode v = o.get(name);
        if (v == null || v.isNull()) {
            return 0;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0 || v.asLong() > 0xFFFF_FFFFL) {
            throw ApiError.badRequest(name + " must be an integer 0..4294967295");
        }
        return v.asLong();
    }

    private static ApiError map(NetworkException e) {
        switch (e.reason()) {
            case NOT_FOUND:
                return new ApiError(404, e.getMessage());
            case CONFLICT:
                return new ApiError(409, e.getMessage());
            case UNKNOWN_NODE:
                return ApiError.badRequest(e.getMessage());
            default:
                return new ApiError(503, e.getMessage());
        }
    }

    private static JsonNode readJson(Request request) throws ApiError {
        if (request.getLength() > MAX_BODY) {
            throw new ApiError(413, "request body larger than " + MAX_BODY + " bytes");
        }
        byte[] bytes;
        try (InputStream in = Request.asInputStream(request)) {
            bytes = in.readNBytes(MAX_BODY + 1);
        } catch (IOException e) {
            throw ApiError.badRequest("request body could not be read");
        }
        if (bytes.length > MAX_BODY) {
            throw new ApiError(413, "request body larger than " + MAX_BODY + " bytes");
        }
        if (bytes.length == 0) {
            return null;
        }
        try {
            return Views.MAPPER.readTree(bytes);
        } catch (JacksonException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw ApiError.badRequest("request body is not valid JSON" + where);
        } catch (IOException e) {
            throw ApiError.badRequest("request body is not valid JSON");
        }
    }

    private static void send(Response response, int status, JsonNode body, Callback callback) {
        byte[] out;
        try {
            out = Views.MAPPER.writeValueAsBytes(body);
        } catch (IOException e) {
            status = 503;
            out = "{\"message\":\"cannot encode the answer\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        response.setStatus(status);
        response.getHeaders().put(JSON);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, out.length);
        response.write(true, ByteBuffer.wrap(out), callback);
    }

    private static String safe(String s) {
        if (s == null) {
            return "-";
        }
        String t = s.replaceAll("[^\\x21-\\x7e]", "?");
        return t.length() > 200 ? t.substring(0, 200) + "..." : t;
    }

}
