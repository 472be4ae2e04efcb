package io.asyncz.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.InvalidInputException;
import io.asyncz.task.refs.PublicJobs;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A textual reference reaches only public static methods of public classes, or registered names.
 */
class TaskRegistryTest {
  private static final String REFS = "io.asyncz.task.refs";
  private static final String JOBS = PublicJobs.class.getName();
  private static final String RULE =
      "; a reference reaches only a public static method of a public class in an exported package"
          + " among the allowed packages [io.asyncz.task.refs], or a function registered by name";

  private final TaskRegistry registry = new TaskRegistry().allowPackage(REFS);

  @Test
  void aPublicStaticMethodOfAPublicClassResolvesAndRuns() throws Exception {
    TaskFunction report = registry.resolve(JOBS + "::report");
    assertThat(report.invoke(List.of("sales"), Map.of())).isEqualTo("report sales");
    TaskFunction nested = registry.resolve(JOBS + "$Nested::run");
    assertThat(nested.invoke(List.of(), Map.of())).isEqualTo("nested");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "secret|names a method that is not public (private static String secret())",
        "packagePrivate|names a method that is not public (static String packagePrivate())",
        "inherited|names a method that is not public (protected static String inherited())",
        "instance|names an instance method (public String instance()); it has no object to run on",
        "lambda$lambda$0|names a method that the compiler generated (a lambda body or a bridge),"
            + " not one written in the class"
      })
  void anyOtherMethodOfAnAllowedClassIsRefused(String method, String why) {
    String reference = JOBS + "::" + method;
    assertThatThrownBy(() -> registry.resolve(reference))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("Invalid function reference: \"" + reference + "\" " + why + RULE);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "io.asyncz.task.refs.PackagePrivateJobs::run",
    "io.asyncz.task.refs.PublicJobs$Hidden::run"
  })
  void aPublicMethodOfAClassThatIsNotPublicIsRefused(String reference) {
    assertThatThrownBy(() -> registry.resolve(reference))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Invalid function reference: \""
                + reference
                + "\" names a class that is not public"
                + RULE);
  }

  @Test
  void aBridgeMethodIsRefused() {
    String reference = "io.asyncz.task.refs.Bridged::get";
    assertThatThrownBy(() -> registry.resolve(reference))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("Invalid function reference: \"" + reference + "\" names ")
        .hasMessageEndingWith(RULE);
  }

  @Test
  void aPublicMethodInAPackageItsModuleDoesNotExportIsRefused() {
    TaskRegistry internal = new TaskRegistry().allowPackage("jdk.internal.misc");
    String reference = "jdk.internal.misc.VM::isBooted";
    assertThatThrownBy(() -> internal.resolve(reference))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith(
            "Invalid function reference: \"jdk.internal.misc.VM::isBooted\" names a class in"
                + " package jdk.internal.misc, which module java.base does not export;");
  }

  @Test
  void aRegisteredNameResolvesWhateverTheFunctionIs() {
    TaskFunction function = (args, kwargs) -> "registered";
    registry.register("nightly", function);
    assertThat(registry.resolve("nightly")).isSameAs(function);
  }

  @Test
  void aDeferringRegistryStandsInForWhatItCannotResolveAndNeverCallsIt() throws Exception {
    TaskRegistry lenient = new TaskRegistry().deferUnknown();
    lenient.register("known", (args, kwargs) -> "ran");

    assertThat(lenient.resolve("known").invoke(List.of(), Map.of())).isEqualTo("ran");
    TaskFunction missing = lenient.resolve("billing.close-month");
    TaskFunction refused = lenient.resolve("java.lang.Runtime::getRuntime");
    assertThat(missing.displayName()).isEqualTo("billing.close-month");
    assertThatThrownBy(() -> missing.invoke(List.of(), Map.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'billing.close-month' is not available in this process")
        .hasMessageContaining("neither a registered name");
    assertThatThrownBy(() -> refused.invoke(List.of(), Map.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("outside the allowed packages");
    // A strict registry still refuses both.
    assertThatThrownBy(() -> new TaskRegistry().resolve("billing.close-month"))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> lenient.resolve(" ")).isInstanceOf(InvalidInputException.class);
  }
}
