package io.asyncz.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.history.RunHistory;
import io.asyncz.history.RunQuery;
import io.asyncz.history.RunRecord;
import io.asyncz.history.RunRetention;
import io.asyncz.history.RunStatus;
import io.asyncz.store.TaskStore;
import io.asyncz.testkit.RunHistoryContract;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file store's run history (a JSON-lines file per task) passes the run history contract. */
class FileRunHistoryContractTest extends RunHistoryContract {
  @TempDir Path directory;

  @Override
  protected TaskStore createStore() {
    return new FileStore(directory.resolve("store"));
  }

  private Path fileOf(String task) {
    return directory.resolve("store").resolve(FileRunHistory.DIRECTORY).resolve(task + ".jsonl");
  }

  @Test
  void compactsATasksFileToItsNewestRunsAndKeepsAnUnreadableLine() throws Exception {
    RunHistory three = open(new RunRetention(3, Duration.ofDays(30)), clock());
    three.save(run("a", T0, RunStatus.SUCCEEDED));
    Files.writeString(fileOf("a"), "{torn\n", StandardOpenOption.APPEND);
    List<RunRecord> saved = new ArrayList<>();
    for (int i = 1; i <= 9; i++) {
      RunRecord r = run("a", T0.plusSeconds(i), RunStatus.SUCCEEDED);
      saved.add(r);
      three.save(r);
    }

    assertThat(three.query(RunQuery.forTask("a", 50)).runs())
        .containsExactly(saved.get(8), saved.get(7), saved.get(6));
    List<String> lines = Files.readAllLines(fileOf("a"), StandardCharsets.UTF_8);
    assertThat(lines).contains("{torn").hasSizeLessThanOrEqualTo(7);
  }

  @Test
  void aRestartedStoreReadsTheHistoryItWrote() throws Exception {
    RunHistory history = open(ROOMY, clock());
    RunRecord r = run("a", T0, RunStatus.FAILED);
    history.save(r);

    FileStore again = new FileStore(directory.resolve("store"));
    again.start(
        new io.asyncz.testkit.TestStoreContext(clock(), io.asyncz.testkit.StoreContract.registry()),
        "x");
    assertThat(again.runHistory(ROOMY).orElseThrow().find(r.runId())).contains(r);
  }
}
