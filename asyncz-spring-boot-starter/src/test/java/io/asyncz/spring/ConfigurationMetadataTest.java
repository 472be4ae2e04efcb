package io.asyncz.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.config.SchedulerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The configuration metadata that IDEs complete {@code asyncz.*} keys from. */
class ConfigurationMetadataTest {
  private static final Pattern PROPERTY_NAME =
      Pattern.compile("\"name\"\\s*:\\s*\"(asyncz\\.[^\"]+)\",\\s*\"type\"");

  @Test
  void describesEveryKeyThatSchedulerConfigReadsAndEveryStarterSetting() throws IOException {
    Set<String> described = describedProperties();
    for (String key : SchedulerConfig.keys()) {
      // executors.<alias>.type and the like are described as the map asyncz.executors.
      int alias = key.indexOf(".<alias>");
      if (key.endsWith(".<option>") && alias < 0) {
        // task_defaults.retry.<option>: each option is described on its own.
        String prefix = "asyncz." + key.substring(0, key.length() - "<option>".length());
        for (String option :
            java.util.List.of(
                "max_retries",
                "delay",
                "backoff",
                "max_delay",
                "jitter",
                "retry_on",
                "keep_slot")) {
          assertThat(described).as("metadata for %s", key).contains(prefix + option);
        }
        continue;
      }
      String property = "asyncz." + (alias < 0 ? key : key.substring(0, alias));
      assertThat(described).as("metadata for %s", key).contains(property);
    }
    for (String setting : AsynczProperties.SPRING_KEYS) {
      assertThat(described).contains(AsynczProperties.SPRING_PREFIX + setting);
    }
  }

  private static Set<String> describedProperties() throws IOException {
    try (InputStream in =
        ConfigurationMetadataTest.class.getResourceAsStream(
            "/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("META-INF/spring-configuration-metadata.json").isNotNull();
      String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      Set<String> names = new LinkedHashSet<>();
      Matcher m = PROPERTY_NAME.matcher(json);
      while (m.find()) {
        names.add(m.group(1));
      }
      return names;
    }
  }
}
