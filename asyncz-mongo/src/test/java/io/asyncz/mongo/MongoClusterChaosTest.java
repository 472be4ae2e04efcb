package io.asyncz.mongo;

import io.asyncz.jdbc.PostgresServer;
import io.asyncz.scheduler.ClusterSettings.NodeFailurePolicy;
import io.asyncz.testkit.ClusterChaosContract;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Three scheduler processes on one MongoDB (the mongo-java-server stand-in of these tests, on a
 * loopback port), killed with SIGKILL in turn, keep every run. The runs' execution records go to an
 * embedded PostgreSQL beside it, which the checker reads. The stand-in is not a real server: this
 * checks the store's claims, leases and take-overs, not mongod's own concurrency or durability.
 */
class MongoClusterChaosTest extends ClusterChaosContract {
  private static StandInMongo mongo;
  private static PostgresServer journal;

  @BeforeAll
  static void startServers() throws Exception {
    mongo = StandInMongo.start();
    journal = PostgresServer.start();
  }

  @AfterAll
  static void stopServers() throws Exception {
    if (journal != null) {
      journal.close();
    }
    if (mongo != null) {
      mongo.close();
    }
  }

  @Override
  protected String storeAlias() {
    return "mongo";
  }

  @Override
  protected Map<String, String> storeOptions(NodeFailurePolicy policy) {
    return Map.of("uri", mongo.uri(), "database", "chaos", "collection", "tasks_" + policy.label());
  }

  @Override
  protected String journalUrl() {
    return journal.url("postgres");
  }
}
