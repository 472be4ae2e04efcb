package io.asyncz.jdbc.processes;

import io.asyncz.event.Events;
import io.asyncz.event.TaskExecutionEvent;
import io.asyncz.executor.PoolExecutor;
import io.asyncz.jdbc.JdbcStore;
import io.asyncz.persistence.FileStore;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.scheduler.ThreadScheduler;
import io.asyncz.store.TaskStore;
import io.asyncz.task.TaskRegistry;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One scheduler process of {@link LockPathProcessesTest}: runs the tasks of a shared store under
 * {@code lock_path}, writes {@code <task id> <scheduled run time> <event>} for every run it
 * executes, and exits once the store is empty and the last run time is past.
 *
 * <p>Arguments: {@code file|sqlite}, the store location, the lock path, the output file, the last
 * run time (ISO-8601).
 */
public final class LockPathWorker {
  /** The function every task of the test runs. */
  public static final String WORK = "lockpath.work";

  private LockPathWorker() {}

  /** The store the test and its processes share. */
  static TaskStore store(String kind, String location) {
    return switch (kind) {
      case "file" -> new FileStore(Path.of(location));
      case "sqlite" ->
          new JdbcStore("jdbc:sqlite:" + location, null, null, "tasks", TaskRecords.plain());
      default -> throw new IllegalArgumentException("store kind " + kind);
    };
  }

  static TaskRegistry registry() {
    return new TaskRegistry().register(WORK, (args, kwargs) -> null);
  }

  public static void main(String[] args) throws IOException {
    TaskStore store = store(args[0], args[1]);
    Instant lastRun = Instant.parse(args[4]);
    ThreadScheduler scheduler =
        Scheduler.builder()
            .registry(registry())
            .lockPath(args[2])
            .storeRetryInterval(Duration.ofMillis(20))
            .executor(Scheduler.DEFAULT, new PoolExecutor(4))
            .store(Scheduler.DEFAULT, store)
            .build();
    try (BufferedWriter out = Files.newBufferedWriter(Path.of(args[3]))) {
      scheduler.addListener(
          event -> {
            TaskExecutionEvent run = (TaskExecutionEvent) event;
            synchronized (out) {
              try {
                out.write(
                    run.taskId() + " " + run.scheduledRunTime() + " " + Events.name(run.code()));
                out.newLine();
                out.flush();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            }
          },
          Events.TASK_EXECUTED | Events.TASK_ERROR | Events.TASK_MISSED);
      scheduler.start();
      System.out.println("started");
      while (Instant.now().isBefore(lastRun.plusMillis(500)) || !scheduler.getTasks().isEmpty()) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      }
      scheduler.shutdown(true);
    }
    System.out.println("done");
  }
}
