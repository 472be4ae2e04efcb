package io.asyncz.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A task's store and executor options are aliases and follow the alias rules. */
class TaskAliasTest {
  @ParameterizedTest
  @ValueSource(strings = {"default ", "a/b", "../x", "", "db.main"})
  void refusesAStoreOrExecutorOutsideTheAliasRules(String alias) {
    assertThatThrownBy(() -> Task.builder("t").storeAlias(alias))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("Invalid store: \"" + alias + "\" ")
        .hasMessageContaining("an alias is 1 to 64 ASCII letters");
    assertThatThrownBy(() -> Task.builder("t").executor(alias))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("Invalid executor: \"" + alias + "\" ");
  }

  @Test
  void acceptsAliasesInTheRules() {
    Task.Builder builder = Task.builder("t").storeAlias("archive-2").executor("io_pool");
    assertThat(builder).isNotNull();
  }
}
