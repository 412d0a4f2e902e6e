package org.qkdv2i.scenario.internal;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.qkdv2i.tls.JettyTls;
import org.qkdv2i.tls.NodeTls;

/**
 * The engine as an operator of the SDN controller: its northbound REST API
 * ({@code /controller/v1/…}, JSON over mutual TLS with the operator's certificate).
 */
final class Northbound implements AutoCloseable {

    /** A refusal or failure of the controller, with its status (0: no answer). */
    static final class NorthboundException extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        NorthboundException(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client;
    private final String base;

    Northbound(NodeTls operator, int port) throws Exception {
        ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(JettyTls.clientFactory(operator));
        QueuedThreadPool pool = new QueuedThreadPool(4, 1);
        pool.setName("city-northbound");
        connector.setExecutor(pool);
        HttpClient c = new HttpClient(new HttpClientTransportOverHTTP(connector));
        c.setExecutor(pool);
        c.setConnectTimeout(3000);
        c.start();
        this.client = c;
        this.base = "https://localhost:" + port + "/controller/v1/";
    }

    /** POST applications: the controller computes the relay path and pushes it to the agents. */
    JsonNode provision(String appId, String serverSae, String serverNode, String clientSae, String clientNode,
            int priority) throws NorthboundException {
        ObjectNode body = JSON.createObjectNode().put("app_id", appId).put("server_sae_id", serverSae)
                .put("server_node", serverNode).put("client_sae_id", clientSae).put("client_node", clientNode)
                .put("priority", priority);
        return call(HttpMethod.POST, "applications", body.toString());
    }

    JsonNode get(String path) throws NorthboundException {
        return call(HttpMethod.GET, path, null);
    }

    private JsonNode call(HttpMethod method, String path, String body) throws NorthboundException {
        ContentResponse r;
        try {
            var req = client.newRequest(base + path).method(method).timeout(10, TimeUnit.SECONDS);
            if (body != null) {
                req.body(new StringRequestContent("application/json", body, StandardCharsets.UTF_8));
            }
            r = req.send();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            throw new NorthboundException(0, "SDN controller unreachable: " + root.getMessage());
        }
        String text = r.getContentAsString();
        if (r.getStatus() / 100 != 2) {
            String msg = text;
            try {
                JsonNode m = JSON.readTree(text).get("message");
                msg = m == null ? text : m.asText();
            } catch (Exception notJson) {
                // the raw text then
            }
            throw new NorthboundException(r.getStatus(), "SDN controller answered " + r.getStatus() + ": " + msg);
        }
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new NorthboundException(r.getStatus(), "SDN controller sent unreadable JSON");
        }
    }

    @Override
    public void close() {
        try {
            client.stop();
        } catch (Exception e) {
            // stopping anyway
        }
    }
}
