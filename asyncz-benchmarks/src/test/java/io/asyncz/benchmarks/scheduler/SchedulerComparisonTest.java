package io.asyncz.benchmarks.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.benchmarks.scheduler.SchedulerComparison.Settings;
import io.asyncz.task.Task;
import io.asyncz.trigger.CronTrigger;
import io.asyncz.trigger.DateTrigger;
import io.asyncz.trigger.IntervalTrigger;
import io.asyncz.trigger.Trigger;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The scheduler comparison's pieces at a tiny size: its settings, the user-path contenders (each
 * task its own lambda, under an id the library made), and every user-path scenario run end to end.
 */
class SchedulerComparisonTest {

  @Test
  void settingsDefaultToTheIssuesSizes() {
    Settings s = Settings.parse(key -> null);
    assertThat(s.reps()).isEqualTo(5);
    assertThat(s.drainTasks()).isEqualTo(200_000);
    assertThat(s.lateTasks()).isEqualTo(2_000);
    assertThat(s.lateWindowMs()).isEqualTo(10_000);
    assertThat(s.memTasks()).isEqualTo(1_000_000);
    assertThat(s.startSizes()).containsExactly(25_000, 50_000, 100_000);
    assertThat(s.scenarios())
        .containsExactlyInAnyOrder(
            "drain", "late", "mem", "user-drain", "user-late", "user-mem", "before-start");
    assertThat(s.contenders())
        .containsExactly(
            "jdk", "spring", "quartz", "asyncz", "asyncz-addall", "asyncz-cron", "asyncz-interval");
  }

  @Test
  void theHarnessPathRunsTheFourLibrariesOnly() {
    Settings s = Settings.parse(Map.of("contenders", "asyncz-cron, quartz, asyncz")::get);
    assertThat(SchedulerComparison.harnessContenders(s.contenders()))
        .extracting(Contender::name)
        .containsExactly("Quartz RAM", "Asyncz");
    assertThat(s.contenders().stream().map(UserPaths::of).map(UserPathContender::name))
        .containsExactly("Asyncz cron", "Quartz RAM", "Asyncz");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-1", "many", ""})
  void aBadNumberIsRefusedWithItsName(String value) {
    assertThatThrownBy(() -> Settings.parse(Map.of("start.sizes", "100," + value)::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("start.sizes")
        .hasMessageContaining("\"" + value + "\"");
  }

  @Test
  void anUnknownScenarioIsRefusedWithTheKnownOnes() {
    assertThatThrownBy(() -> Settings.parse(Map.of("scenarios", "mem,user-memory")::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"user-memory\"")
        .hasMessageContaining("before-start");
  }

  @ParameterizedTest
  @EnumSource(UserPaths.Asyncz.Form.class)
  void eachAsynczTaskRunsItsOwnLambdaUnderAGeneratedId(UserPaths.Asyncz.Form form)
      throws Exception {
    UserPaths.Asyncz asyncz = new UserPaths.Asyncz(form);
    asyncz.start();
    try {
      long[] offsets = UserPathComparison.offsetsWithinADay(50, 7);
      Instant base = Instant.now();
      List<Integer> handled = new ArrayList<>();
      asyncz.addAllAt(offsets.length, i -> base.plusMillis(offsets[i]), handled::add);

      List<Task> tasks = asyncz.scheduler().getTasks();
      assertThat(tasks).hasSize(50);
      assertThat(tasks.stream().map(Task::id).distinct()).hasSize(50);
      Class<? extends Trigger> kind =
          form == UserPaths.Asyncz.Form.CRON
              ? CronTrigger.class
              : form == UserPaths.Asyncz.Form.INTERVAL ? IntervalTrigger.class : DateTrigger.class;
      for (Task task : tasks) {
        assertThat(task.trigger()).isInstanceOf(kind);
        assertThat(task.nextRunTime())
            .hasValueSatisfying(
                t -> assertThat(t).isBetween(base, base.plus(Duration.ofDays(1).plusMinutes(1))));
        task.function().invoke(task.args(), task.kwargs());
      }
      // Each task called handle with its own index: no wrapper is shared between tasks.
      assertThat(handled.stream().sorted().collect(Collectors.toList()))
          .isEqualTo(java.util.stream.IntStream.range(0, 50).boxed().collect(Collectors.toList()));
    } finally {
      asyncz.stop();
    }
  }

  @Test
  void everyUserPathScenarioRunsAndPrintsItsGoals() throws Exception {
    Settings s =
        Settings.parse(
            Map.of(
                    "reps", "1",
                    "warmup.tasks", "20",
                    "drain.tasks", "200",
                    "late.tasks", "20",
                    "late.window.ms", "100",
                    "mem.tasks", "1000",
                    "mem.gc.samples", "1",
                    "start.sizes", "200,100",
                    "scenarios", "user-mem,before-start,user-drain,user-late")
                ::get);
    UserPathComparison comparison =
        new UserPathComparison(
            s, s.contenders().stream().map(UserPaths::of).collect(Collectors.toList()));
    String printed = printed(() -> comparison.run());

    assertThat(comparison.drain.keySet())
        .containsExactly("JDK STPE", "Spring TPTS", "Quartz RAM", "Asyncz", "Asyncz addAll");
    assertThat(comparison.late.keySet())
        .containsExactly("JDK STPE", "Spring TPTS", "Quartz RAM", "Asyncz");
    assertThat(comparison.memory.keySet())
        .containsExactly(
            "JDK STPE",
            "Spring TPTS",
            "Quartz RAM",
            "Asyncz",
            "Asyncz addAll",
            "Asyncz cron",
            "Asyncz interval");
    assertThat(comparison.beforeStart.keySet())
        .containsExactly("Asyncz, 100 tasks", "Asyncz, 200 tasks");
    // Every drain finished (exec/s is NaN when runs are left after 120 s) and every probe ran.
    comparison.drain.values().forEach(m -> assertThat(m.get("exec/s").get(0)).isPositive());
    comparison.late.values().forEach(m -> assertThat(m.get("missing")).containsExactly(0.0));
    assertThat(printed).contains("load average");

    String tables = printed(() -> comparison.print(4));
    assertThat(tables)
        .contains("### 4. User path: 1,000 tasks due within a day")
        .contains("### 5. Asyncz: tasks added before start()")
        .contains("### 6. User path: drain 200 tasks due now")
        .contains("### 7. User path: lateness of 20 tasks")
        .contains("Time per task at 200 / at 100 = ")
        .doesNotContain("n/a");
    assertThat(tables.lines().filter(l -> l.startsWith("Goal (")).count()).isEqualTo(10);
  }

  private interface Action {
    void run() throws Exception;
  }

  private static String printed(Action action) throws Exception {
    PrintStream out = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setOut(out);
    }
    return buffer.toString(StandardCharsets.UTF_8);
  }
}
