package org.qkdv2i.demo;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.Assume;
import org.junit.Test;

/**
 * {@code --headless} never opens the console's port, not even while the framework starts (before
 * the demo has read its command line the console waits for its configuration:
 * {@code org.qkdv2i.console.awaitConfiguration} in demo.bndrun). The demo runs a short city with
 * {@code --headless --console-port P}; the test tries to connect to P every 20 ms from the start
 * of the process to its end and reads city.log: the console waited, was configured off, and never
 * listened.
 */
public class DemoHeadlessIT {

    @Test
    public void headlessNeverBindsTheConsolePort() throws Exception {
        Assume.assumeTrue("demo.jar not built", DemoProcess.jar() != null);
        Path target = Path.of(System.getProperty("story.dir", "target/story")).getParent();
        int port = DemoProcess.freePort();
        int attempts = 0;
        try (DemoProcess demo = DemoProcess.start(target.resolve("headless"), List.of("--headless", "--no-opcua",
                "--console-port", String.valueOf(port), "--speed", "4", "--duration", "8"))) {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(6);
            while (demo.process.isAlive() && System.nanoTime() < deadline) {
                attempts++;
                assertFalse("something listens on the console port " + port + " with --headless, "
                        + String.format("%.1f", demo.secondsSinceStart()) + " s after start", listening(port));
                Thread.sleep(20); // sampling the port for the whole run
            }
            assertFalse("demo still running after 6 minutes: " + demo.tail(), demo.process.isAlive());
            assertEquals("exit code; " + demo.tail(), 0, demo.process.exitValue());
            String log = demo.cityLog();
            assertTrue("the console waited for its configuration: " + log.length(),
                    log.contains("console waits for its configuration"));
            assertTrue(log.contains("console is off"));
            assertFalse("the console never started", log.contains("console at http"));
            assertTrue("the city ran: " + demo.tail(), java.nio.file.Files.readString(demo.log).contains("=== final report"));
        }
        assertTrue("the port was sampled through the run (" + attempts + ")", attempts > 50);
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
