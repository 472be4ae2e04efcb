package io.asyncz.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.TaskTimeoutException;
import io.asyncz.event.Events;
import io.asyncz.event.TaskExecutionEvent;
import io.asyncz.executor.AbstractExecutor;
import io.asyncz.run.RunOutcome;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.task.Task;
import io.asyncz.testkit.ManualScheduler;
import io.asyncz.testkit.MutableClock;
import io.asyncz.trigger.DateTrigger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The seam of an executor whose function runs somewhere else than on the run's thread (the process
 * pool's): {@code invoke} calls it and starts the time limit when it begins, {@code stopTimedOut}
 * stops it and names the error, {@code traceback} gives its trace; the run loop does the rest.
 */
@Timeout(30)
class ExecutorSeamTest {
  private static final Instant T = Instant.parse("2026-01-15T10:00:00Z");

  /** Runs each run on a thread of its own, "remotely": a resource first, then the function. */
  static final class RemoteLikeExecutor extends AbstractExecutor {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch resource = new CountDownLatch(1);
    final CountDownLatch limitStarted = new CountDownLatch(1);
    final CountDownLatch stopped = new CountDownLatch(1);
    volatile Thread stoppedRunner;
    volatile Throwable secondStart;

    @Override
    protected void dispatch(Runnable work) {
      Thread runner = new Thread(work, "remote-like-run");
      runner.setDaemon(true);
      runner.start();
    }

    @Override
    protected Object invoke(Task task) throws Exception {
      entered.countDown();
      resource.await(); // a worker starting: not the function, not counted
      startTimeLimit(task.timeout().orElse(null));
      try {
        startTimeLimit(Duration.ofSeconds(1));
      } catch (IllegalStateException e) {
        secondStart = e;
      }
      limitStarted.countDown();
      stopped.await();
      throw new IllegalStateException("stopped remotely");
    }

    @Override
    protected TaskTimeoutException stopTimedOut(Task task, Duration limit, Thread runner) {
      stoppedRunner = runner;
      stopped.countDown();
      return new RemoteTimeout(task.id(), limit);
    }

    @Override
    protected String traceback(Throwable error) {
      return "remote trace: " + error.getMessage();
    }

    void startTimeLimitOutsideARun() {
      startTimeLimit(Duration.ofSeconds(1));
    }
  }

  /** The error a remote-like executor reports a timed-out run with. */
  static final class RemoteTimeout extends TaskTimeoutException {
    private static final long serialVersionUID = 1L;

    RemoteTimeout(String taskId, Duration timeout) {
      super("remote run of '" + taskId + "' ended after " + timeout, taskId, timeout);
    }
  }

  private final MutableClock clock = MutableClock.at(T);
  private final RemoteLikeExecutor executor = new RemoteLikeExecutor();
  private final ManualScheduler scheduler =
      ManualScheduler.with(Scheduler.builder().executor("default", executor), clock);
  private final EventLog log = new EventLog();
  private final List<RunOutcome> outcomes = new CopyOnWriteArrayList<>();

  ExecutorSeamTest() {
    scheduler.addListener(log);
    scheduler.observeRuns(run -> outcomes::add);
    scheduler.start();
  }

  @AfterEach
  void stop() {
    executor.resource.countDown();
    executor.stopped.countDown();
    if (scheduler.isRunning()) {
      scheduler.shutdown(Duration.ofSeconds(5));
    }
  }

  @Test
  void theTimeLimitCountsFromWhenInvokeStartsItAndTheExecutorStopsTheRun() throws Exception {
    scheduler
        .task(() -> "never called here")
        .id("remote")
        .trigger(DateTrigger.at(T.plusSeconds(60)))
        .timeout(Duration.ofMinutes(1))
        .add();
    scheduler.advance(Duration.ofSeconds(60));
    assertThat(executor.entered.await(10, TimeUnit.SECONDS)).isTrue();

    // Ten minutes waiting for the resource: the limit has not started, nothing times out.
    scheduler.advance(Duration.ofMinutes(10));
    assertThat(log.count(Events.TASK_TIMED_OUT)).isZero();

    executor.resource.countDown();
    assertThat(executor.limitStarted.await(10, TimeUnit.SECONDS)).isTrue();
    scheduler.advance(Duration.ofMinutes(1)); // the loop stops the run on this thread

    TaskExecutionEvent timedOut = log.executions(Events.TASK_TIMED_OUT).get(0);
    assertThat(timedOut.exception())
        .isInstanceOf(RemoteTimeout.class)
        .hasMessage("remote run of 'remote' ended after PT1M");
    assertThat(timedOut.traceback())
        .isEqualTo("remote trace: remote run of 'remote' ended after PT1M");
    assertThat(executor.stoppedRunner.getName()).isEqualTo("remote-like-run");
    assertThat(outcomes)
        .extracting(RunOutcome::status)
        .containsExactly(RunOutcome.Status.TIMED_OUT);
    assertThat(outcomes.get(0).error()).isSameAs(timedOut.exception());
    assertThat(executor.secondStart)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("once per run");

    scheduler.shutdown(Duration.ofSeconds(5)); // waits for the stopped run to return
    assertThat(executor.abandonedRuns()).isZero();
    assertThat(scheduler.runningInstances("remote")).isZero();
    assertThat(log.count(Events.TASK_ERROR)).isZero(); // reported once, as timed out
  }

  @Test
  void theTimeLimitCannotBeStartedOutsideARun() {
    assertThatThrownBy(executor::startTimeLimitOutsideARun)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("from the executor's own invoke()");
  }
}
