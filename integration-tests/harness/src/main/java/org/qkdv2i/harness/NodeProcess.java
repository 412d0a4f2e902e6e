package org.qkdv2i.harness;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One trusted node as a real JVM process started from the exported node.jar, configured
 * through files in its deploy/ folder exactly as an integrator would.
 */
public final class NodeProcess implements AutoCloseable {

    public final String nodeId;
    public final Path home;
    public final int etsiPort;
    public final int peerPort;
    private Process process;
    private long startedAt;
    private long readyNanos;

    public NodeProcess(String nodeId, Path home, int etsiPort, int peerPort) {
        this.nodeId = nodeId;
        this.home = home;
        this.etsiPort = etsiPort;
        this.peerPort = peerPort;
    }

    public Path deploy() {
        return home.resolve("deploy");
    }

    public Path log() {
        return home.resolve("node.log");
    }

    /** Writes a factory configuration in Felix's typed .config format. */
    public void config(String factoryPid, String name, Map<String, Object> properties) throws IOException {
        write(configFile(factoryPid, name), properties);
    }

    /** Writes a singleton configuration ({@code deploy/<pid>.config}). */
    public void singletonConfig(String pid, Map<String, Object> properties) throws IOException {
        write(deploy().resolve(pid + ".config"), properties);
    }

    /** The file of a factory configuration in deploy/ (FileInstall: deleting it deletes the configuration). */
    public Path configFile(String factoryPid, String name) {
        return deploy().resolve(factoryPid + "-" + name + ".config");
    }

    /** Deletes a factory configuration file; FileInstall then deletes the configuration (within its poll period). */
    public void removeConfig(String factoryPid, String name) throws IOException {
        Files.deleteIfExists(configFile(factoryPid, name));
    }

    private void write(Path file, Map<String, Object> properties) throws IOException {
        Files.createDirectories(deploy());
        StringBuilder text = new StringBuilder();
        for (Map.Entry<String, Object> e : properties.entrySet()) {
            text.append(e.getKey()).append('=').append(typed(e.getValue())).append('\n');
        }
        // written outside deploy/ and moved over it: FileInstall never reads a half-written file
        Path tmp = home.resolve(file.getFileName() + ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public void deployBundle(Path jar) throws IOException {
        Files.createDirectories(deploy());
        Files.copy(jar, deploy().resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    }

    private static String typed(Object value) {
        if (value instanceof Integer) {
            return "I\"" + value + "\"";
        }
        if (value instanceof Long) {
            return "L\"" + value + "\"";
        }
        if (value instanceof Double) {
            return "D\"" + value + "\"";
        }
        if (value instanceof Boolean) {
            return "B\"" + value + "\"";
        }
        if (value instanceof List<?> list) {
            List<String> parts = new ArrayList<>();
            for (Object o : list) {
                parts.add(quote(String.valueOf(o)));
            }
            return "[" + String.join(",", parts) + "]";
        }
        return quote(String.valueOf(value));
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Starts the JVM and waits until its ETSI 014 port accepts connections. */
    public void start(Path nodeJar) throws Exception {
        launch(nodeJar);
        awaitReady();
    }

    /** Starts the JVM without waiting for it ({@link #awaitReady} waits): several nodes start at once. */
    public void launch(Path nodeJar) throws Exception {
        startedAt = System.nanoTime();
        Files.createDirectories(home);
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m"));
        // extra JVM options for every node, e.g. a JFR recording while profiling a benchmark
        String extra = System.getProperty("node.jvmArgs", "").strip();
        if (!extra.isEmpty()) {
            cmd.addAll(List.of(extra.replace("{node}", nodeId).split("\\s+")));
        }
        cmd.addAll(List.of("-jar", nodeJar.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
        process = pb.start();
    }

    /**
     * Waits until the ETSI 014 port of the launched JVM accepts connections: 60 s at most, or
     * the system property {@code node.startTimeoutSeconds} (a machine shared by many builds).
     */
    public void awaitReady() throws Exception {
        awaitReady(Duration.ofSeconds(Long.getLong("node.startTimeoutSeconds", 60)));
    }

    /** Waits until the ETSI 014 port of the launched JVM accepts connections. */
    public void awaitReady(Duration timeout) throws Exception {
        awaitPort(etsiPort, timeout);
        readyNanos = System.nanoTime() - startedAt;
    }

    /** Time from process start until the ETSI 014 port accepted a connection. */
    public Duration startupTime() {
        return Duration.ofNanos(readyNanos);
    }

    public long pid() {
        return process.pid();
    }

    private void awaitPort(int port, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        boolean first = true; // try once even when the time is already up (a shared deadline)
        while (first || Instant.now().isBefore(deadline)) {
            first = false;
            if (!process.isAlive()) {
                throw new IllegalStateException("node " + nodeId + " exited with " + process.exitValue()
                        + "; log:\n" + tail());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                process.waitFor(50, TimeUnit.MILLISECONDS);
            }
        }
        throw new IllegalStateException("node " + nodeId + " did not open port " + port + " within " + timeout
                + "; log:\n" + tail());
    }

    /** kill -9: no shutdown hooks, no chance to flush anything. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    public String tail() {
        try {
            List<String> lines = Files.readAllLines(log());
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    public static Map<String, Object> props(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
