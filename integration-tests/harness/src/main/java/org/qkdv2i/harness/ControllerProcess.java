package org.qkdv2i.harness;

import static org.qkdv2i.harness.NodeProcess.props;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The SDN controller as its own JVM process, started from the exported {@code controller.jar}
 * and configured through files in its deploy/ folder: its TLS identity
 * ({@code org.qkdv2i.tls.NodeTls} with the dev-PKI certificate whose CN is the controller ID)
 * and {@code org.qkdv2i.sdn.Controller} (agents, poll period, northbound port).
 */
public final class ControllerProcess implements AutoCloseable {

    public final String controllerId;
    public final int northboundPort;
    private final Path jar;
    private final long pollMillis;
    /** The process machinery of a node: a home folder, deploy/ files, start until a port answers, stop. */
    private final NodeProcess process;

    ControllerProcess(String controllerId, Path home, Path jar, int northboundPort, long pollMillis) {
        this.controllerId = controllerId;
        this.northboundPort = northboundPort;
        this.jar = jar;
        this.pollMillis = pollMillis;
        this.process = new NodeProcess(controllerId, home, northboundPort, 0);
    }

    void configure(Path pki, char[] password, List<String> agents) throws IOException {
        process.config("org.qkdv2i.tls.NodeTls", controllerId, props(
                "nodeId", controllerId,
                "keyStore", pki.resolve("node-" + controllerId + ".p12").toString(),
                "keyStorePassword", new String(password),
                "trustStore", pki.resolve("ca.pem").toString()));
        process.singletonConfig("org.qkdv2i.sdn.Controller", props(
                "controllerId", controllerId,
                "agents", agents,
                "pollMillis", pollMillis,
                "agentTimeoutMillis", 2000L,
                "host", "127.0.0.1",
                "port", northboundPort,
                "operators", List.of(TestNetwork.OPERATOR)));
    }

    /** Starts the JVM and waits until the northbound API accepts connections. */
    public void start() throws Exception {
        process.start(jar);
    }

    void launch() throws Exception {
        process.launch(jar);
    }

    void awaitReady(java.time.Duration timeout) throws Exception {
        process.awaitReady(timeout);
    }

    public Path home() {
        return process.home;
    }

    public Path log() {
        return process.log();
    }

    public String tail() {
        return process.tail();
    }

    public long pid() {
        return process.pid();
    }

    /** kill -9. */
    public void kill() throws InterruptedException {
        process.kill();
    }

    @Override
    public void close() throws InterruptedException {
        process.close();
    }
}
