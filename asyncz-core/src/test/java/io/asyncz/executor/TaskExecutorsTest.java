package io.asyncz.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.InvalidInputException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TaskExecutorsTest {

  @Test
  void listsTheSeedsAliasesTheirShortFormsAndThoseOfPluginsOnTheClassPath() {
    assertThat(TaskExecutors.aliases())
        .containsExactly("async", "asyncio", "counting", "debug", "inline", "pool", "threadpool");
  }

  @ParameterizedTest(name = "{0} creates {1}")
  @CsvSource({
    "threadpool, PoolExecutor",
    "pool, PoolExecutor",
    "asyncio, AsyncExecutor",
    "async, AsyncExecutor",
    "debug, InlineExecutor",
    "inline, InlineExecutor",
    "counting, InlineExecutor"
  })
  void createsTheExecutorOfEachAlias(String alias, String type) {
    assertThat(TaskExecutors.create(alias, Map.of()).getClass().getSimpleName()).isEqualTo(type);
  }

  @Test
  void eachCallCreatesANewExecutor() {
    assertThat(TaskExecutors.create("pool", Map.of()))
        .isNotSameAs(TaskExecutors.create("pool", Map.of()));
  }

  @Test
  void poolHasTenWorkersByDefaultAsInTheSeed() {
    PoolExecutor pool = (PoolExecutor) TaskExecutors.create("threadpool", Map.of());
    assertThat(pool.maxWorkers()).isEqualTo(10);
  }

  @Test
  void poolReadsMaxWorkersTypedOrAsText() {
    assertThat(((PoolExecutor) TaskExecutors.create("pool", Map.of("max_workers", 4))).maxWorkers())
        .isEqualTo(4);
    assertThat(
            ((PoolExecutor) TaskExecutors.create("pool", Map.of("max_workers", " 7 ")))
                .maxWorkers())
        .isEqualTo(7);
  }

  @Test
  void refusesAMaxWorkersThatIsNotAPositiveWholeNumber() {
    assertThatThrownBy(() -> TaskExecutors.create("pool", Map.of("max_workers", "many")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("Invalid max_workers: \"many\" is not a whole number");
    assertThatThrownBy(() -> TaskExecutors.create("pool", Map.of("max_workers", 0)))
        .hasMessage("Invalid max_workers: 0 is not 1 or more");
  }

  @Test
  void refusesAnUnknownAliasListingTheKnownOnes() {
    assertThatThrownBy(() -> TaskExecutors.create("threadpol", Map.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Invalid executor alias: \"threadpol\" is not a known executor; expected one of"
                + " [async, asyncio, counting, debug, inline, pool, threadpool]");
  }

  @Test
  void processPoolNamesTheModuleThatProvidesItAndWhatToUseInstead() {
    for (String alias : List.of("processpool", "process_pool")) {
      String expected =
          "Invalid executor alias: \""
              + alias
              + "\" is provided by the asyncz-process module (io.asyncz:asyncz-process), which"
              + " is not on the class path; add it, or use one of [async, asyncio, counting,"
              + " debug, inline, pool, threadpool]";
      assertThatThrownBy(() -> TaskExecutors.create(alias, Map.of("max_workers", 2)))
          .isInstanceOf(InvalidInputException.class)
          .hasMessage(expected);
      assertThatThrownBy(() -> TaskExecutors.options(alias)).hasMessage(expected);
      assertThat(TaskExecutors.aliases()).doesNotContain(alias);
    }
  }

  @Test
  void refusesAnUnknownOptionListingTheAcceptedOnes() {
    assertThatThrownBy(() -> TaskExecutors.create("threadpool", Map.of("max_worker", 4)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Invalid option: \"max_worker\" is not an option of the threadpool executor; expected"
                + " one of [max_workers]");
    assertThatThrownBy(() -> TaskExecutors.create("debug", Map.of("max_workers", 4)))
        .hasMessage(
            "Invalid option: \"max_workers\" is not an option of the debug executor; it takes no"
                + " options");
  }

  @Test
  void namesTheOptionsOfAnAlias() {
    assertThat(TaskExecutors.options("threadpool")).containsExactly("max_workers");
    assertThat(TaskExecutors.options("asyncio")).isEmpty();
  }

  @Test
  void staticFactoriesCreateTheBuiltInExecutors() {
    assertThat(TaskExecutors.pool().maxWorkers()).isEqualTo(PoolExecutor.DEFAULT_MAX_WORKERS);
    assertThat(TaskExecutors.pool(3).maxWorkers()).isEqualTo(3);
    assertThat(TaskExecutors.virtualThreads()).isInstanceOf(AsyncExecutor.class);
    assertThat(TaskExecutors.inline()).isInstanceOf(InlineExecutor.class);
    assertThatThrownBy(() -> TaskExecutors.pool(0)).isInstanceOf(InvalidInputException.class);
  }
}
