package io.asyncz.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.asyncz.scheduler.Scheduler;
import io.asyncz.task.TaskDefaults;
import java.time.Duration;
import java.time.ZoneId;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/** The example application starts, reads application.yml, and runs its annotated tasks. */
@SpringBootTest(classes = SpringBootExample.class)
class SpringBootExampleTest {
  @Autowired Scheduler scheduler;
  @Autowired ReportJobs jobs;

  @Test
  void startsTheSchedulerFromApplicationYmlAndRunsTheAnnotatedTasks() throws Exception {
    assertThat(jobs.warmedUp().await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(scheduler.isRunning()).isTrue();
    assertThat(scheduler.timezone()).isEqualTo(ZoneId.of("UTC"));
    assertThat(scheduler.taskDefaults())
        .isEqualTo(new TaskDefaults(Duration.ofSeconds(60), true, 1));
    assertThat(scheduler.getTask("heartbeat")).isPresent();
    assertThat(scheduler.getTask("morning-report")).isPresent();
  }

  @Test
  void aTaskRunsTheBeanFunctionByReference() throws Exception {
    CountDownLatch ran = new CountDownLatch(1);
    scheduler.onEvent(
        io.asyncz.event.TaskExecutionEvent.class,
        e -> {
          if (e.taskId().equals("adhoc-report")) {
            ran.countDown();
          }
        });
    scheduler.task("bean:reportJobs.sendReport").id("adhoc-report").args("ad hoc").add();
    assertThat(ran.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(jobs.reportsSent()).isPositive();
  }
}
