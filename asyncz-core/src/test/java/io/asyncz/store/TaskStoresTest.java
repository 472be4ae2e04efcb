package io.asyncz.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.InvalidInputException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TaskStoresTest {

  @Test
  void listsMemoryAndTheAliasesOfPluginsOnTheClassPath() {
    assertThat(TaskStores.aliases()).containsExactly("memory", "recording");
  }

  @Test
  void memoryCreatesANewEmptyMemoryStoreEachTime() {
    TaskStore a = TaskStores.create("memory", Map.of());
    assertThat(a).isInstanceOf(MemoryStore.class);
    assertThat(((MemoryStore) a).size()).isZero();
    assertThat(TaskStores.create("memory", Map.of())).isNotSameAs(a);
    assertThat(TaskStores.memory()).isInstanceOf(MemoryStore.class);
  }

  @Test
  void aPluginOnTheClassPathReceivesItsOptions() {
    TaskStore store = TaskStores.create("recording", Map.of("label", "audit"));
    assertThat(((RecordingStoreFactory.RecordingStore) store).label()).isEqualTo("audit");
  }

  @Test
  void memoryTakesNoOptions() {
    assertThatThrownBy(() -> TaskStores.create("memory", Map.of("path", "/tmp/x")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Invalid option: \"path\" is not an option of the memory store; it takes no options");
  }

  @Test
  void refusesAnUnknownAliasListingTheKnownOnes() {
    assertThatThrownBy(() -> TaskStores.create("memroy", Map.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Invalid store alias: \"memroy\" is not a known store; expected one of [memory,"
                + " recording]");
  }

  @ParameterizedTest(name = "{0} comes with {1}")
  @CsvSource({
    "file, asyncz-persistence",
    "jdbc, asyncz-jdbc",
    "sqlalchemy, asyncz-jdbc",
    "redis, asyncz-redis",
    "mongo, asyncz-mongo"
  })
  void theSeedsOtherStoresSayWhichModuleProvidesThem(String alias, String module) {
    assertThatThrownBy(() -> TaskStores.create(alias, Map.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(
            "\""
                + alias
                + "\" is provided by the "
                + module
                + " module (io.asyncz:"
                + module
                + ")");
  }
}
