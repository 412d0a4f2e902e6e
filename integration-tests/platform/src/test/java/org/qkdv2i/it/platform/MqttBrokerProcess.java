package org.qkdv2i.it.platform;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real Mosquitto broker (Debian package {@code mosquitto}, installed by .ci/run) as a child
 * process on a free port. Started in {@code @Configuration}, outside the framework; the test
 * methods get its URL and process ID through framework properties and stop it by PID.
 */
final class MqttBrokerProcess {

    private MqttBrokerProcess() {
    }

    /** {@code tcp://127.0.0.1:port pid}, or null when the binary is absent (the test skips, unless CI is set). */
    static String start() throws IOException {
        String binary = null;
        for (String p : new String[] { "/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto" }) {
            if (new File(p).canExecute()) {
                binary = p;
                break;
            }
        }
        if (binary == null) {
            return null;
        }
        Path dir = Files.createTempDirectory("qkdv2i-it-mosquitto-");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path conf = dir.resolve("mosquitto.conf");
        Files.writeString(conf, String.join("\n", "listener " + port + " 127.0.0.1", "allow_anonymous true",
                "user root", "persistence false", "log_dest stderr", ""));
        Process process = new ProcessBuilder(binary, "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("log").toFile()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroy)); // never outlive the test JVM
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline && process.isAlive()) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return "tcp://127.0.0.1:" + port + " " + process.pid();
            } catch (IOException notYet) {
                Thread.onSpinWait();
            }
        }
        process.destroy();
        throw new IOException("mosquitto did not listen on " + port + ": " + Files.readString(dir.resolve("log")));
    }
}
