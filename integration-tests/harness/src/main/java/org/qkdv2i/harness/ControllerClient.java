package org.qkdv2i.harness;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A client of the SDN controller's northbound REST API ({@code /controller/v1/...}, JSON over
 * HTTPS with mutual TLS), as an operator's tool would call it: the JDK's HTTP client with the
 * operator's client certificate, checking the controller's certificate (CA and host name).
 */
public final class ControllerClient {

    /** A response: status code and parsed body (null when empty). */
    public record Response(int status, JsonNode body) {
        @Override
        public String toString() {
            return "HTTP " + status + " " + body;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final String base;

    public ControllerClient(Path pkcs12, char[] password, Path caPem, int port) throws Exception {
        http = EtsiClient.httpClient(pkcs12, password, caPem);
        base = "https://localhost:" + port + "/controller/v1/";
    }

    public Response nodes() throws Exception {
        return get("nodes");
    }

    public Response links() throws Exception {
        return get("links");
    }

    public Response applications() throws Exception {
        return get("applications");
    }

    public Response application(String appId) throws Exception {
        return get("applications/" + appId);
    }

    /** Provisions an application between a server SAE (master) and a client SAE (slave). */
    public Response provision(String appId, String serverSae, String serverNode, String clientSae, String clientNode)
            throws Exception {
        String body = JSON.createObjectNode().put("app_id", appId).put("server_sae_id", serverSae)
                .put("server_node", serverNode).put("client_sae_id", clientSae).put("client_node", clientNode)
                .toString();
        return send(HttpRequest.newBuilder(URI.create(base + "applications")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public Response remove(String appId) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + "applications/" + appId)).DELETE());
    }

    public Response get(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    private Response send(HttpRequest.Builder req) throws Exception {
        HttpResponse<String> r = http.send(req.timeout(Duration.ofSeconds(15)).build(),
                HttpResponse.BodyHandlers.ofString());
        String b = r.body();
        return new Response(r.statusCode(), b == null || b.isEmpty() ? null : JSON.readTree(b));
    }
}
