package io.asyncz.dashboard.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Without Chromium the browser tests fail, saying how to install it; they never skip. */
class BrowserSetupTest {
  @Test
  void aMissingChromiumOrDriverIsNamedWithHowToInstallIt() {
    Path nowhere = Path.of("/nonexistent/chromium");
    Path noDriver = Path.of("/nonexistent/chromedriver");
    assertThat(Browser.missing(nowhere, noDriver))
        .hasValueSatisfying(
            message ->
                assertThat(message)
                    .contains("/nonexistent/chromium (Debian package chromium)")
                    .contains("/nonexistent/chromedriver (Debian package chromium-driver)")
                    .contains("apt-get install -y chromium chromium-driver")
                    .contains("scripts/test.sh"));
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    assertThat(Browser.missing(java, noDriver).orElseThrow())
        .doesNotContain("package chromium)")
        .contains("chromium-driver");
  }
}
