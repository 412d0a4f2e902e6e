package org.qkdv2i.demo;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.junit.After;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console of the <b>real</b> demo in a real browser (the console's own
 * ConsoleBrowserTest shows a fake city): {@code demo.jar} runs as a process with the console on a
 * free port and the paper's city without its timelines (so only the page changes the weather and
 * calls Eve); Debian's {@code /usr/bin/chromium}, driven by {@code /usr/bin/chromedriver} through
 * Selenium, sees the six nodes, six FSO links, four RSU circles and three vehicles on the map,
 * the links come UP, the simulated clock advance and vehicles move without a reload; dense fog set
 * from the page's controls takes a link DOWN; Eve started on D–C from the page is detected (an
 * EAVESDROPPING_DETECTED line in the event log). Screenshots in {@code target/screenshots/}.
 *
 * <p>Without chromium and chromedriver it is skipped with a message, unless the environment
 * variable {@code CI} is set (then it fails: CI installs {@code chromium chromium-driver}).
 * Wall time: the demo's start-up (network ready, 10–50 s on the shared host) plus about a minute.
 */
public class DemoBrowserIT {

    private static final File CHROMIUM = new File(System.getProperty("console.chromium", "/usr/bin/chromium"));
    private static final File CHROMEDRIVER = new File(System.getProperty("console.chromedriver", "/usr/bin/chromedriver"));
    /** Network ready (six links' first keys, the controller's paths) on a loaded 2-core host. */
    private static final Duration NETWORK = Duration.ofSeconds(180);
    private static final Duration WAIT = Duration.ofSeconds(90);

    private DemoProcess demo;
    private ChromeDriverService service;
    private WebDriver driver;
    private Path profile;
    private Path screenshots;
    private int port;

    @Before
    public void start() throws Exception {
        boolean present = CHROMIUM.canExecute() && CHROMEDRIVER.canExecute();
        if (!present) {
            String msg = "browser test needs " + CHROMIUM + " and " + CHROMEDRIVER
                    + " (apt-get install chromium chromium-driver)";
            if (System.getenv("CI") != null) {
                fail(msg + "; CI is set, so this is a failure");
            }
            System.out.println("SKIPPED DemoBrowserIT: " + msg);
            Assume.assumeTrue(msg, false);
        }
        Assume.assumeTrue("demo.jar not built", DemoProcess.jar() != null);
        Path target = Path.of(System.getProperty("story.dir", "target/story")).getParent();
        screenshots = target.resolve("screenshots");
        Files.createDirectories(screenshots);
        Path dir = target.resolve("browser");
        Path city = DemoProcess.quietPaperCity(target.resolve("browser-city.json"));
        port = DemoProcess.freePort();
        demo = DemoProcess.start(dir, List.of("--no-opcua", "--console-port", String.valueOf(port), "--scenario",
                city.toAbsolutePath().toString(), "--speed", "4", "--duration", "3600"));
        demo.await("the console's /api/status", WAIT, () -> DemoProcess.status(base() + "api/status") == 200);
        System.out.printf("DemoBrowserIT: console ready %.1f s after java started (demo CPU %.1f s)%n",
                demo.secondsSinceStart(), demo.process.toHandle().info().totalCpuDuration()
                        .map(d -> d.toMillis() / 1000.0).orElse(Double.NaN));

        profile = Files.createTempDirectory("demo-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,1700", "--user-data-dir=" + profile);
        // the driver is named explicitly, so Selenium Manager never looks for (or downloads) one
        service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
    }

    private String base() {
        return "http://127.0.0.1:" + port + "/";
    }

