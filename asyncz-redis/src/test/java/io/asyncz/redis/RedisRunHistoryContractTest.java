package io.asyncz.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.history.RunHistory;
import io.asyncz.history.RunQuery;
import io.asyncz.history.RunRecord;
import io.asyncz.history.RunStatus;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.TaskStore;
import io.asyncz.testkit.RunHistoryContract;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/** The Redis store's run history passes the run history contract, against a real Redis server. */
class RedisRunHistoryContractTest extends RunHistoryContract {
  private static EmbeddedRedis server;
  private static JedisPooled client;

  @BeforeAll
  static void startServer() throws Exception {
    server = EmbeddedRedis.start();
    client = server.client();
  }

  @AfterAll
  static void stopServer() throws Exception {
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

  @Override
  protected TaskStore createStore() {
    client.flushAll();
    return RedisStore.connect(
        "127.0.0.1", server.port(), 0, null, "h.tasks", "h.run_times", TaskRecords.plain());
  }

  @Test
  void aRunRecordThatCannotBeReadIsSkippedAndKept() {
    RunHistory history = open(ROOMY, clock());
    RunRecord good = run("a", T0, RunStatus.SUCCEEDED);
    RunRecord bad = run("a", T0.plusSeconds(1), RunStatus.SUCCEEDED);
    history.saveAll(List.of(good, bad));
    client.hset("h.tasks.runs", bad.runId(), "{not json");

    assertThat(history.query(RunQuery.ALL).runs()).containsExactly(good);
    assertThat(history.find(bad.runId())).isEmpty();
    assertThat(client.hget("h.tasks.runs", bad.runId())).isEqualTo("{not json");
  }
}
