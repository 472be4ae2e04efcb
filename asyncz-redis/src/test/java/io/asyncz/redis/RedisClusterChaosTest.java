package io.asyncz.redis;

import io.asyncz.jdbc.PostgresServer;
import io.asyncz.scheduler.ClusterSettings.NodeFailurePolicy;
import io.asyncz.testkit.ClusterChaosContract;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Three scheduler processes on one Redis, killed with SIGKILL in turn, keep every run. The runs'
 * execution records go to an embedded PostgreSQL beside it, which the checker reads: the journal is
 * a JDBC table whatever the store under test.
 */
class RedisClusterChaosTest extends ClusterChaosContract {
  private static EmbeddedRedis redis;
  private static PostgresServer journal;

  @BeforeAll
  static void startServers() throws Exception {
    redis = EmbeddedRedis.start();
    journal = PostgresServer.start();
  }

  @AfterAll
  static void stopServers() throws Exception {
    if (journal != null) {
      journal.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  @Override
  protected String storeAlias() {
    return "redis";
  }

  @Override
  protected Map<String, String> storeOptions(NodeFailurePolicy policy) {
    String prefix = "chaos_" + policy.label();
    return Map.of(
        "host",
        "127.0.0.1",
        "port",
        String.valueOf(redis.port()),
        "tasks_key",
        prefix + ".tasks",
        "run_times_key",
        prefix + ".run_times");
  }

  @Override
  protected String journalUrl() {
    return journal.url("postgres");
  }
}
