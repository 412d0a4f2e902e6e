package org.qkdv2i.demo;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code demo.jar} as a child process of a test (java from this JVM's home, its own working
 * directory under target/, output to {@code demo.log} there), with the helpers the demo's ITs
 * share: a free port, a quiet version of the paper's city (no timelines), polling with a deadline.
 */
final class DemoProcess implements AutoCloseable {

    final Path dir;
    final Path log;
    final Process process;
    final long startedNanos = System.nanoTime();

    private DemoProcess(Path dir, Process process) {
        this.dir = dir;
        this.log = dir.resolve("demo.log");
        this.process = process;
    }

    /** The built jar, or null (the IT is then skipped by its assumption). */
    static File jar() {
        String jar = System.getProperty("demo.jar");
        return jar != null && new File(jar).isFile() ? new File(jar) : null;
    }

    /** Starts {@code java -Xmx1536m -Xmn256m -jar demo.jar args…} in {@code dir} (emptied first). */
    static DemoProcess start(Path dir, List<String> args) throws IOException {
        if (Files.isDirectory(dir)) {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(dir);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1536m", "-Xmn256m", "-jar", jar().getAbsolutePath()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("demo.log").toFile()).start();
        return new DemoProcess(dir, p);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * The paper's city (the scenario bundle's default file) without its weather and attack
     * timelines (only the first, clear-night step): what the test does from the page is then the
     * only thing that changes the links.
     */
    static Path quietPaperCity(Path to) throws IOException {
        ObjectMapper m = new ObjectMapper();
        ObjectNode city;
        try (InputStream in = DemoProcess.class.getClassLoader()
                .getResourceAsStream("org/qkdv2i/scenario/internal/paper-city.json")) {
            if (in == null) {
                throw new IOException("paper-city.json not on the test class path (org.qkdv2i.scenario)");
            }
            city = (ObjectNode) m.readTree(in);
        }
        var weather = m.createArrayNode();
        weather.add(city.get("weather").get(0));
        city.set("weather", weather);
        city.set("attacks", m.createArrayNode());
        city.put("name", "paper-city-quiet");
        Files.createDirectories(to.getParent());
        m.writerWithDefaultPrettyPrinter().writeValue(to.toFile(), city);
        return to;
    }

    /** HTTP status of a GET, or -1 when nothing answers. */
    static int status(String url) {
        try {
            return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()
                    .send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Polls until the condition holds; fails naming {@code what} and the log tail after the deadline or if the demo ended. */
    void await(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (!process.isAlive()) {
                throw new AssertionError("demo ended (exit " + process.exitValue() + ") before: " + what + "\n" + tail());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + limit.toSeconds() + " s waiting for: " + what + "\n" + tail());
            }
            Thread.sleep(50); // polling a condition with a deadline
        }
    }

    double secondsSinceStart() {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    String tail() {
        try {
            String s = Files.readString(log);
            return s.length() > 3000 ? s.substring(s.length() - 3000) : s;
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    String cityLog() throws IOException {
        Path f = dir.resolve("city.log");
        return Files.isRegularFile(f) ? Files.readString(f) : "";
    }

    /** SIGTERM (the demo's shutdown hook stops the framework), then kill after 30 s. Only our own child. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
