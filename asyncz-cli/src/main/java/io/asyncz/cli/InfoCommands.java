package io.asyncz.cli;

import io.asyncz.TaskLookupException;
import io.asyncz.persistence.Encryption;
import io.asyncz.scheduler.SchedulerInfo;
import io.asyncz.scheduler.SchedulerInstanceInfo;
import io.asyncz.store.ClusteredStore;
import io.asyncz.store.QuarantinedRecord;
import io.asyncz.store.TaskStore;
import io.asyncz.task.Task;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The commands that describe the stores and the scheduler: version, status, doctor, ... */
final class InfoCommands {
  private InfoCommands() {}

  /** This build's version, from the resource Maven filters. */
  static String version() {
    Properties p = new Properties();
    try (InputStream in = InfoCommands.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      return "unknown";
    }
    return p.getProperty("version", "unknown");
  }

  /** {@code asyncz version}. */
  @Command(name = "version", description = "Print the version.", mixinStandardHelpOptions = true)
  static final class Version implements Callable<Integer>, CommandLine.IVersionProvider {
    private final Io io;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    Version(Io io) {
      this.io = io;
    }

    Version() {
      this.io = null;
    }

    @Override
    public String[] getVersion() {
      return new String[] {"asyncz " + version()};
    }

    @Override
    public Integer call() {
      if (json) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("version", version());
        body.put("java", System.getProperty("java.version"));
        new Output(io).json(body);
      } else {
        io.out()
            .println("asyncz " + version() + " (Java " + System.getProperty("java.version") + ")");
      }
      return CliException.OK;
    }
  }

  /** {@code asyncz status}. */
  @Command(
      name = "status",
      description = "Show the stores and how many tasks each holds.",
      mixinStandardHelpOptions = true)
  static final class Status extends TaskCommands.Base {
    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    Status(Io io) {
      super(io);
    }

    @Override
    int call(Session session) {
      SchedulerInfo info = session.scheduler().info();
      List<Map<String, Object>> stores = new ArrayList<>();
      for (Map.Entry<String, String> e : session.stores().entrySet()) {
        TaskStore store = session.scheduler().lookupStore(e.getKey());
        List<Task> tasks = store.allTasks();
        long paused = tasks.stream().filter(t -> t.nextRunTime().isEmpty()).count();
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("alias", e.getKey());
        s.put("url", e.getValue());
        s.put("persistent", store.persistent());
        s.put("tasks", tasks.size());
        s.put("scheduled", tasks.size() - paused);
        s.put("paused", paused);
        s.put("quarantined", store.quarantinedRecords().size());
        s.put("next_run_time", store.nextRunTime().map(Instant::toString).orElse(null));
        stores.add(s);
      }
      if (json) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("version", version());
        body.put("timezone", info.timezone().getId());
        body.put("executors", info.executors());
        body.put("stores", stores);
        out.json(body);
        return CliException.OK;
      }
      io.out().println("asyncz " + version() + ", zone " + info.timezone().getId());
      List<List<String>> rows = new ArrayList<>();
      for (Map<String, Object> s : stores) {
        rows.add(
            List.of(
                String.valueOf(s.get("alias")),
                String.valueOf(s.get("tasks")),
                String.valueOf(s.get("scheduled")),
                String.valueOf(s.get("paused")),
                String.valueOf(s.get("quarantined")),
                s.get("next_run_time") == null
                    ? "-"
                    : Output.time(Instant.parse((String) s.get("next_run_time")), info.timezone()),
                String.valueOf(s.get("url"))));
      }
      out.table(
          List.of("STORE", "TASKS", "SCHEDULED", "PAUSED", "QUARANTINED", "NEXT RUN", "URL"), rows);
      return CliException.OK;
    }
  }

  /** {@code asyncz instances}. */
  @Command(
      name = "instances",
      description =
          "List this process's scheduler and the nodes of the clustered stores, from their"
              + " heartbeat records (without joining the cluster).",
      mixinStandardHelpOptions = true)
  static final class Instances extends TaskCommands.Base {
    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    Instances(Io io) {
      super(io);
    }

    @Override
    int call(Session session) {
      List<SchedulerInstanceInfo> instances = session.scheduler().instances();
      Duration staleAfter = instances.get(0).staleAfter();
      Map<String, List<ClusterNode>> clusters = new LinkedHashMap<>();
      for (String alias : session.stores().keySet()) {
        List<ClusterNode> nodes = clusterNodes(session, alias, staleAfter);
        if (!nodes.isEmpty()) {
          clusters.put(alias, nodes);
        }
      }
      if (json) {
        List<Object> list = new ArrayList<>();
        for (SchedulerInstanceInfo i : instances) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("identity", i.identity());
          m.put("scope", i.scope());
          m.put("state", i.stateLabel());
          m.put("stale", i.stale());
          m.put("stores", i.stores());
          m.put("executors", i.executors());
          m.put("tasks", i.taskCount());
          list.add(m);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("instances", list);
        body.put("heartbeat_stale_after", Output.seconds(staleAfter));
        List<Object> nodes = new ArrayList<>();
        clusters.values().forEach(c -> c.forEach(n -> nodes.add(n.json())));
        body.put("cluster_nodes", nodes);
        out.json(body);
        return CliException.OK;
      }
      List<List<String>> rows = new ArrayList<>();
      for (SchedulerInstanceInfo i : instances) {
        rows.add(
            List.of(
                i.identity(),
                i.scope(),
                i.stateLabel(),
                String.join(",", i.stores()),
                String.valueOf(i.taskCount())));
      }
      out.table(List.of("IDENTITY", "SCOPE", "STATE", "STORES", "TASKS"), rows);
      ZoneId zone = session.scheduler().timezone();
      clusters.forEach(
          (alias, nodes) -> {
            io.out().println();
            io.out()
                .println(
                    "Cluster nodes of store '"
                        + alias
                        + "' (stale after "
                        + Output.duration(staleAfter)
                        + "):");
            List<List<String>> nodeRows = new ArrayList<>();
            for (ClusterNode n : nodes) {
              ClusteredStore.Member m = n.member();
              nodeRows.add(
                  List.of(
                      m.id(),
                      m.host(),
                      String.valueOf(m.pid()),
                      Output.time(m.startedAt(), zone),
                      Output.time(m.lastSeen(), zone),
                      Output.duration(n.age()),
                      String.valueOf(m.runsInFlight()),
                      m.version(),
                      out.state(n.state())));
            }
            out.table(
                List.of(
                    "NODE",
                    "HOST",
                    "PID",
                    "STARTED",
                    "LAST SEEN",
                    "HEARTBEAT AGE",
                    "IN FLIGHT",
                    "VERSION",
                    "STATE"),
                nodeRows,
                Set.of(0, 1, 7));
          });
      return CliException.OK;
    }

    /**
     * The nodes of a clustered store, read from its heartbeat records: empty for a store that is
     * not clustered or has no cluster records (never clustered), while a store that cannot be
     * reached at all fails the command. The heartbeat age is the store's, on the database's clock,
     * so a skewed clock on this machine does not shift it.
     */
    private List<ClusterNode> clusterNodes(Session session, String alias, Duration staleAfter) {
      TaskStore store = session.scheduler().lookupStore(alias);
      if (!(store instanceof ClusteredStore clustered)) {
        return List.of();
      }
      List<ClusteredStore.Member> members;
      try {
        members = clustered.members();
      } catch (RuntimeException e) {
        store.nextRunTime(); // unreachable: fails here, and the command with it
        return List.of(); // reachable, without cluster records
      }
      List<ClusterNode> nodes = new ArrayList<>();
      for (ClusteredStore.Member m : members) {
        Duration age = m.heartbeatAge();
        nodes.add(
            new ClusterNode(
                alias,
                m,
                age.isNegative() ? Duration.ZERO : age.truncatedTo(ChronoUnit.MILLIS),
                staleAfter));
      }
      return nodes;
    }
  }

  /** A node of a clustered store as {@code asyncz instances} shows it. */
  private record ClusterNode(
      String store, ClusteredStore.Member member, Duration age, Duration staleAfter) {
    String state() {
      return age.compareTo(staleAfter) > 0 ? "stale" : "active";
    }

    Map<String, Object> json() {
      Map<String, Object> n = new LinkedHashMap<>();
      n.put("store", store);
      n.put("node", member.id());
      n.put("host", member.host());
      n.put("pid", member.pid());
      n.put("started_at", member.startedAt().toString());
      n.put("last_seen", member.lastSeen().toString());
      n.put("heartbeat_age", Output.seconds(age));
      n.put("runs_in_flight", member.runsInFlight());
      n.put("version", member.version());
      n.put("state", state());
      return n;
    }
  }

  /** {@code asyncz doctor}. */
  @Command(
      name = "doctor",
      description =
          "Check the stores, the quarantine, the encryption key and the clock; the exit code says"
              + " healthy (0) or not (1).",
      mixinStandardHelpOptions = true)
  static final class Doctor extends TaskCommands.Base {
    @Option(names = "--strict", description = "Count warnings as problems.")
    boolean strict;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    Doctor(Io io) {
      super(io);
    }

    private static Map<String, Object> check(String name, String level, String detail) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("check", name);
      m.put("level", level);
      m.put("detail", detail);
      return m;
    }

    @Override
    int call(Session session) {
      List<Map<String, Object>> checks = new ArrayList<>();
      int undecryptable = 0;
      for (Map.Entry<String, String> e : session.stores().entrySet()) {
        String alias = e.getKey();
        try {
          TaskStore store = session.scheduler().lookupStore(alias);
          int count = store.allTasks().size();
          checks.add(
              check(
                  "store " + alias, "ok", "reachable, " + count + " tasks (" + e.getValue() + ")"));
          List<QuarantinedRecord> quarantined = store.quarantinedRecords();
          undecryptable +=
              (int) quarantined.stream().filter(r -> r.reason().equals("UNDECRYPTABLE")).count();
          checks.add(
              quarantined.isEmpty()
                  ? check("quarantine " + alias, "ok", "no quarantined records")
                  : check(
                      "quarantine " + alias,
                      "warning",
                      quarantined.size() + " quarantined records (see 'asyncz quarantine list')"));
        } catch (RuntimeException ex) {
          checks.add(check("store " + alias, "error", "unreachable: " + ex.getMessage()));
        }
      }
      String key = io.env().get(Encryption.KEY_VARIABLE);
      if (key == null) {
        checks.add(
            check(
                "encryption",
                "warning",
                Encryption.KEY_VARIABLE + " is not set: records are stored in clear"));
      } else {
        try {
          Encryption.fromEnvironment(io.env(), List.of());
          checks.add(
              undecryptable == 0
                  ? check("encryption", "ok", Encryption.KEY_VARIABLE + " is set and usable")
                  : check(
                      "encryption",
                      "error",
                      undecryptable
                          + " quarantined records cannot be decrypted with "
                          + Encryption.KEY_VARIABLE));
        } catch (RuntimeException e) {
          checks.add(check("encryption", "error", e.getMessage()));
        }
      }
      Instant now = io.clock().instant();
      checks.add(
          now.isBefore(Instant.parse("2024-01-01T00:00:00Z"))
              ? check("clock", "error", "the clock says " + now + ", before this build existed")
              : check("clock", "ok", "the clock says " + now));
      boolean errors = checks.stream().anyMatch(c -> c.get("level").equals("error"));
      boolean warnings = checks.stream().anyMatch(c -> c.get("level").equals("warning"));
      boolean healthy = !errors && !(strict && warnings);
      if (json) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("healthy", healthy);
        body.put("checks", checks);
        out.json(body);
      } else {
        List<List<String>> rows = new ArrayList<>();
        for (Map<String, Object> c : checks) {
          rows.add(
              List.of(
                  String.valueOf(c.get("level")),
                  String.valueOf(c.get("check")),
                  String.valueOf(c.get("detail"))));
        }
        out.table(List.of("LEVEL", "CHECK", "DETAIL"), rows);
        io.out().println(healthy ? "Healthy." : "Not healthy.");
      }
      return healthy ? CliException.OK : CliException.FAILURE;
    }
  }

  /** {@code asyncz quarantine}. */
  @Command(
      name = "quarantine",
      description = "List, restore or discard the records the stores could not read.",
      mixinStandardHelpOptions = true,
      subcommands = {QuarantineList.class, QuarantineRestore.class, QuarantineDiscard.class})
  static final class Quarantine implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "Missing subcommand: expected list, restore or discard");
    }
  }

  /** {@code asyncz quarantine list}. */
  @Command(
      name = "list",
      description = "List quarantined records.",
      mixinStandardHelpOptions = true)
  static final class QuarantineList extends TaskCommands.Base {
    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    QuarantineList(Io io) {
      super(io);
    }

    @Override
    int call(Session session) {
      List<Map<String, Object>> records = new ArrayList<>();
      session
          .scheduler()
          .quarantinedRecords()
          .forEach(
              (store, list) -> {
                if (session.target() != null && !session.target().equals(store)) {
                  return;
                }
                for (QuarantinedRecord r : list) {
                  Map<String, Object> m = new LinkedHashMap<>();
                  m.put("task_id", r.taskId());
                  m.put("store", store);
                  m.put("reason", r.reason());
                  m.put("detail", r.detail());
                  m.put("quarantined_at", r.quarantinedAt().toString());
                  m.put("size", r.raw().length);
                  records.add(m);
                }
              });
      if (json) {
        out.json(Map.of("records", records));
        return CliException.OK;
      }
      if (records.isEmpty()) {
        io.out().println("No quarantined records.");
        return CliException.OK;
      }
      List<List<String>> rows = new ArrayList<>();
      for (Map<String, Object> r : records) {
        rows.add(
            List.of(
                String.valueOf(r.get("task_id")),
                String.valueOf(r.get("store")),
                String.valueOf(r.get("reason")),
                String.valueOf(r.get("quarantined_at")),
                String.valueOf(r.get("detail"))));
      }
      out.table(List.of("TASK ID", "STORE", "REASON", "QUARANTINED AT", "DETAIL"), rows);
      return CliException.OK;
    }
  }

  /** {@code asyncz quarantine restore}. */
  @Command(
      name = "restore",
      description = "Read a quarantined record again and put its task back.",
      mixinStandardHelpOptions = true)
  static final class QuarantineRestore extends TaskCommands.Base {
    @Parameters(paramLabel = "TASK_ID")
    String id;

    QuarantineRestore(Io io) {
      super(io);
    }

    @Override
    boolean changesTasks() {
      return true;
    }

    @Override
    int call(Session session) {
      Task task = session.scheduler().restoreQuarantined(id, session.target());
      io.out().println("Restored task " + TaskCommands.summary(task.info(), zone(session)));
      return CliException.OK;
    }
  }

  /** {@code asyncz quarantine discard}. */
  @Command(
      name = "discard",
      description = "Delete a quarantined record for good (asks unless --yes).",
      mixinStandardHelpOptions = true)
  static final class QuarantineDiscard extends TaskCommands.Base {
    @Parameters(paramLabel = "TASK_ID")
    String id;

    @Option(
        names = {"-y", "--yes"},
        description = "Do not ask.")
    boolean yes;

    QuarantineDiscard(Io io) {
      super(io);
    }

    @Override
    int call(Session session) {
      boolean found =
          session.scheduler().quarantinedRecords().entrySet().stream()
              .filter(e -> session.target() == null || session.target().equals(e.getKey()))
              .anyMatch(e -> e.getValue().stream().anyMatch(r -> r.taskId().equals(id)));
      if (!found) {
        throw new TaskLookupException(id);
      }
      if (!TaskCommands.confirm(
          io, "Discard the quarantined record of task '" + id + "' for good?", yes)) {
        io.out().println("Kept the record of '" + id + "'");
        return CliException.FAILURE;
      }
      session.scheduler().discardQuarantined(id, session.target());
      io.out().println("Discarded the quarantined record of task '" + id + "'");
      return CliException.OK;
    }
  }
}
