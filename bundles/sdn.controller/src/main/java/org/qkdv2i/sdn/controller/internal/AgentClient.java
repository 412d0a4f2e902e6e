package org.qkdv2i.sdn.controller.internal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;


import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.qkdv2i.sdn.api.QkdApp;
import org.qkdv2i.sdn.api.QkdLink;
import org.qkdv2i.sdn.api.QkdNode;
import org.qkdv2i.sdn.api.RestconfError;
import org.qkdv2i.sdn.api.json.Qkd015Json;
import org.qkdv2i.sdn.api.json.Qkd015JsonException;
import org.qkdv2i.tls.NodeTls;

/**
 * RESTCONF client of one node's ETSI GS QKD 015 agent over HTTPS with mutual TLS (on the
 * controller's shared {@link AgentTransport}): the controller's certificate identifies it (the
 * agent lets only its configured controllers write), and the agent's certificate must name the
 * node (CN = node ID).
 */
final class AgentClient {

    private static final int MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

    private final AgentRef agent;
    private final String controllerId;
    private final long timeoutMillis;
    private final Qkd015Json writer = Qkd015Json.strict();
    /** Lenient on what agents send: a newer agent may add leaves this controller does not know. */
    private final Qkd015Json reader = Qkd015Json.lenient();
    private final HttpClient client;
    private final AgentTransport transport;
    private final boolean ownsTransport;

    /** A client with its own transport (tests; one agent). */
    AgentClient(AgentRef agent, NodeTls tls, long timeoutMillis) throws Exception {
        this(agent, new AgentTransport(tls, List.of(agent), timeoutMillis), tls.nodeId(), timeoutMillis, true);
    }

    /** A client on the controller's shared transport (stopped by its owner). */
    AgentClient(AgentRef agent, AgentTransport transport, String controllerId, long timeoutMillis) {
        this(agent, transport, controllerId, timeoutMillis, false);
    }

    private AgentClient(AgentRef agent, AgentTransport transport, String controllerId, long timeoutMillis,
            boolean ownsTransport) {
        this.agent = agent;
        this.controllerId = controllerId;
        this.timeoutMillis = timeoutMillis;
        this.transport = transport;
        this.ownsTransport = ownsTransport;
        this.client = transport.client();
    }

    String nodeId() {
        return agent.nodeId();
    }

    AgentRef agent() {
        return agent;
    }

    void stop() {
        if (ownsTransport) {
            transport.stop();
        }
    }

    /** GET the whole {@code qkd_node} (ETSI GS QKD 015 state), asynchronously. */
    CompletableFuture<QkdNode> fetch() {
        Request r = client.newRequest(agent.base().resolve(Qkd015Json.NODE_PATH)).method(HttpMethod.GET)
                .headers(h -> h.put(HttpHeader.ACCEPT, Qkd015Json.MEDIA_TYPE))
                .timeout(timeoutMillis, TimeUnit.MILLISECONDS);
        return new CompletableResponseListener(r, MAX_RESPONSE_BYTES).send().handle((resp, failure) -> {
            if (failure != null) {
                throw new java.util.concurrent.CompletionException(new AgentException(0, "no answer: " + cause(failure)));
            }
            if (resp.getStatus() != 200) {
                throw new java.util.concurrent.CompletionException(new AgentException(resp.getStatus(),
                        "GET qkd_node answered " + resp.getStatus() + errorText(resp)));
            }
            try {
                return reader.readNode(resp.getContent());
            } catch (Qkd015JsonException e) {
                throw new java.util.concurrent.CompletionException(new AgentException(resp.getStatus(),
                        "GET qkd_node: unreadable answer at " + e.path() + ": " + e.getMessage()));
            }
        });
    }

    /** PUT one VIRT link ({@code qkd_links/qkd_link=<id>}): created or replaced. */
    void put(QkdLink link) throws AgentException {
        send(HttpMethod.PUT, "/qkd_links/qkd_link=" + key(link.qkdlId()), writer.writeLink(link));
    }

    /** PUT one application ({@code qkd_applications/qkd_app=<id>}): created or replaced. */
    void put(QkdApp app) throws AgentException {
        send(HttpMethod.PUT, "/qkd_applications/qkd_app=" + key(app.appId()), writer.writeApp(app));
    }

    /** DELETE a link; true if deleted, false if the agent did not have it (404: nothing to do). */
    boolean deleteLink(String linkId) throws AgentException {
        return send(HttpMethod.DELETE, "/qkd_links/qkd_link=" + key(linkId), null) != 404;
    }

    boolean deleteApp(String appId) throws AgentException {
        return send(HttpMethod.DELETE, "/qkd_applications/qkd_app=" + key(appId), null) != 404;
    }

    private int send(HttpMethod method, String subPath, byte[] body) throws AgentException {
        Request r = client.newRequest(agent.base().resolve(Qkd015Json.NODE_PATH + subPath)).method(method)
                .headers(h -> h.put(HttpHeader.ACCEPT, Qkd015Json.MEDIA_TYPE))
                .timeout(timeoutMillis, TimeUnit.MILLISECONDS);
        if (body != null) {
            r.body(new BytesRequestContent(Qkd015Json.MEDIA_TYPE, body));
        }
        ContentResponse resp;
        try {
            resp = new CompletableResponseListener(r, 1024 * 1024).send().get(timeoutMillis + 1000,
                    TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AgentException(0, method + " " + subPath + ": interrupted");
        } catch (Exception e) {
            throw new AgentException(0, method + " " + subPath + ": no answer: " + cause(e));
        }
        int s = resp.getStatus();
        if (s == 200 || s == 201 || s == 204 || (s == 404 && method == HttpMethod.DELETE)) {
            return s;
        }
        throw new AgentException(s, method + " " + subPath + " answered " + s + errorText(resp));
    }

    /** RFC 8040 §3.5.3: a key value in a path is percent-encoded. */
    private static String key(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private String errorText(ContentResponse resp) {
        try {
            List<RestconfError> errors = reader.readErrors(resp.getContent());
            if (!errors.isEmpty() && errors.get(0).errorMessage() != null) {
                return ": " + errors.get(0).errorTag() + ": " + errors.get(0).errorMessage();
            }
        } catch (Qkd015JsonException | RuntimeException e) {
            // not an errors body
        }
        return "";
    }

    private static String cause(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        return m == null || m.isBlank() ? root.getClass().getSimpleName() : m;
    }
}
