package io.asyncz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PluginOptionsTest {

  @Test
  void readsTypedValuesAndTheirTextForms() {
    PluginOptions typed =
        PluginOptions.of(Map.of("n", 4, "b", true, "d", Duration.ofMillis(1500), "s", "x"));
    PluginOptions text = PluginOptions.of(Map.of("n", "4", "b", "TRUE", "d", "1.5", "s", "x"));
    for (PluginOptions o : new PluginOptions[] {typed, text}) {
      assertThat(o.integer("n", 0)).isEqualTo(4);
      assertThat(o.bool("b", false)).isTrue();
      assertThat(o.seconds("d", null)).isEqualTo(Duration.ofMillis(1500));
      assertThat(o.string("s", null)).isEqualTo("x");
    }
    assertThat(PluginOptions.of(Map.of("d", "PT2M")).seconds("d", null))
        .isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void absentOrNullOptionsTakeTheDefault() {
    Map<String, Object> values = new HashMap<>();
    values.put("n", null);
    PluginOptions o = PluginOptions.of(values);
    assertThat(o.integer("n", 9)).isEqualTo(9);
    assertThat(o.positiveInteger("m", 3)).isEqualTo(3);
    assertThat(o.bool("b", true)).isTrue();
    assertThat(o.raw("n")).isEmpty();
  }

  @Test
  void errorsNameTheOptionWithItsConfigurationKey() {
    PluginOptions o = PluginOptions.of(Map.of("n", "1.5", "b", "yes", "d", "soon"), "asyncz.x.");
    assertThatThrownBy(() -> o.integer("n", 0))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("Invalid asyncz.x.n: \"1.5\" is not a whole number");
    assertThatThrownBy(() -> o.bool("b", false))
        .hasMessage("Invalid asyncz.x.b: \"yes\" is not a boolean; expected true or false");
    assertThatThrownBy(() -> o.seconds("d", null))
        .hasMessageStartingWith("Invalid asyncz.x.d: \"soon\" is not a number of seconds");
  }

  @Test
  void requireOnlyNamesTheUnknownOptionAndListsTheKnownOnes() {
    PluginOptions o = PluginOptions.of(Map.of("pth", "/tmp"), "asyncz.stores.s.");
    assertThatThrownBy(() -> o.requireOnly(Set.of("path", "encrypt"), "the file store"))
        .hasMessage(
            "Invalid configuration key: \"asyncz.stores.s.pth\" is not an option of the file"
                + " store; expected one of [asyncz.stores.s.encrypt, asyncz.stores.s.path]");
  }
}
