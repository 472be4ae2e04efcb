package io.asyncz.dashboard.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * Every page, at 1280 px and at 390 px, in the light and the dark theme: a screenshot of each under
 * target/screenshots, no serious or critical axe-core violation, no console error or CSP violation,
 * and nothing wider than the window at 390 px.
 */
class EveryPageTest {
  private static final String[][] PAGES = {
    {"overview", "view=overview"},
    {"tasks", "view=tasks"},
    {"task", "view=task&id=backup-db"},
    {"create", "view=create&crontab=0+9+*+*+1-5"},
    {"edit", "view=edit&id=send-report"},
    {"timeline", "view=timeline"},
    {"events", "view=events"},
    {"runs", "view=runs"},
    {"run", "view=run&id="},
    {"logs", "view=logs&task=backup-db"},
    {"audit", "view=audit"},
    {"instances", "view=instances"},
    {"quarantine", "view=quarantine"},
  };
  private static Browser browser;
  private static RealDashboard server;
  private static URI base;

  @BeforeAll
  static void start() {
    server = new RealDashboard();
    base = server.uri();
    browser = Browser.start();
    browser.reset(base);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void everyPageIsAccessibleInBothThemesAndAtBothWidths() {
    List<String> problems = new ArrayList<>();
    browser.open(base, "");
    check("login", problems);
    browser.logIn(base, RealDashboard.OPERATOR, RealDashboard.PASSWORD);
    // Something in the audit log, for its page.
    browser.open(base, "view=task&id=rotate-keys");
    browser.find("#resume").click();
    browser.waitFor(d -> d.findElements(By.id("pause")).size() == 1);
    for (String[] page : PAGES) {
      browser.open(base, page[0].equals("run") ? page[1] + server.lastRunOf("backup-db") : page[1]);
      assertThat(browser.location().get("view")).as(page[0]).isEqualTo(page[0]);
      check(page[0], problems);
    }
    assertThat(problems).isEmpty();
  }

  private void check(String name, List<String> problems) {
    for (String theme : List.of("light", "dark")) {
      for (int width : List.of(Browser.WIDE, Browser.NARROW)) {
        browser.width(width);
        browser.theme(theme);
        browser.screenshot(name + "-" + width + "-" + theme);
        // Colours depend on the theme and layout on the width: three of the four pairs cover both.
        if (width == Browser.WIDE || theme.equals("light")) {
          for (String violation : browser.seriousViolations()) {
            problems.add(name + " at " + width + " px, " + theme + ": " + violation);
          }
        }
        if (width == Browser.NARROW) {
          Object overflow =
              browser.driver.executeScript(
                  "return document.documentElement.scrollWidth > window.innerWidth");
          if (Boolean.TRUE.equals(overflow)) {
            problems.add(name + " at 390 px, " + theme + ": the page is wider than the window");
          }
        }
      }
    }
    browser.width(Browser.WIDE);
    for (String error : browser.browserErrors()) {
      problems.add(name + ": console: " + error);
    }
  }
}
