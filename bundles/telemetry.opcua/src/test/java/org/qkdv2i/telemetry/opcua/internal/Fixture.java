package org.qkdv2i.telemetry.opcua.internal;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.identity.UsernameProvider;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.security.DefaultClientCertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.MemoryTrustListManager;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.enumerated.BrowseDirection;
import org.eclipse.milo.opcua.stack.core.types.enumerated.BrowseResultMask;
import org.eclipse.milo.opcua.stack.core.types.enumerated.NodeClass;
import org.eclipse.milo.opcua.stack.core.types.structured.BrowseDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.ReferenceDescription;
import org.qkdv2i.dpn.api.DpnEndpoint;
import org.qkdv2i.kmm.api.KeyManagerException;
import org.qkdv2i.kmm.api.LinkControl;

/** Test doubles and helpers: real server, real Milo clients over TCP, certificates made with BC. */
final class Fixture {

    static final BouncyCastleProvider BC = new BouncyCastleProvider();
    static final String NODE = "bs-1";
    static final String OPERATOR = "alice";
    static final String VIEWER = "bob";
    static final String OPERATOR_PW = "correct horse battery staple";
    static final String VIEWER_PW = "viewer-pass-1";
    // fewer iterations than production keeps the tests quick; the format carries the count
    static final String OPERATOR_HASH = PasswordHash.hash(OPERATOR_PW.toCharArray(), 20_000);
    static final String VIEWER_HASH = PasswordHash.hash(VIEWER_PW.toCharArray(), 20_000);

    private Fixture() {
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static OpcUaTelemetryServer.Settings settings(Path pki, int port, List<SecurityPolicy> policies,
            boolean allowNone) {
        return new OpcUaTelemetryServer.Settings(NODE, "127.0.0.1", "localhost", port, policies, allowNone, pki,
                "server-store-pw".toCharArray(), Map.of(OPERATOR, OPERATOR_HASH, VIEWER, VIEWER_HASH),
                Set.of(OPERATOR));
    }

    /** An OPC UA client application: key pair + self-signed certificate with its application URI. */
    record ClientApp(String uri, KeyPair keyPair, X509Certificate cert) {
        static ClientApp create(String name) throws Exception {
            KeyPair kp = Certificates.rsa2048(BC);
            String uri = "urn:qkdv2i:test:" + name;
            return new ClientApp(uri, kp, Certificates.selfSigned(BC, kp, name, uri, List.of("localhost"),
                    Duration.ofDays(1)));
        }

        /** Puts the certificate where an operator would: {pki}/trusted/certs. */
        void trustIn(Path pki) throws Exception {
            Path dir = pki.resolve("trusted").resolve("certs");
            Files.createDirectories(dir);
            Files.write(dir.resolve(uri.replace(':', '_') + ".der"), cert.getEncoded());
        }

        OpcUaClient connect(OpcUaTelemetryServer server, SecurityPolicy policy, String user, String password)
                throws Exception {
            MemoryTrustListManager trust = new MemoryTrustListManager();
            trust.addTrustedCertificate(server.certificate()); // the client trusts exactly this server
            DefaultClientCertificateValidator validator = new DefaultClientCertificateValidator(trust,
                    new MemoryCertificateQuarantine());
            OpcUaClient client = OpcUaClient.create(server.endpointUrl(),
                    endpoints -> pick(endpoints, policy),
                    transport -> { },
                    cfg -> cfg.setApplicationName(LocalizedText.english(uri))
                            .setApplicationUri(uri)
                            .setKeyPair(keyPair)
                            .setCertificate(cert)
                            .setCertificateChain(new X509Certificate[] {cert})
                            .setCertificateValidator(validator)
                            .setRequestTimeout(uint(10_000))
                            .setIdentityProvider(new UsernameProvider(user, password)));
            try {
                client.connect();
                return client;
            } catch (Exception e) {
                try {
                    client.disconnect();
                } catch (Exception ignored) {
                    // nothing to close
                }
                throw e;
            }
        }

        private static Optional<EndpointDescription> pick(List<EndpointDescription> endpoints, SecurityPolicy policy) {
            Optional<EndpointDescription> offered = endpoints.stream()
                    .filter(e -> policy.getUri().equals(e.getSecurityPolicyUri())).findFirst();
            if (offered.isPresent() || policy != SecurityPolicy.None) {
                return offered;
            }
            // a client that insists on None although the server does not offer it
            EndpointDescription any = endpoints.get(0);
            return Optional.of(new EndpointDescription(any.getEndpointUrl(), any.getServer(), any.getServerCertificate(),
                    org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode.None,
                    SecurityPolicy.None.getUri(), any.getUserIdentityTokens(), any.getTransportProfileUri(),
                    any.getSecurityLevel()));
        }
    }

    /** Browses hierarchical references forward from {@code from} and returns browse name → node. */
    static Map<String, NodeId> browse(OpcUaClient client, NodeId from) throws Exception {
        ReferenceDescription[] refs = client.browse(new BrowseDescription(from, BrowseDirection.Forward,
                NodeIds.HierarchicalReferences, true, uint(NodeClass.Object.getValue() | NodeClass.Variable.getValue()
                        | NodeClass.Method.getValue()), uint(BrowseResultMask.All.getValue()))).getReferences();
        Map<String, NodeId> out = new ConcurrentHashMap<>();
        if (refs != null) {
            for (ReferenceDescription r : refs) {
                r.getNodeId().toNodeId(client.getNamespaceTable())
                        .ifPresent(id -> out.put(r.getBrowseName().name(), id));
            }
        }
        return out;
    }

    static NodeId path(OpcUaClient client, String... names) throws Exception {
        NodeId at = NodeIds.ObjectsFolder;
        for (String n : names) {
            NodeId next = browse(client, at).get(n);
            if (next == null) {
                fail("no " + n + " under " + at + "; children " + browse(client, at).keySet());
            }
            at = next;
        }
        return at;
    }

    /** No deadline below this: OPC UA sessions (secure channel, handshake) are slow on a loaded CI runner. */
    static final long MIN_TIMEOUT_MILLIS = 30_000;

    static void await(String what, long requestedMillis, BooleanSupplier condition) {
        long timeoutMillis = Math.max(requestedMillis, MIN_TIMEOUT_MILLIS);
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeoutMillis + " ms waiting for " + what);
            }
            try {
                Thread.sleep(10); // poll interval; the condition decides
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }

