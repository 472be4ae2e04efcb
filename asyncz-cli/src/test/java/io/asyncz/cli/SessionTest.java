package io.asyncz.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.jdbc.JdbcStore;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a command's session builds: one command's stores open no connection pool. */
class SessionTest {
  @TempDir Path dir;

  private Io io() {
    return new Io(
        new PrintWriter(new StringWriter()),
        new PrintWriter(new StringWriter()),
        new BufferedReader(new StringReader("")),
        Map.of(),
        false,
        Clock.systemUTC(),
        dir);
  }

  private JdbcStore store(String url, boolean service) {
    Common common = new Common();
    common.stores.add(url);
    try (Session session = Session.open(common, io(), service).start(false)) {
      return (JdbcStore) session.scheduler().lookupStore("default");
    }
  }

  @Test
  void aCommandOnASqliteFileOpensConnectionsWithoutAPool() {
    assertThat(store("jdbc:sqlite:t.db", false).pooled()).isFalse();
  }

  @Test
  void theEmbeddedDefaultStoreOfACommandHasNoPoolEither() {
    try (Session session = Session.open(new Common(), io()).start(false)) {
      assertThat(((JdbcStore) session.scheduler().lookupStore("default")).pooled()).isFalse();
    }
  }

  @Test
  void theServiceKeepsItsPool() {
    assertThat(store("jdbc:sqlite:t.db", true).pooled()).isTrue();
  }

  @Test
  void aDatabaseInMemoryKeepsItsPoolWhoseConnectionHoldsIt() {
    assertThat(store("jdbc:sqlite::memory:", false).pooled()).isTrue();
    assertThat(store("jdbc:h2:mem:tasks", false).pooled()).isTrue();
  }
}
