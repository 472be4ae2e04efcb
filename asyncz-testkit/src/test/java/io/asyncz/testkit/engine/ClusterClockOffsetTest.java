package io.asyncz.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.scheduler.ClusterSettings;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.store.ClusteredStore;
import io.asyncz.store.MemoryStore;
import io.asyncz.testkit.ForwardingStore;
import io.asyncz.testkit.ManualScheduler;
import io.asyncz.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A node in cluster mode judges what is due on the store's clock, through the offset its heartbeat
 * measures. The store may read its clock anywhere in the heartbeat's round trip; a node that took
 * the middle of the round trip as the moment of that reading asked, when the store read it at the
 * end, for runs up to half a round trip ahead of the store's time (a run started early). Here the
 * store reads its clock at the very end of a slow heartbeat, ahead of, level with or behind the
 * node's clock, and the node must never ask for runs due after the store's now.
 */
class ClusterClockOffsetTest {
  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
  private static final Duration ROUND_TRIP = Duration.ofMillis(400);

  /**
   * A memory store in cluster mode whose heartbeat takes {@link #ROUND_TRIP} on the node's clock
   * and answers with the store's clock (the node's plus {@code skew}) as at the round trip's end.
   * It claims nothing, and notes each claim's due limit beside the store's time when it was asked.
   */
  private static final class SlowHeartbeatStore extends ForwardingStore implements ClusteredStore {
    private final MutableClock nodeClock;
    private final Duration skew;
    private final List<Instant[]> claims = new CopyOnWriteArrayList<>();

    SlowHeartbeatStore(MutableClock nodeClock, Duration skew) {
      super(new MemoryStore());
      this.nodeClock = nodeClock;
      this.skew = skew;
    }

    private Instant storeNow() {
      return nodeClock.instant().plus(skew);
    }

    @Override
    public void joinCluster(Node node) {}

    @Override
    public void leaveCluster(String nodeId) {}

    @Override
    public Instant heartbeat(String nodeId, int runsInFlight) {
      nodeClock.advance(ROUND_TRIP);
      return storeNow();
    }

    @Override
    public List<Claim> claimDue(String nodeId, Instant dueBy, int limit, Planner planner) {
      claims.add(new Instant[] {dueBy, storeNow()});
      return List.of();
    }

    @Override
    public void runsEnded(String nodeId, List<RunKey> runs) {}

    @Override
    public List<InFlight> takeOverStaleRuns(String nodeId, Duration staleAfter, RerunPolicy rerun) {
      return List.of();
    }

    @Override
    public List<Member> members() {
      return List.of();
    }
  }

  @ParameterizedTest(name = "store clock {0} s from the node''s")
  @ValueSource(ints = {0, 5, -5})
  void aStoreThatReadsItsClockAtTheEndOfASlowHeartbeatIsNeverAskedForRunsAheadOfIt(int skew) {
    MutableClock clock = MutableClock.at(T0, ZoneOffset.UTC);
    SlowHeartbeatStore store = new SlowHeartbeatStore(clock, Duration.ofSeconds(skew));
    ManualScheduler scheduler =
        ManualScheduler.with(
            Scheduler.builder()
                .store("default", store)
                // The heartbeat of the first round only: the next would come in an hour.
                .cluster(ClusterSettings.DEFAULTS.withHeartbeatInterval(Duration.ofHours(1))),
            clock);
    scheduler.start();
    try {
      scheduler.runDue();
      clock.advance(Duration.ofSeconds(1));
      scheduler.runDue();

      assertThat(store.claims).hasSizeGreaterThanOrEqualTo(2);
      for (Instant[] claim : store.claims) {
        assertThat(claim[0]).as("the due limit of a claim").isBeforeOrEqualTo(claim[1]);
        // Not held back by more than the round trip either: the runs due are asked for.
        assertThat(claim[0]).isAfterOrEqualTo(claim[1].minus(ROUND_TRIP));
      }
    } finally {
      scheduler.shutdown(false);
    }
  }
}
