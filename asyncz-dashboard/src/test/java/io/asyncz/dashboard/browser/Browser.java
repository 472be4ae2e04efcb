package io.asyncz.dashboard.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One headless Chromium for the browser tests: Debian's {@code chromium} driven by Debian's {@code
 * chromedriver}, both named explicitly so Selenium Manager never downloads a browser or a driver.
 * It checks pages with axe-core and takes the screenshots the docs use.
 */
final class Browser implements AutoCloseable {
  static final Path CHROMIUM = Path.of(System.getProperty("asyncz.chromium", "/usr/bin/chromium"));
  static final Path CHROMEDRIVER =
      Path.of(System.getProperty("asyncz.chromedriver", "/usr/bin/chromedriver"));
  static final String AXE_SHA256 =
      "e9e5863c33a874f09bc01acd9234b7e3c871479f5eef8802fa582544465e6d01";
  static final Path SCREENSHOTS = Path.of("target", "screenshots");
  static final int WIDE = 1280;
  static final int NARROW = 390;

  private final ObjectMapper json = new ObjectMapper();
  private final ChromeDriverService service;
  final ChromeDriver driver;
  private final String axe;

  private Browser() {
    // With the driver named in the service, Selenium's DriverFinder skips Selenium Manager, which
    // would otherwise look for (and download) a driver and a browser of its own.
    service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .withEnvironment(Map.of("TZ", "UTC"))
            .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--no-first-run",
        "--disable-extensions",
        "--window-size=" + WIDE + ",900",
        "--lang=en-GB",
        "--force-device-scale-factor=1");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    axe = readAxe();
  }

  /**
   * Starts Chromium, or fails with how to install it: the browser tests never skip, since a
   * dashboard nobody tested in a browser is what they are here to prevent.
   */
  static Browser start() {
    Optional<String> missing = missing(CHROMIUM, CHROMEDRIVER);
    if (missing.isPresent()) {
      fail(missing.get());
    }
    return new Browser();
  }

  /**
   * What is missing of Chromium and its driver, said with how to install it; empty when both are
   * here.
   */
  static Optional<String> missing(Path chromium, Path chromedriver) {
    List<String> missing = new ArrayList<>();
    if (!Files.isExecutable(chromium)) {
      missing.add(chromium + " (Debian package chromium)");
    }
    if (!Files.isExecutable(chromedriver)) {
      missing.add(chromedriver + " (Debian package chromium-driver)");
    }
    if (missing.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        "The dashboard's browser tests need Chromium and its driver, and these are missing: "
            + String.join(", ", missing)
            + ". Install them with `sudo apt-get install -y chromium chromium-driver`, or run"
            + " scripts/test.sh, which installs them and then runs the build. Other paths can be"
            + " given with -Dasyncz.chromium=PATH and -Dasyncz.chromedriver=PATH.");
  }

  private static String readAxe() {
    try (InputStream in =
        Browser.class.getResourceAsStream("/io/asyncz/dashboard/browser/axe/axe.min.js")) {
      byte[] bytes = in.readAllBytes();
      String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
      assertThat(sha).as("checksum of the vendored axe.min.js").isEqualTo(AXE_SHA256);
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Forgets the previous scenario: cookies, local storage and window size. */
  void reset(URI base) {
    driver.manage().window().setSize(new Dimension(WIDE, 900));
    driver.get(base.resolve("favicon.svg").toString());
    driver.manage().deleteAllCookies();
    driver.executeScript("window.localStorage.clear()");
    browserErrors();
  }

  /** Opens a view of the dashboard and waits until it has rendered. */
  void open(URI base, String query) {
    driver.get(base + (query.isEmpty() ? "" : "?" + query));
    waitReady();
  }

  /** Waits until the shell has started and no view is loading. */
  void waitReady() {
    waitFor(
        d ->
            Boolean.TRUE.equals(
                ((JavascriptExecutor) d)
                    .executeScript(
                        "return document.body.dataset.ready === 'true'"
                            + " && !document.getElementById('main').hasAttribute('aria-busy')")));
  }

  <T> T waitFor(ExpectedCondition<T> condition) {
    // A page re-renders as data arrives: an element found a moment ago may be gone; look again.
    // The wait ends as soon as the condition holds; its limit only decides how long a failing
    // test takes. Ten seconds was once too short for a page load on a machine at load 7.5.
    return new WebDriverWait(driver, Duration.ofSeconds(30))
        .ignoring(StaleElementReferenceException.class)
        .until(condition);
  }

  WebElement find(String css) {
    return waitFor(d -> d.findElements(By.cssSelector(css)).stream().findFirst().orElse(null));
  }

  /** Logs in through the login form as the given user. */
  void logIn(URI base, String user, String password) {
    open(base, "");
    find("#login-form input[name=username]").sendKeys(user);
    find("#login-form input[name=password]").sendKeys(password);
    find("#login-form button[type=submit]").click();
    waitFor(d -> d.findElement(By.id("logout")).isDisplayed());
    waitReady();
  }

  /** Sets the theme as the toggle would, and shows it on the current page. */
  void theme(String theme) {
    driver.executeScript(
        "localStorage.setItem('asyncz-theme', arguments[0]);"
            + " document.documentElement.dataset.theme = arguments[0];",
        theme);
  }

  /**
   * Runs axe-core on the current page and returns its serious and critical violations, one line
   * each (rule, impact, the elements and axe's help text).
   */
  List<String> seriousViolations() {
    // Sent once per page load: the script is half a megabyte.
    if (Boolean.FALSE.equals(driver.executeScript("return typeof window.axe === 'object'"))) {
      driver.executeScript(axe);
    }
    Object result =
        driver.executeAsyncScript(
            "const done = arguments[arguments.length - 1];"
                + " axe.run(document, {resultTypes: ['violations']})"
                + ".then(r => done(JSON.stringify(r.violations)), e => done('error: ' + e));");
    String text = String.valueOf(result);
    if (text.startsWith("error: ")) {
      throw new AssertionError("axe-core failed: " + text);
    }
    List<String> found = new ArrayList<>();
    try {
      for (JsonNode violation : json.readTree(text)) {
        String impact = violation.path("impact").asText();
        if (impact.equals("serious") || impact.equals("critical")) {
          List<String> targets = new ArrayList<>();
          for (JsonNode node : violation.path("nodes")) {
            targets.add(
                node.path("target").toString()
                    + " "
                    + node.path("failureSummary").asText().replace('\n', ' '));
          }
          found.add(
              violation.path("id").asText()
                  + " ("
                  + impact
                  + "): "
                  + violation.path("help").asText()
                  + " at "
                  + targets);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return found;
  }

  /** The browser's console errors since the last call (a CSP violation is one). */
  List<String> browserErrors() {
    List<String> errors = new ArrayList<>();
    for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
      // An answer of 400 or 401 is logged as a failed load; the pages expect those (a bad cron
      // expression as you type, the session check before logging in).
      boolean expectedAnswer = entry.getMessage().contains("Failed to load resource");
      if ((entry.getLevel().intValue() >= Level.SEVERE.intValue() && !expectedAnswer)
          || entry.getMessage().contains("Content Security Policy")) {
        errors.add(entry.getMessage());
      }
    }
    return errors;
  }

  /** Saves a screenshot of the visible page under target/screenshots. */
  Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path file = SCREENSHOTS.resolve(name + ".png");
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Makes the window the given width (and a phone's or a laptop's height). */
  void width(int width) {
    driver.manage().window().setSize(new Dimension(width, width == NARROW ? 844 : 900));
  }

  /** Keys of the session map of a logged-in page, for checks on what the shell shows. */
  Map<String, Object> location() {
    @SuppressWarnings("unchecked")
    Map<String, Object> map =
        (Map<String, Object>)
            driver.executeScript(
                "return {search: location.search, title: document.title,"
                    + " view: document.querySelector('.view') &&"
                    + " document.querySelector('.view').dataset.view}");
    return map;
  }

  @Override
  public void close() {
    driver.quit();
    service.stop();
  }
}