    /** LinkControl fake (unit test double; the real one is in bundles/kmm). */
    static final class FakeLinkControl implements LinkControl {
        final Set<String> links;
        final Set<String> disabled = ConcurrentHashMap.newKeySet();
        final List<String> calls = new CopyOnWriteArrayList<>();

        FakeLinkControl(Set<String> links) {
            this.links = links;
        }

        @Override
        public String nodeId() {
            return NODE;
        }

        @Override
        public void disable(String linkId, String reason) throws KeyManagerException {
            check(linkId);
            calls.add("disable " + linkId + " " + reason);
            disabled.add(linkId);
        }

        @Override
        public void enable(String linkId) throws KeyManagerException {
            check(linkId);
            calls.add("enable " + linkId);
            disabled.remove(linkId);
        }

        private void check(String linkId) throws KeyManagerException {
            if (!links.contains(linkId)) {
                throw new KeyManagerException(KeyManagerException.Reason.BAD_REQUEST, "unknown link " + linkId);
            }
        }

        @Override
        public Set<String> disabledLinks() {
            return Set.copyOf(disabled);
        }
    }

    /** Operations whose LinkControl can be taken away, like a service leaving. */
    static final class SwitchableOps implements Operations {
        volatile LinkControl linkControl;
        final Map<String, DpnEndpoint> dpn = new ConcurrentHashMap<>();

        @Override
        public Optional<LinkControl> linkControl(String node) {
            LinkControl lc = linkControl;
            return lc != null && lc.nodeId().equals(node) ? Optional.of(lc) : Optional.empty();
        }

        @Override
        public Optional<DpnEndpoint> dpnEndpoint(String dauName) {
            return Optional.ofNullable(dpn.get(dauName));
        }

        @Override
        public java.util.Collection<String> dpnEndpointNames() {
            return List.copyOf(dpn.keySet());
        }
    }
}
