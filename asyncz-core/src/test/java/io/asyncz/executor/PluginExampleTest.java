package io.asyncz.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.InvalidInputException;
import io.asyncz.PluginOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The plugin example of docs/configuration.md does what the page says. */
class PluginExampleTest {
  private final CpuExecutorFactory factory = new CpuExecutorFactory();
  private final int cores = Runtime.getRuntime().availableProcessors();

  @Test
  void createsAPoolSizedToTheMachine() {
    TaskExecutor executor =
        factory.create("cpu", PluginOptions.of(Map.of("per_core", "2"), "asyncz.executors.work."));
    assertThat(executor).isInstanceOf(PoolExecutor.class);
    assertThat(((PoolExecutor) executor).maxWorkers()).isEqualTo(2 * cores);
    assertThat(((PoolExecutor) factory.create("cpu", PluginOptions.none())).maxWorkers())
        .isEqualTo(cores);
  }

  @Test
  void errorsNameTheOptionAsTheUserWroteIt() {
    assertThatThrownBy(
            () ->
                factory.create(
                    "cpu", PluginOptions.of(Map.of("per_core", "0"), "asyncz.executors.work.")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("Invalid asyncz.executors.work.per_core: \"0\" is not 1 or more");
  }
}
