package io.asyncz.testkit;

import io.asyncz.scheduler.ClusterSettings.NodeFailurePolicy;
import io.asyncz.testkit.ChaosJournal.Entry;
import io.asyncz.testkit.ChaosJournal.Kind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks the journal of a chaos run against the tasks' triggers, the nodes killed and the stores:
 * no (task, scheduled time) ran twice unless its policy is {@code rerun} and every earlier run was
 * on a node that was killed; every scheduled time up to the cutoff ran, was missed or was reported
 * interrupted; a run cut by a kill is reported interrupted ({@code report}) or run again ({@code
 * rerun}); no run time outside the triggers' ran; no recurring task is gone from its store.
 */
final class ChaosChecker {

  /**
   * A task of the run.
   *
   * @param id its id
   * @param policy the policy of the scheduler it runs under
   * @param times its scheduled times, up to a while after the cutoff
   * @param recurring whether it stays in its store (an interval task)
   */
  record Planned(
      String id, NodeFailurePolicy policy, NavigableSet<Instant> times, boolean recurring) {}

  private record Key(String taskId, Instant runTime) implements Comparable<Key> {
    @Override
    public int compareTo(Key o) {
      int c = taskId.compareTo(o.taskId);
      return c != 0 ? c : runTime.compareTo(o.runTime);
    }

    @Override
    public String toString() {
      return taskId + " @ " + runTime;
    }
  }

  private final Map<String, Planned> tasks;
  private final Map<String, Instant> killed;
  private final Instant cutoff;

  /**
   * @param tasks the tasks by id
   * @param killed the node lives killed, with when each was killed
   * @param cutoff the end of the chaos: every scheduled time up to it must be accounted for
   */
  ChaosChecker(Map<String, Planned> tasks, Map<String, Instant> killed, Instant cutoff) {
    this.tasks = tasks;
    this.killed = killed;
    this.cutoff = cutoff;
  }

  /** The scheduled times up to the cutoff that nothing in the journal accounts for yet. */
  List<String> unaccounted(Collection<Entry> journal) {
    Map<Key, List<Entry>> byRun = byRun(journal);
    List<String> missing = new ArrayList<>();
    for (Planned task : tasks.values()) {
      for (Instant t : task.times().headSet(cutoff, true)) {
        List<Entry> entries = byRun.getOrDefault(new Key(task.id(), t), List.of());
        if (!accounted(task, entries)) {
          missing.add(new Key(task.id(), t) + " (" + describe(entries) + ")");
        }
      }
    }
    return missing;
  }

  /** Every offence, one per line, each with the records it is about; empty when all holds. */
  List<String> check(Collection<Entry> journal, Map<NodeFailurePolicy, Set<String>> stored) {
    List<String> offences = new ArrayList<>();
    Map<Key, List<Entry>> byRun = byRun(journal);
    for (Map.Entry<Key, List<Entry>> e : byRun.entrySet()) {
      Key key = e.getKey();
      List<Entry> entries = e.getValue();
      Planned task = tasks.get(key.taskId());
      if (task == null || !task.times().contains(key.runTime())) {
        offences.add(key + ": not a scheduled time of a task of the run: " + describe(entries));
        continue;
      }
      List<Entry> runs = of(entries, Kind.RUN);
      List<Entry> interrupted = of(entries, Kind.INTERRUPTED);
      if (runs.size() > 1) {
        if (task.policy() == NodeFailurePolicy.REPORT) {
          offences.add(key + ": ran " + runs.size() + " times under report: " + describe(entries));
        } else if (runs.subList(0, runs.size() - 1).stream()
            .anyMatch(r -> !killed.containsKey(r.life()))) {
          offences.add(
              key
                  + ": ran again under rerun after a run on a node that was not killed: "
                  + describe(entries));
        }
      }
      if (!interrupted.isEmpty()) {
        if (task.policy() == NodeFailurePolicy.RERUN) {
          offences.add(key + ": reported interrupted under rerun: " + describe(entries));
        } else if (interrupted.size() > 1) {
          offences.add(
              key
                  + ": reported interrupted "
                  + interrupted.size()
                  + " times: "
                  + describe(entries));
        } else if (runs.stream().anyMatch(r -> !killed.containsKey(r.life()))) {
          offences.add(
              key
                  + ": reported interrupted, but ran on a node that was not killed: "
                  + describe(entries));
        }
      }
      if (!key.runTime().isAfter(cutoff)) {
        for (Entry run : runs) {
          if (run.ended() != null) {
            continue;
          }
          if (!killed.containsKey(run.life())) {
            offences.add(
                key + ": a run on a node that was not killed never ended: " + describe(entries));
          } else if (task.policy() == NodeFailurePolicy.REPORT && interrupted.isEmpty()) {
            offences.add(
                key + ": cut by a kill and not reported interrupted: " + describe(entries));
          } else if (task.policy() == NodeFailurePolicy.RERUN
              && runs.indexOf(run) == runs.size() - 1
              && of(entries, Kind.MISSED).isEmpty()) {
            offences.add(key + ": cut by a kill and not run again: " + describe(entries));
          }
        }
      }
    }
    for (String missing : unaccounted(journal)) {
      offences.add(
          missing.replaceFirst(" \\(", ": never ran, was missed or reported interrupted ("));
    }
    for (Planned task : tasks.values()) {
      if (task.recurring() && !stored.getOrDefault(task.policy(), Set.of()).contains(task.id())) {
        offences.add(
            task.id() + ": gone from the store of the " + task.policy().label() + " tasks");
      }
    }
    return offences;
  }

  /** Whether the records of one scheduled time account for it. */
  private static boolean accounted(Planned task, List<Entry> entries) {
    if (task.policy() == NodeFailurePolicy.RERUN) {
      // At least once: a run that ended, or a time found missed.
      return entries.stream()
          .anyMatch(e -> (e.kind() == Kind.RUN && e.ended() != null) || e.kind() == Kind.MISSED);
    }
    // At most once: a run that ended, a time missed, or a run cut and reported interrupted.
    boolean interrupted = !of(entries, Kind.INTERRUPTED).isEmpty();
    return interrupted
        || entries.stream()
            .anyMatch(e -> (e.kind() == Kind.RUN && e.ended() != null) || e.kind() == Kind.MISSED);
  }

  private static Map<Key, List<Entry>> byRun(Collection<Entry> journal) {
    Map<Key, List<Entry>> byRun = new TreeMap<>();
    for (Entry e : journal) {
      byRun.computeIfAbsent(new Key(e.taskId(), e.runTime()), k -> new ArrayList<>()).add(e);
    }
    for (List<Entry> entries : byRun.values()) {
      entries.sort(Comparator.comparing(Entry::at).thenComparing(Entry::token));
    }
    return byRun;
  }

  private static List<Entry> of(List<Entry> entries, Kind kind) {
    return entries.stream().filter(e -> e.kind() == kind).toList();
  }

  private String describe(List<Entry> entries) {
    if (entries.isEmpty()) {
      return "no record";
    }
    List<String> parts = new ArrayList<>();
    for (Entry e : entries) {
      Instant death = killed.get(e.life());
      parts.add(
          e.describe() + (death == null ? "" : " (" + e.life() + " killed at " + death + ")"));
    }
    return String.join("; ", parts);
  }
}
