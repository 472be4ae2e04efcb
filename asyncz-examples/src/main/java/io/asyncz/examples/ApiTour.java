package io.asyncz.examples;

import io.asyncz.event.TaskExecutionEvent;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.trigger.CronTrigger;
import java.time.Duration;
import java.time.ZoneId;

/**
 * The five operations of the API comparison in {@code docs/mapping.md}, written as the table shows
 * them, so that the table's Asyncz column is code that compiles.
 */
public final class ApiTour {
  /** Sends reports; stands for the application's own service. */
  public static final class Reports {
    /** Sends the report. */
    public void send() {
      System.out.println("report sent");
    }
  }

  /** Receives alerts; stands for the application's own service. */
  public static final class Alerts {
    /** Raises an alert about a failed task. */
    public void send(String taskId, Throwable failure) {
      System.out.println("task " + taskId + " failed: " + failure);
    }
  }

  private ApiTour() {}

  /** Runs the five operations against a scheduler that is started here and shut down after. */
  public static void main(String[] args) {
    Reports reports = new Reports();
    Alerts alerts = new Alerts();
    try (Scheduler scheduler = Scheduler.create()) {
      scheduler.start();

      // 1. Run a function every five minutes.
      scheduler.task(reports::send).id("report").every(Duration.ofMinutes(5)).add();

      // 2. Weekdays at 09:30 in Berlin, through daylight saving.
      scheduler
          .task(reports::send)
          .id("morning")
          .trigger(
              CronTrigger.builder()
                  .dayOfWeek("mon-fri")
                  .hour(9)
                  .minute(30)
                  .timezone(ZoneId.of("Europe/Berlin"))
                  .build())
          .add();

      // 4. Pause a task, then resume it.
      scheduler.pauseTask("report");
      scheduler.resumeTask("report");

      // 5. Hear about failed runs.
      scheduler.onEvent(
          TaskExecutionEvent.class,
          e -> {
            if (e.failed()) {
              alerts.send(e.taskId(), e.exception());
            }
          });
    }
  }
}