    @After
    public void stop() throws Exception {
        if (driver != null) {
            driver.quit(); // ends chromium and its children
        }
        if (service != null) {
            service.stop();
        }
        if (demo != null) {
            demo.close();
        }
        if (profile != null) {
            try (Stream<Path> s = Files.walk(profile)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    public void theRealCityOnTheMapFogAndEveFromThePage() throws Exception {
        driver.get(base());
        WebDriverWait wait = new WebDriverWait(driver, WAIT);
        wait.ignoring(StaleElementReferenceException.class); // the page redraws parts on every snapshot
        WebDriverWait network = new WebDriverWait(driver, NETWORK);
        network.ignoring(StaleElementReferenceException.class);

        // the real nodes, links, RSUs and vehicles of the paper's city
        wait.until(d -> d.findElement(By.id("scenario-name")).getText().equals("paper-city-quiet"));
        wait.until(d -> d.findElements(By.cssSelector("#layer-nodes .node")).size() == 6);
        List<String> links = List.of("E-A", "A-B", "B-C", "C-F", "A-D", "D-C");
        for (String l : links) {
            wait.until(d -> !d.findElements(By.id("link-" + l)).isEmpty());
        }
        assertEquals(4, driver.findElements(By.cssSelector("#layer-rsus circle.range")).size());
        for (String v : List.of("car-1", "van-2", "bus-3")) {
            wait.until(d -> !d.findElements(By.id("vehicle-" + v)).isEmpty());
        }
        // the network comes up: every link UP (its label shows SKR and QBER), the clock starts
        for (String l : links) {
            network.until(d -> "UP".equals(d.findElement(By.id("link-" + l)).getAttribute("data-state")));
        }
        String label = driver.findElement(By.cssSelector("#link-A-B text.label")).getText();
        assertTrue(label, label.contains("SKR") && label.contains("QBER"));
        wait.until(d -> "live".equals(d.findElement(By.id("connection")).getText()));

        // live updates without a reload: the simulated clock advances and bus-3 (starts at 5 s) moves
        String t0 = driver.findElement(By.id("sim-time")).getText();
        wait.until(d -> !d.findElement(By.id("sim-time")).getText().equals(t0));
        String x0 = driver.findElement(By.id("vehicle-bus-3")).getAttribute("data-x");
        wait.until(d -> !x0.equals(d.findElement(By.id("vehicle-bus-3")).getAttribute("data-x")));
        wait.until(d -> !d.findElements(By.cssSelector("#chart-skr canvas")).isEmpty());
        shot("demo-clear.png");

        // dense fog from the page's controls: the drivers' links go DOWN (physics of driver.sim.fso)
        new Select(driver.findElement(By.id("weather-select"))).selectByValue("DENSE_FOG");
        driver.findElement(By.id("weather-apply")).click();
        wait.until(d -> d.findElement(By.id("control-result")).getText().contains("DENSE_FOG"));
        wait.until(d -> d.findElement(By.id("weather-now")).getText().startsWith("DENSE_FOG"));
        wait.until(d -> "DOWN".equals(d.findElement(By.id("link-A-B")).getAttribute("data-state")));
        assertTrue(driver.findElement(By.id("link-A-B")).getAttribute("class").contains("state-DOWN"));
        wait.until(d -> !d.findElements(By.cssSelector("#event-log li[data-kind='LINK_STATE']")).isEmpty());
        shot("demo-fog.png");

        // clear again, then Eve on D-C from the page: detected, in the event log
        new Select(driver.findElement(By.id("weather-select"))).selectByValue("CLEAR");
        driver.findElement(By.id("weather-apply")).click();
        wait.until(d -> d.findElement(By.id("weather-now")).getText().startsWith("CLEAR"));
        new Select(driver.findElement(By.id("attack-link"))).selectByValue("D-C");
        new Select(driver.findElement(By.id("attack-kind"))).selectByValue("INTERCEPT_RESEND");
        driver.findElement(By.id("attack-start")).click();
        wait.until(d -> d.findElement(By.id("control-result")).getText().contains("Eve attacks D-C"));
        WebElement detected = network.until(d -> d.findElements(
                By.cssSelector("#event-log li[data-kind='EAVESDROPPING_DETECTED']")).stream()
                .filter(li -> li.getText().contains("D-C")).findFirst().orElse(null));
        assertTrue(detected.getText(), detected.getText().contains("QBER"));
        shot("demo-eve.png");
        driver.findElement(By.id("attack-stop")).click();
        wait.until(d -> d.findElement(By.id("control-result")).getText().contains("Eve leaves D-C"));
        assertTrue("the demo is still running: " + demo.tail(), demo.process.isAlive());
        System.out.println("DemoBrowserIT screenshots: " + screenshots.toAbsolutePath());
    }

    private Path shot(String name) throws IOException {
        File f = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Path to = screenshots.resolve(name);
        Files.copy(f.toPath(), to, StandardCopyOption.REPLACE_EXISTING);
        return to;
    }
}
