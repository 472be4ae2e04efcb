package io.asyncz.store;

import io.asyncz.task.Task;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A store that several scheduler processes can share in cluster mode ({@code cluster.enabled}):
 * each scheduled run time of each task is claimed by exactly one node. A scheduler uses these
 * methods instead of {@link TaskStore#dueTasks} and {@link TaskStore#advanceTasks} only when
 * cluster mode is on; a store that does not implement this interface keeps the single-node path.
 *
 * <p>An implementation must guarantee: a task is claimed by one node at a time (the database's own
 * row lock, script or versioned update, never a coordinator of its own); the claim, the task's new
 * next run time and the records of the runs in flight commit together or not at all; records of
 * runs in flight are kept until {@link #runsEnded} or until a live node takes them over from a
 * stale one; the cluster's records carry a format version, and a node refuses records of a newer
 * format than it knows with a message that says so.
 */
public interface ClusteredStore {

  /**
   * Joins the cluster as {@code node}: creates the cluster's records where missing, checks their
   * format version and registers the node's heartbeat record.
   *
   * @throws io.asyncz.InvalidInputException when this store's backend cannot be clustered
   * @throws IllegalStateException when the cluster's records have a newer format than this version
   *     reads
   */
  void joinCluster(Node node);

  /** Removes the node's heartbeat record; its runs in flight stay for a live node to resolve. */
  void leaveCluster(String nodeId);

  /**
   * Records a heartbeat of {@code nodeId} (written with the store's clock).
   *
   * @return the store's clock when it took the heartbeat, so that the node can measure its offset
   */
  Instant heartbeat(String nodeId, int runsInFlight);

  /**
   * Claims up to {@code limit} tasks due at or before {@code dueBy} that no other node holds, asks
   * {@code planner} what to do with each, and commits in one transaction: the new next run times,
   * the removal of finished tasks and a record of each run handed out, under {@code nodeId}.
   *
   * @return the claims, earliest first; the caller hands their runs to executors only after this
   *     returns
   */
  List<Claim> claimDue(String nodeId, Instant dueBy, int limit, Planner planner);

  /** Deletes the records of runs in flight that ended (ran, failed, were missed or dropped). */
  void runsEnded(String nodeId, List<RunKey> runs);

  /**
   * Takes over the runs in flight of the nodes whose heartbeat, on the store's clock, is older than
   * {@code staleAfter} (or that left the cluster): in one transaction, runs {@code rerun} accepts
   * are recorded again under {@code nodeId} and the others are deleted, and the stale nodes'
   * heartbeat records are removed.
   *
   * @return the runs taken over, with what was decided for each
   */
  List<InFlight> takeOverStaleRuns(String nodeId, Duration staleAfter, RerunPolicy rerun);

  /**
   * Asks the store to call {@code changed} when another node adds or changes tasks, if it can be
   * told (PostgreSQL {@code LISTEN/NOTIFY}); a store that cannot is polled every {@code
   * cluster.poll_interval}, which is the default.
   */
  default void onChange(Runnable changed) {}

  /** The nodes with a heartbeat record, as the store's clock sees them now. */
  List<Member> members();

  /**
   * A scheduler process in the cluster.
   *
   * @param id its identity, unique in the cluster
   * @param host its host name
   * @param pid its process id
   * @param startedAt when it joined
   * @param version the Asyncz version it runs
   */
  record Node(String id, String host, long pid, Instant startedAt, String version) {
    /** Checks the fields. */
    public Node {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(startedAt, "startedAt");
      Objects.requireNonNull(version, "version");
    }
  }

  /**
   * A node as its heartbeat record says.
   *
   * @param id its identity
   * @param host its host name
   * @param pid its process id
   * @param startedAt when it joined
   * @param lastSeen its last heartbeat, on the store's clock
   * @param heartbeatAge how long ago that was, on the store's clock
   * @param runsInFlight how many runs it had in flight at its last heartbeat
   * @param version the Asyncz version it runs
   */
  record Member(
      String id,
      String host,
      long pid,
      Instant startedAt,
      Instant lastSeen,
      Duration heartbeatAge,
      int runsInFlight,
      String version) {}

  /** One scheduled run time of one task. */
  record RunKey(String taskId, Instant runTime) {}

  /**
   * A run in flight taken over from a stale node.
   *
   * @param taskId the task's id
   * @param runTime its scheduled run time
   * @param nodeId the stale node that held it
   * @param task the task as it was when the run was claimed, or {@code null} when that record
   *     cannot be read
   * @param rerun whether it was recorded again under the taking node, to be run again
   */
  record InFlight(String taskId, Instant runTime, String nodeId, Task task, boolean rerun) {}

  /** Decides which runs of a stale node are run again. */
  @FunctionalInterface
  interface RerunPolicy {
    /** Whether the run of {@code task} (null when unreadable) is run again. */
    boolean rerun(Task task);
  }

  /** Decides, inside the claim's transaction, what happens to a claimed task. */
  @FunctionalInterface
  interface Planner {
    /**
     * The decision for {@code task}.
     *
     * @param runsInFlight how many submissions of this task (each one instance, whatever its run
     *     times) are in flight on any node
     */
    Decision plan(Task task, int runsInFlight);
  }

  /**
   * What the claim of one task writes.
   *
   * @param next the task with its new next run time, or {@code null} to delete it (finished)
   * @param runTimes the run times handed out, recorded as in flight; empty for none
   * @param keep whether the task is left as it is (nothing written, nothing handed out)
   */
  record Decision(Task next, List<Instant> runTimes, boolean keep) {
    /** Copies the list. */
    public Decision {
      runTimes = List.copyOf(runTimes);
    }

    /** Leaves the task as stored. */
    public static Decision leave() {
      return new Decision(null, List.of(), true);
    }
  }

  /**
   * A claimed task and what was committed for it.
   *
   * @param task the task as read
   * @param decision what was written
   */
  record Claim(Task task, Decision decision) {}
}
