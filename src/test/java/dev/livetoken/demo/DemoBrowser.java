package dev.livetoken.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Debian's headless {@code chromium}, driven through its {@code chromium-driver}, with a fake
 * microphone that plays {@code samples/hello-en.wav}. Selenium is pointed at both binaries, so
 * Selenium Manager never looks for (or downloads) a browser or a driver. Outside CI a machine
 * without them skips the test, saying how to install them; in CI ({@code CI=true}) that is a failure,
 * because {@code .ci/install-tools} installs them.
 */
final class DemoBrowser implements AutoCloseable {

    static final Path CHROMIUM = Path.of(System.getProperty("livetoken.test.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER =
            Path.of(System.getProperty("livetoken.test.chromedriver", "/usr/bin/chromedriver"));
    static final Path SAMPLE = Path.of("samples/hello-en.wav").toAbsolutePath();

    final ChromeDriver driver;
    private final ChromeDriverService service;
    private final List<LogEntry> console = new java.util.ArrayList<>();

    private DemoBrowser(ChromeDriverService service, ChromeDriver driver) {
        this.service = service;
        this.driver = driver;
    }

    /** Starts the browser, or skips the test (outside CI) when Chromium is not installed. */
    static DemoBrowser start() {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            String how = "The browser demo test needs Debian's chromium and chromium-driver (" + CHROMIUM + ", "
                    + CHROMEDRIVER + "): sudo apt-get install -y chromium chromium-driver (or sh .ci/install-tools).";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(how);
            }
            Assumptions.abort(how);
        }
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM.toString());
        o.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-dev-shm-usage",
                "--disable-gpu",
                "--window-size=1000,1000",
                "--hide-scrollbars",
                "--mute-audio",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                "--use-file-for-fake-audio-capture=" + SAMPLE,
                "--autoplay-policy=no-user-gesture-required");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        o.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        return new DemoBrowser(service, new ChromeDriver(service, o));
    }

    void open(String url) {
        driver.get(url);
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    String body(String attribute) {
        return driver.findElement(By.tagName("body")).getDomAttribute(attribute);
    }

    long bodyNumber(String attribute) {
        String v = body(attribute);
        return v == null ? 0 : Long.parseLong(v);
    }

    String state() {
        return body("data-state");
    }

    List<WebElement> lines(String side) {
        return driver.findElements(By.cssSelector("[data-transcript='" + side + "']"));
    }

    /** Waits for a condition; on time-out fails with the page's state and message. */
    void await(String what, Duration max, BooleanSupplier condition) {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            String s = state();
            if ("failed".equals(s) && !what.contains("failed")) {
                fail("waiting for " + what + ", the page failed: " + message());
            }
            sleep(100);
        }
        fail("waiting for " + what + " for " + max.toSeconds() + " s; state " + state() + ", message: " + message());
    }

    /** The page's message, or (when the page is not the demo) what the browser shows and printed. */
    String message() {
        List<WebElement> m = driver.findElements(By.id("message"));
        if (!m.isEmpty()) {
            return m.get(0).getText();
        }
        String src = driver.getPageSource();
        return "no demo page at " + driver.getCurrentUrl() + ": " + src.substring(0, Math.min(600, src.length()))
                + "; console: " + console().stream().map(LogEntry::getMessage).toList();
    }

    /** Everything the page printed to the console so far (collected; the driver hands each entry out once). */
    List<LogEntry> console() {
        console.addAll(driver.manage().logs().get(LogType.BROWSER).getAll());
        return console;
    }

    void screenshot(Path to) throws java.io.IOException {
        Files.createDirectories(to.getParent());
        Files.write(to, driver.getScreenshotAs(OutputType.BYTES));
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
        }
    }
}
