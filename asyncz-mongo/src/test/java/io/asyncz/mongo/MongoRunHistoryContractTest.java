package io.asyncz.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.asyncz.history.RunHistory;
import io.asyncz.history.RunQuery;
import io.asyncz.history.RunRecord;
import io.asyncz.history.RunStatus;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.TaskStore;
import io.asyncz.testkit.RunHistoryContract;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Mongo store's run history passes the run history contract, through the official driver
 * against the mongo-java-server stand-in.
 */
class MongoRunHistoryContractTest extends RunHistoryContract {
  private static final java.util.concurrent.atomic.AtomicInteger DATABASES =
      new java.util.concurrent.atomic.AtomicInteger();

  private static StandInMongo server;
  private static MongoClient client;

  @BeforeAll
  static void startServer() throws Exception {
    server = StandInMongo.start();
    client = server.client();
  }

  @AfterAll
  static void stopServer() {
    try {
      if (client != null) {
        client.close();
      }
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  private String database;

  @Override
  protected TaskStore createStore() {
    // A database per test: the stand-in cannot drop one whose TTL index was asked for twice.
    database = "history" + DATABASES.incrementAndGet();
    return MongoStore.connect(server.uri(), database, "tasks", TaskRecords.plain());
  }

  @Test
  void aRunDocumentThatCannotBeReadIsSkippedAndKept() {
    RunHistory history = open(ROOMY, clock());
    RunRecord good = run("a", T0, RunStatus.SUCCEEDED);
    RunRecord bad = run("a", T0.plusSeconds(1), RunStatus.SUCCEEDED);
    history.saveAll(List.of(good, bad));
    var runs = client.getDatabase(database).getCollection("tasks_runs");
    runs.updateOne(Filters.eq("_id", bad.runId()), Updates.set("record", "{not json"));

    assertThat(history.query(RunQuery.ALL).runs()).containsExactly(good);
    assertThat(history.find(bad.runId())).isEmpty();
    Document kept = runs.find(Filters.eq("_id", bad.runId())).first();
    assertThat(kept.getString("record")).isEqualTo("{not json");
  }
}
