package org.qkdv2i.console.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
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
import org.qkdv2i.scenario.api.CityEvent;

/**
 * The console in a real browser: Debian's {@code /usr/bin/chromium} driven by
 * {@code /usr/bin/chromedriver} through Selenium, against the console server showing a
 * {@link FakeCity} (the real scenario engine is another bundle). Loads the page, sees the map and
 * live updates (simulated clock, a moving vehicle, an event in the log, the charts), sets dense fog
 * from the page's controls and sees the links turn DOWN. Screenshots go to
 * {@code target/screenshots/} as test artifacts.
 *
 * <p>Without chromium and chromedriver the test is skipped with a message, unless the environment
 * variable {@code CI} is set: then it fails (CI installs {@code chromium chromium-driver}).
 */
public class ConsoleBrowserTest {

    // Debian's packages; the properties exist to check the skip/fail path on a machine that has them
    private static final File CHROMIUM = new File(System.getProperty("console.chromium", "/usr/bin/chromium"));
    private static final File CHROMEDRIVER = new File(System.getProperty("console.chromedriver", "/usr/bin/chromedriver"));
    private static final Duration WAIT = Duration.ofSeconds(30); // a loaded 2-core machine starts Chromium slowly

    private FakeCity city;
    private final FakeKmm kmm = new FakeKmm();
    private ConsoleServer server;
    private ChromeDriverService service;
    private WebDriver driver;
    private Path profile;
    private Path screenshots;

    @Before
    public void start() throws Exception {
        boolean present = CHROMIUM.canExecute() && CHROMEDRIVER.canExecute();
        if (!present) {
            String msg = "browser test needs " + CHROMIUM + " and " + CHROMEDRIVER
                    + " (apt-get install chromium chromium-driver)";
            if (System.getenv("CI") != null) {
                fail(msg + "; CI is set, so this is a failure");
            }
            System.out.println("SKIPPED ConsoleBrowserTest: " + msg);
            Assume.assumeTrue(msg, false);
        }
        screenshots = Paths.get(System.getProperty("console.screenshotDir", "target/screenshots"));
        Files.createDirectories(screenshots);

        FakeSources sources = new FakeSources();
        city = new FakeCity(1000);
        sources.city = city;
        sources.kmms.put("A", kmm);
        sources.controls.put("A", kmm);
        server = new ConsoleServer(sources, new ConsoleServer.Options("127.0.0.1", 0, 250, 60, 100, 16384, 1 << 22));
        city.listener(server::event);
        server.start();
        city.emit(CityEvent.WEATHER, "city", "clear night");

        profile = Files.createTempDirectory("console-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,1700", "--user-data-dir=" + profile);
        // the driver is named explicitly, so Selenium Manager never looks for (or downloads) one
        service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
    }

    @After
    public void stop() throws IOException {
        if (driver != null) {
            driver.quit(); // ends chromium and its children
        }
        if (service != null) {
            service.stop();
        }
        if (server != null) {
            server.stop();
        }
        if (profile != null) {
            try (Stream<Path> s = Files.walk(profile)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    public void mapLiveUpdatesAndFogFromTheControls() throws Exception {
        driver.get("http://127.0.0.1:" + server.port() + "/");
        WebDriverWait wait = new WebDriverWait(driver, WAIT);
        wait.ignoring(StaleElementReferenceException.class); // the page redraws parts on every snapshot

        // the map: nodes, an UP link labelled with SKR and QBER, RSU coverage, a vehicle
        WebElement link = wait.until(d -> {
            WebElement l = d.findElements(By.id("link-A-B")).stream().findFirst().orElse(null);
            return l != null && "UP".equals(l.getAttribute("data-state")) ? l : null;
        });
        String label = link.findElement(By.cssSelector("text.label")).getText();
        assertTrue(label, label.contains("SKR") && label.contains("QBER") && label.contains("2.10 %"));
        assertEquals(4, driver.findElements(By.cssSelector("#layer-nodes .node")).size());
        assertEquals(2, driver.findElements(By.cssSelector("#layer-rsus circle.range")).size());
        assertEquals("fake-paper-city", driver.findElement(By.id("scenario-name")).getText());
        assertFalse(driver.findElement(By.id("banner")).isDisplayed());

        // live updates: the simulated clock ticks and the vehicle moves without a reload
        String t0 = driver.findElement(By.id("sim-time")).getText();
        String x0 = wait.until(d -> d.findElement(By.id("vehicle-car-1")).getAttribute("data-x"));
        wait.until(d -> !d.findElement(By.id("sim-time")).getText().equals(t0));
        wait.until(d -> !x0.equals(d.findElement(By.id("vehicle-car-1")).getAttribute("data-x")));
        wait.until(d -> "live".equals(d.findElement(By.id("connection")).getText()));
        // events pushed by the engine show up in the log
        city.emit(CityEvent.HANDOVER, "car-1", "session moved from BS E to BS F with a relayed QKD key");
        wait.until(d -> !d.findElements(By.cssSelector("#event-log li[data-kind='HANDOVER']")).isEmpty());
        // the charts are drawn by uPlot from the WebJar
        wait.until(d -> !d.findElements(By.cssSelector("#chart-skr canvas")).isEmpty());
        shot("console-clear.png");

        // fog from the page's own controls
        new Select(driver.findElement(By.id("weather-select"))).selectByValue("DENSE_FOG");
        driver.findElement(By.id("weather-apply")).click();
        wait.until(d -> d.findElement(By.id("control-result")).getText().contains("DENSE_FOG"));
        wait.until(d -> "DOWN".equals(d.findElement(By.id("link-A-B")).getAttribute("data-state")));
        assertTrue(driver.findElement(By.id("link-A-B")).getAttribute("class").contains("state-DOWN"));
        wait.until(d -> !d.findElements(By.cssSelector("#event-log li[data-kind='LINK_STATE']")).isEmpty());
        wait.until(d -> d.findElement(By.id("weather-now")).getText().startsWith("DENSE_FOG"));
        Path fog = shot("console-fog.png");
        assertTrue(Files.size(fog) > 10_000);

        // management: disable a KMM link from the page (LinkControl), then enable it again
        // (the table is redrawn every 5 s, so find and click in one retried step)
        wait.until(d -> {
            WebElement b = d.findElement(By.cssSelector("#mgmt-A-A-B button.link-toggle"));
            if (!"Disable".equals(b.getText())) {
                return false;
            }
            b.click();
            return true;
        });
        wait.until(d -> kmm.disabled.contains("A-B"));
        wait.until(d -> d.findElement(By.id("mgmt-A-A-B")).getText().contains("disabled"));
        shot("console-link-disabled.png");
        wait.until(d -> {
            WebElement b = d.findElement(By.cssSelector("#mgmt-A-A-B button.link-toggle"));
            if (!"Enable".equals(b.getText())) {
                return false;
            }
            b.click();
            return true;
        });
        wait.until(d -> !kmm.disabled.contains("A-B"));
        wait.until(d -> d.findElement(By.id("mgmt-A-A-B")).getText().contains("enabled"));
        System.out.println("console browser test screenshots: " + screenshots.toAbsolutePath());
    }

    private Path shot(String name) throws IOException {
        File f = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Path to = screenshots.resolve(name);
        Files.copy(f.toPath(), to, StandardCopyOption.REPLACE_EXISTING);
        return to;
    }
}
