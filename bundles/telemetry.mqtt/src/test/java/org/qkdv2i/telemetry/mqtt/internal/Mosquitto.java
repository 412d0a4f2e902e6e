package org.qkdv2i.telemetry.mqtt.internal;

import static org.junit.Assert.fail;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.Assume;

/**
 * A real Mosquitto broker as a child process on a free port, with persistence (so a restart keeps
 * sessions and queued QoS 1 messages, as a production broker would). Skipped when the binary is
 * absent on a developer machine; a failure when CI is set (.ci/run installs the Debian package).
 */
final class Mosquitto implements AutoCloseable {

    /** A listener that requires TLS with a client certificate issued by {@code ca}. */
    record Tls(Path ca, Path cert, Path key) {
    }

    private final Path dir;
    private final int port;
    private final int tlsPort;
    private final String binary;
    private Process process;

    Mosquitto() throws IOException, InterruptedException {
        this(null, null);
    }

    /** With user and password: anonymous clients are refused (mosquitto_passwd writes the hashed file). */
    Mosquitto(String user, String password) throws IOException, InterruptedException {
        this(user, password, null);
    }

    /** A plain listener on 127.0.0.1 (for test subscribers) and, with {@code tls}, a mutual-TLS one. */
    Mosquitto(Tls tls) throws IOException, InterruptedException {
        this(null, null, tls);
    }

    private Mosquitto(String user, String password, Tls tls) throws IOException, InterruptedException {
        binary = findBinary();
        if (binary == null) {
            if (System.getenv("CI") != null) {
                fail("mosquitto binary not found but CI is set: .ci/run must `apt-get install -y mosquitto`");
            }
            Assume.assumeTrue("mosquitto not installed (apt-get install -y mosquitto): MQTT broker tests skipped", false);
        }
        dir = Files.createTempDirectory("mosquitto");
        try (ServerSocket s = new ServerSocket(0); ServerSocket t = new ServerSocket(0)) {
            port = s.getLocalPort();
            tlsPort = t.getLocalPort();
        }
        String auth = "allow_anonymous true";
        if (user != null) {
            Path pw = dir.resolve("passwd");
            Process p = new ProcessBuilder(passwdBinary(), "-b", "-c",
                    pw.toString(), user, password).redirectErrorStream(true).start();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                fail("mosquitto_passwd failed: " + new String(p.getInputStream().readAllBytes()));
            }
            auth = "allow_anonymous false\npassword_file " + pw;
        }
        Files.writeString(dir.resolve("mosquitto.conf"), String.join("\n",
                "listener " + port + " 127.0.0.1",
                auth,
                "user root", // stay the test's user: no privilege drop when run as root in CI containers
                "persistence true",
                "persistence_location " + dir + "/",
                "autosave_interval 0",
                "log_dest stderr",
                tls == null ? "" : String.join("\n",
                        "listener " + tlsPort + " 127.0.0.1",
                        "cafile " + tls.ca(),
                        "certfile " + tls.cert(),
                        "keyfile " + tls.key(),
                        "require_certificate true", // mutual TLS: no client certificate, no connection
                        ""),
                ""));
        start();
    }

    private static String findBinary() {
        for (String p : new String[] {"/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto",
                "/usr/local/bin/mosquitto", "/opt/homebrew/sbin/mosquitto"}) {
            if (new File(p).canExecute()) {
                return p;
            }
        }
        return null;
    }

    private static String passwdBinary() {
        for (String p : new String[] {"/usr/bin/mosquitto_passwd", "/usr/local/bin/mosquitto_passwd",
                "/opt/homebrew/bin/mosquitto_passwd"}) {
            if (new File(p).canExecute()) {
                return p;
            }
        }
        return "mosquitto_passwd";
    }

    String url() {
        return "tcp://127.0.0.1:" + port;
    }

    /** The mutual-TLS listener (only with a {@link Tls} configuration). */
    String tlsUrl() {
        return "ssl://127.0.0.1:" + tlsPort;
    }

    String log() throws IOException {
        return Files.readString(dir.resolve("log"));
    }

    void start() throws IOException {
        process = new ProcessBuilder(binary, "-c", dir.resolve("mosquitto.conf").toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("log").toFile()))
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    break;
                }
                Thread.onSpinWait();
            }
        }
        fail("mosquitto did not listen on " + port + ": " + Files.readString(dir.resolve("log")));
    }

    /** SIGTERM: Mosquitto saves its persistence database and exits. */
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    @Override
    public void close() throws Exception {
        stop();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
