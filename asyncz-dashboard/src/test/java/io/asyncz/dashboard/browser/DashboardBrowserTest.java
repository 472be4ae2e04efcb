package io.asyncz.dashboard.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The dashboard in a real browser: the scenarios an operator goes through, each on a fresh server
 * and a clean browser (one Chromium serves them all, to keep the suite short).
 */
class DashboardBrowserTest {
  private static Browser browser;
  private RealDashboard server;
  private URI base;

  @BeforeAll
  static void startBrowser() {
    browser = Browser.start();
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) {
      browser.close();
    }
  }

  @BeforeEach
  void startServer() {
    server = new RealDashboard();
    base = server.uri();
    browser.reset(base);
  }

  @AfterEach
  void stopServer() {
    List<String> errors = browser.browserErrors();
    server.close();
    assertThat(errors).as("console errors and CSP violations").isEmpty();
  }

  private List<WebElement> rows() {
    return browser.driver.findElements(By.cssSelector("tbody tr[data-task]"));
  }

  /** The ids of the listed tasks, read in one script so a re-render cannot come in between. */
  @SuppressWarnings("unchecked")
  private List<String> rowIds() {
    return (List<String>)
        browser.driver.executeScript(
            "return [...document.querySelectorAll('tbody tr[data-task]')]"
                + ".map(row => row.dataset.task)");
  }

  @Test
  void refusesAWrongPasswordThenLogsInToTheOverview() {
    browser.open(base, "view=tasks");
    assertThat(browser.find("h1").getText()).isEqualTo("Log in to Asyncz");
    browser.find("#login-form input[name=username]").sendKeys(RealDashboard.OPERATOR);
    browser.find("#login-form input[name=password]").sendKeys("wrong");
    browser.find("#login-form button[type=submit]").click();
    WebElement alert = browser.find(".login [role=alert]:not([hidden])");
    assertThat(alert.getText()).contains("not right");

    browser.find("#login-form input[name=password]").clear();
    browser.find("#login-form input[name=password]").sendKeys(RealDashboard.PASSWORD);
    browser.find("#login-form button[type=submit]").click();
    browser.waitFor(d -> d.findElements(By.cssSelector(".view[data-view=tasks]")).size() == 1);
    assertThat(browser.find("#who").getText()).isEqualTo("admin (operator)");
    assertThat(rows()).hasSize(25);

    browser.open(base, "view=overview");
    assertThat(browser.find(".tiles").getText()).contains("running").contains("30");
    assertThat(browser.find("main").getText()).contains("Next runs").contains("Recent failures");
    assertThat(browser.find("main").getText()).contains("Connection refused");
  }

  @Test
  void findsATaskBySearchAndKeepsTheSearchInTheUrl() {
    browser.logIn(base, RealDashboard.OPERATOR, RealDashboard.PASSWORD);
    browser.open(base, "view=tasks");
    browser.find("input[name=q]").sendKeys("back up");
    browser.waitFor(d -> rowIds().equals(List.of("backup-db")));
    assertThat(browser.location().get("search")).isEqualTo("?view=tasks&q=back+up");

    // The search is found again by a reload, as a bookmark or a shared link would.
    browser.driver.navigate().refresh();
    browser.waitReady();
    assertThat(rowIds()).containsExactly("backup-db");
    assertThat(browser.find("input[name=q]").getAttribute("value")).isEqualTo("back up");

    // The function, the trigger and the store are searched too.
    browser.find("input[name=q]").clear();
    browser.find("input[name=q]").sendKeys("jobs.sync");
    browser.waitFor(d -> rowIds().equals(List.of("sync-users")));
  }

  @Test
  void sortsByAColumnAndPagesThroughTheList() {
    browser.logIn(base, RealDashboard.OPERATOR, RealDashboard.PASSWORD);
    browser.open(base, "view=tasks");
    assertThat(browser.find("#page-status").getText()).isEqualTo("Page 1 of 2 · 30 task(s)");
    browser.find("button[data-sort=id]").click();
    browser.waitReady();
    assertThat(browser.location().get("search")).isEqualTo("?view=tasks&sort=id&order=asc");
    assertThat(rowIds()).hasSize(25).startsWith("backup-db", "batch-01");
    assertThat(browser.find("th[aria-sort]").getAttribute("aria-sort")).isEqualTo("ascending");

    browser.find("button[data-sort=id]").click();
    browser.waitFor(d -> rowIds().get(0).equals("sync-users"));
    browser.find(".pager button:last-of-type").click();
    browser.waitFor(d -> rowIds().size() == 5);
    assertThat(browser.location().get("search")).isEqualTo("?view=tasks&sort=id&order=desc&page=2");

    new Select(browser.find("select[name=size]")).selectByValue("50");
    browser.waitFor(d -> rowIds().size() == 30);
    assertThat(browser.location().get("search"))
        .isEqualTo("?view=tasks&sort=id&order=desc&size=50");
  }

  @Test
  void pausesATaskAndSeesItPaused() {
    browser.logIn(base, RealDashboard.OPERATOR, RealDashboard.PASSWORD);
    browser.open(base, "view=task&id=backup-db");
    assertThat(browser.find("#task-state").getText()).isEqualTo("scheduled");
    browser.find("#pause").click();
    browser.waitFor(d -> d.findElement(By.id("task-state")).getText().equals("paused"));
    assertThat(server.stateOf("backup-db")).isEqualTo("paused");
    assertThat(browser.find("#toasts").getText()).contains("Paused backup-db.");
    assertThat(browser.find("#resume").getText()).isEqualTo("Resume");
  }

  @Test
  void runsATaskAndSeesTheRunAppearInTheHistoryLive() {
    browser.logIn(base, RealDashboard.OPERATOR, RealDashboard.PASSWORD);
    browser.open(base, "view=runs&task=heartbeat");
    browser.waitFor(d -> d.findElement(By.id("runs-live")).getText().contains("connected"));
    assertThat(browser.find("#runs-list").getText()).contains("No run yet.");
    String history = browser.driver.getWindowHandle();
    browser.driver.executeScript("window.sameDocument = true");

    browser.driver.switchTo().newWindow(WindowType.TAB);
    browser.open(base, "view=task&id=heartbeat");
    browser.find("#run-now").click();
    browser.waitFor(d -> d.findElement(By.id("toasts")).getText().contains("Submitted a run"));
    browser.driver.close();
    browser.driver.switchTo().window(history);

    WebElement row = browser.find("#runs-list tbody tr[data-run]");
    assertThat(row.getText()).contains("Heartbeat").contains("succeeded").contains("manual");
    assertThat(browser.driver.executeScript("return window.sameDocument"))
        .as("the run arrived without a reload")
        .isEqualTo(true);
  }

  @Test
  void filtersTheRunHistoryAndShowsAFailedRunWithItsStackTraceAndLog() {
    browser.logIn(base, RealDashboard.OPERATOR, RealDashboard.PASSWORD);
    browser.open(base, "view=runs");
    assertThat(browser.driver.findElements(By.cssSelector("#runs-list tr[data-run]"))).hasSize(2);
    new Select(browser.find("select[name=status]")).selectByValue("failed");
    browser.find("form[aria-label='Filter runs'] button[type=submit]").click();
    browser.waitFor(d -> d.findElements(By.cssSelector("#runs-list tr[data-run]")).size() == 1);
    assertThat(browser.location().get("search")).isEqualTo("?view=runs&status=failed");
    WebElement row = browser.find("#runs-list tr[data-run]");
    assertThat(row.getText()).contains("Back up the database").contains("failed");

    row.findElement(By.cssSelector("a")).click();
    browser.waitFor(d -> "run".equals(browser.location().get("view")));
    assertThat(browser.find("pre[aria-label='Stack trace']").getText())
        .startsWith("java.io.UncheckedIOException: java.io.IOException: Connection refused");
    assertThat(browser.find("#run-log").getText())
        .contains("ERROR java.io.IOException: Connection refused: db.internal:5432");

    browser.open(base, "view=logs&task=backup-db");
    assertThat(browser.find("main pre").getText()).contains("INFO backup-db started");
  }

  @Test
  void theRunListRefreshesEvenWhenEventsNeverPause() {
    browser.logIn(base, RealDashboard.OPERATOR, RealDashboard.PASSWORD);
    browser.open(base, "view=runs&task=heartbeat");
    browser.waitFor(d -> d.findElement(By.id("runs-live")).getText().contains("connected"));
    // On a busy scheduler events keep coming and a quiet moment never does: here no timer of the
    // page ever fires, so a refresh that waits for one (a debounce) never happens.
    browser.driver.executeScript("window.setTimeout = () => 0;");
    server.ops.runTask("heartbeat");
    WebElement row = browser.find("#runs-list tbody tr[data-run]");
    assertThat(row.getText()).contains("succeeded");
  }

  @Test
  void theEventsPageShowsNewEventsAsTheyHappen() {
    browser.logIn(base, RealDashboard.OPERATOR, RealDashboard.PASSWORD);
    browser.open(base, "view=events");
    browser.waitFor(d -> d.findElement(By.id("events-live")).getText().contains("connected"));
    browser.driver.executeScript("window.sameDocument = true");
    server.ops.pauseTask("cleanup-tmp");
    browser.waitFor(
        d ->
            d.findElement(By.id("events-live"))
                .getText()
                .equals("Live: TASK_MODIFIED for cleanup-tmp."));
    assertThat(browser.find("#events tbody tr").getText())
        .contains("task_modified")
        .contains("cleanup-tmp");
    assertThat(browser.driver.executeScript("return window.sameDocument")).isEqualTo(true);
  }

  @Test
  void createsACronTaskWithALivePreviewAndValidationAsYouType() {
    browser.logIn(base, RealDashboard.OPERATOR, RealDashboard.PASSWORD);
    browser.open(base, "view=create");
    WebElement crontab = browser.find("input[name=crontab]");
    crontab.sendKeys("61 9 * * 1-5");
    WebElement error = browser.find("#" + crontab.getAttribute("id") + "-error:not([hidden])");
    assertThat(error.getText()).contains("'minute'").contains("\"61\"").contains("0-59");
    assertThat(crontab.getAttribute("aria-invalid")).isEqualTo("true");

    crontab.sendKeys(Keys.HOME, Keys.DELETE, Keys.DELETE, "0");
    browser.waitFor(d -> d.findElements(By.cssSelector("#preview li time")).size() == 5);
    List<String> times = new ArrayList<>();
    for (WebElement time : browser.driver.findElements(By.cssSelector("#preview li time"))) {
      times.add(time.getAttribute("datetime"));
    }
    assertThat(times)
        .containsExactly(
            "2026-12-08T09:00:00Z",
            "2026-12-09T09:00:00Z",
            "2026-12-10T09:00:00Z",
            "2026-12-11T09:00:00Z",
            "2026-12-14T09:00:00Z");
    assertThat(crontab.getAttribute("aria-invalid")).isNull();

    browser.find("input[name=id]").sendKeys("morning-mail");
    browser.find("input[name=name]").sendKeys("Morning mail");
    browser.find("input[name=function]").sendKeys("jobs.mail");
    browser.find("#create-form button[type=submit]").click();
    browser.waitFor(d -> "task".equals(browser.location().get("view")));
    assertThat(browser.find("h1").getText()).isEqualTo("Morning mail (morning-mail)");
    assertThat(server.triggerOf("morning-mail")).contains("0 9 * * 1-5");
  }

  @Test
  void editsATaskSeesTheDiffAndAppliesIt() {
    browser.logIn(base, RealDashboard.OPERATOR, RealDashboard.PASSWORD);
    browser.open(base, "view=edit&id=send-report");
    WebElement crontab = browser.find("input[name=crontab]");
    assertThat(crontab.getAttribute("value")).isEqualTo("0 7 * * 1-5");
    crontab.clear();
    crontab.sendKeys("0 8 * * 1-5");
    browser.find("#show-diff").click();
    WebElement diff = browser.find("#diff tr[data-field=trigger]");
    assertThat(diff.findElement(By.cssSelector("del")).getText()).contains("0 7 * * 1-5");
    assertThat(diff.findElement(By.cssSelector("ins")).getText()).contains("0 8 * * 1-5");
    assertThat(server.triggerOf("send-report"))
        .as("a dry run changes nothing")
        .contains("0 7 * * 1-5");

    browser.find("#apply").click();
    browser.waitFor(d -> "task".equals(browser.location().get("view")));
    assertThat(server.triggerOf("send-report")).contains("0 8 * * 1-5");
    assertThat(browser.find("main").getText()).contains("0 8 * * 1-5");
  }

  @Test
  void bulkPausesThreeTasksAndKeepsTheFilters() {
    browser.logIn(base, RealDashboard.OPERATOR, RealDashboard.PASSWORD);
    browser.open(base, "view=tasks&q=batch-0&sort=id");
    assertThat(rowIds()).hasSize(9).startsWith("batch-01", "batch-02", "batch-03");
    for (String id : List.of("batch-01", "batch-02", "batch-03")) {
      browser.find("input[type=checkbox][value=" + id + "]").click();
    }
    assertThat(browser.find(".bulk").getText()).contains("3 selected");
    browser.find("button[data-bulk=pause]").click();
    browser.waitFor(d -> d.findElement(By.id("toasts")).getText().contains("Paused 3 of 3"));
    browser.waitFor(d -> d.findElements(By.cssSelector("td[data-state=paused]")).size() == 3);
    assertThat(server.stateOf("batch-01")).isEqualTo("paused");
    assertThat(server.stateOf("batch-03")).isEqualTo("paused");
    assertThat(server.stateOf("batch-04")).isEqualTo("scheduled");
    assertThat(browser.location().get("search")).isEqualTo("?view=tasks&q=batch-0&sort=id");
    assertThat(rowIds()).hasSize(9);
  }

  @Test
  void restoresOneQuarantinedRecordDiscardsAnotherAndSeesEachEffect() {
    server.quarantine("batch-05", "Unexpected byte 0xff at offset 12");
    server.quarantine("batch-06", "Unknown trigger type 'lunar'");
    browser.logIn(base, RealDashboard.OPERATOR, RealDashboard.PASSWORD);
    browser.open(base, "view=tasks&q=batch-05");
    assertThat(rowIds()).isEmpty();

    browser.open(base, "view=quarantine");
    assertThat(browser.find("#main table").getText())
        .contains("batch-05")
        .contains("batch-06")
        .contains("unreadable");
    assertThat(browser.seriousViolations()).as("axe-core on the quarantine page").isEmpty();
    browser.screenshot("quarantine-two-records");

    browser.find("button[aria-label='Restore batch-05']").click();
    browser.waitFor(d -> d.findElement(By.id("toasts")).getText().contains("Restored batch-05."));
    browser.waitFor(d -> !d.findElement(By.id("main")).getText().contains("batch-05"));
    assertThat(browser.find("#main table").getText()).contains("batch-06");

    browser.find("button[aria-label='Discard batch-06']").click();
    Alert confirm = browser.waitFor(ExpectedConditions.alertIsPresent());
    assertThat(confirm.getText()).contains("Discard the quarantined record batch-06");
    confirm.accept();
    browser.waitFor(d -> d.findElement(By.id("toasts")).getText().contains("Discarded batch-06."));
    browser.waitFor(
        d -> d.findElement(By.id("main")).getText().contains("No record is quarantined."));
    assertThat(server.ops.quarantine()).isEmpty();
    assertThat(browser.seriousViolations()).as("axe-core on the emptied page").isEmpty();
    browser.screenshot("quarantine-emptied");

    browser.open(base, "view=tasks&q=batch-0&sort=id");
    browser.waitFor(d -> rowIds().contains("batch-05"));
    assertThat(rowIds()).contains("batch-05").doesNotContain("batch-06");
    assertThat(server.stateOf("batch-05")).isEqualTo("scheduled");
    assertThat(server.scheduler.getTask("batch-06")).isEmpty();
  }

  @Test
  void logsOutAndTheSessionIsGone() {
    browser.logIn(base, RealDashboard.OPERATOR, RealDashboard.PASSWORD);
    browser.find("#logout").click();
    browser.waitFor(d -> d.findElement(By.tagName("h1")).getText().equals("Log in to Asyncz"));
    browser.open(base, "view=tasks");
    // The page asks the server for its session before it draws a view: wait for that answer
    // (a session still alive would leave the tasks page, and the wait would fail).
    browser.waitFor(d -> d.findElement(By.tagName("h1")).getText().equals("Log in to Asyncz"));
    assertThat(browser.driver.findElement(By.id("nav")).isDisplayed()).isFalse();
  }

  @Test
  void aLogoutTheServerDidNotConfirmSaysSoAndLeavesTheSessionAsItIs() {
    browser.logIn(base, RealDashboard.OPERATOR, RealDashboard.PASSWORD);
    // The logout request never reaches the server, as on a dropped network: the page must not
    // claim a logout that did not happen (on a shared computer, the session would live on).
    browser.driver.executeCdpCommand("Network.enable", Map.of());
    browser.driver.executeCdpCommand("Network.setBlockedURLs", Map.of("urls", List.of("*/logout")));
    try {
      browser.find("#logout").click();
      browser.waitFor(d -> d.findElement(By.id("toasts")).getText().contains("Could not log out"));
    } finally {
      browser.driver.executeCdpCommand("Network.setBlockedURLs", Map.of("urls", List.of()));
    }
    assertThat(browser.find("#toasts").getText()).contains("You are still logged in");
    assertThat(browser.driver.findElement(By.id("nav")).isDisplayed()).isTrue();
    assertThat(browser.driver.findElement(By.tagName("h1")).getText())
        .isNotEqualTo("Log in to Asyncz");
    browser.browserErrors(); // the blocked request's console error, expected here

    browser.find("#logout").click(); // with the network back, it logs out
    browser.waitFor(d -> d.findElement(By.tagName("h1")).getText().equals("Log in to Asyncz"));
    browser.open(base, "view=tasks");
    browser.waitFor(d -> d.findElement(By.tagName("h1")).getText().equals("Log in to Asyncz"));
  }

  @Test
  void aViewerSeesEverythingButCannotChangeIt() {
    browser.logIn(base, RealDashboard.VIEWER, RealDashboard.PASSWORD);
    browser.open(base, "view=task&id=backup-db");
    assertThat(browser.find("#pause").isEnabled()).isFalse();
    assertThat(browser.find("#run-now").isEnabled()).isFalse();
    browser.open(base, "view=tasks&q=backup");
    browser.find("input[type=checkbox][value=backup-db]").click();
    assertThat(browser.find("button[data-bulk=pause]").isEnabled()).isFalse();
  }

  @Test
  void theSkipLinkIsTheFirstStopAndLeadsToTheContent() {
    browser.logIn(base, RealDashboard.OPERATOR, RealDashboard.PASSWORD);
    browser.open(base, "view=tasks");
    browser.driver.findElement(By.tagName("body")).sendKeys(Keys.TAB);
    WebElement first = browser.driver.switchTo().activeElement();
    assertThat(first.getText()).isEqualTo("Skip to content");
    first.sendKeys(Keys.ENTER);
    browser.waitFor(d -> "main".equals(d.switchTo().activeElement().getAttribute("id")));
    assertThat(browser.location().get("view")).isEqualTo("tasks");
  }
}
