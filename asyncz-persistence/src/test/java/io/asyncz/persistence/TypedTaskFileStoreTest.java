package io.asyncz.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.InvalidInputException;
import io.asyncz.event.SchedulerEvent;
import io.asyncz.event.TaskQuarantinedEvent;
import io.asyncz.scheduler.Scheduler;
import io.asyncz.store.QuarantinedRecord;
import io.asyncz.task.TaskDefinition;
import io.asyncz.task.TaskRegistry;
import io.asyncz.testkit.ManualScheduler;
import io.asyncz.testkit.MutableClock;
import io.asyncz.trigger.DateTrigger;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Typed tasks through a real persistent store: the data a task definition stores in a file comes
 * back, component for component, in another scheduler that registers the definition, as another
 * process would; a scheduler without the definition quarantines the task and restores it once the
 * definition is registered.
 */
class TypedTaskFileStoreTest {
  private static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");
  private static final String NAME = "billing.everything";

  enum Priority {
    LOW,
    HIGH
  }

  record Line(String sku, int quantity, BigDecimal price) {}

  /** One component of every type a definition's data may hold. */
  record Everything(
      String text,
      boolean flag,
      Boolean boxedFlag,
      int i,
      Integer boxedI,
      long l,
      Long boxedL,
      short s,
      Short boxedS,
      byte b,
      Byte boxedB,
      double d,
      Double boxedD,
      float f,
      Float boxedF,
      char c,
      Character boxedC,
      BigDecimal decimal,
      BigInteger big,
      Priority priority,
      Instant instant,
      LocalDate date,
      LocalDateTime dateTime,
      LocalTime time,
      OffsetDateTime offsetDateTime,
      OffsetTime offsetTime,
      ZonedDateTime zoned,
      Duration duration,
      Period period,
      Year year,
      YearMonth yearMonth,
      MonthDay monthDay,
      ZoneId zone,
      ZoneOffset offset,
      UUID uuid,
      Line line,
      List<Line> lines,
      Set<String> tags,
      Collection<Integer> counts,
      Map<String, BigDecimal> prices,
      Map<String, List<LocalDate>> calendar,
      Optional<String> note,
      Optional<Line> noLine,
      String absent) {}

  static final Everything EVERYTHING =
      new Everything(
          "caf\u00e9 \uD83D\uDE00 \"quoted\"\n",
          true,
          false,
          -7,
          Integer.MAX_VALUE,
          Long.MIN_VALUE,
          9_007_199_254_740_993L,
          (short) -300,
          Short.MAX_VALUE,
          (byte) -128,
          (byte) 127,
          0.1,
          1e300,
          0.1f,
          -3.4e38f,
          'x',
          '\u00e9',
          new BigDecimal("2.50"),
          new BigInteger("123456789012345678901234567890"),
          Priority.HIGH,
          Instant.parse("2026-03-29T01:30:00.123456789Z"),
          LocalDate.of(2026, 2, 28),
          LocalDateTime.of(2026, 3, 29, 2, 30),
          LocalTime.of(23, 59, 59, 999),
          OffsetDateTime.parse("2026-10-25T02:30:00+02:00"),
          OffsetTime.parse("09:15:00-05:00"),
          ZonedDateTime.parse("2026-10-25T02:30:00+01:00[Europe/Berlin]"),
          Duration.ofMillis(90_061_001),
          Period.of(1, 2, 3),
          Year.of(2027),
          YearMonth.of(2026, 12),
          MonthDay.of(2, 29),
          ZoneId.of("America/New_York"),
          ZoneOffset.ofHoursMinutes(5, 30),
          UUID.fromString("123e4567-e89b-12d3-a456-426614174000"),
          new Line("A-1", 2, new BigDecimal("9.990")),
          List.of(new Line("B-2", 1, new BigDecimal("0.01")), new Line("C-3", 3, BigDecimal.TEN)),
          Set.of("urgent"),
          List.of(1, 2, 3),
          Map.of("eur", new BigDecimal("1.10")),
          Map.of("holidays", List.of(LocalDate.of(2026, 12, 25), LocalDate.of(2027, 1, 1))),
          Optional.of("call first"),
          Optional.empty(),
          null);

  @TempDir Path directory;

  private final MutableClock clock = MutableClock.at(T0, ZoneOffset.UTC);
  private final List<Everything> received = new CopyOnWriteArrayList<>();
  private final List<ManualScheduler> schedulers = new ArrayList<>();

  /** The definition as one process declares it; another process has its own, equal in name. */
  private TaskDefinition<Everything> definition() {
    return TaskDefinition.of(NAME, Everything.class, received::add);
  }

  private ManualScheduler scheduler(TaskRegistry registry) {
    ManualScheduler scheduler =
        ManualScheduler.with(
            Scheduler.builder()
                .registry(registry)
                .timezone(ZoneOffset.UTC)
                .store("db", new FileStore(directory)),
            clock);
    schedulers.add(scheduler);
    return scheduler;
  }

  @AfterEach
  void shutDown() {
    for (ManualScheduler scheduler : schedulers) {
      if (scheduler.isRunning()) {
        scheduler.shutdown(false);
      }
    }
  }

  /** Stores a task of the definition due at T0 + 1 min, from a scheduler that then stops. */
  private void storeFromAnotherProcess() {
    TaskDefinition<Everything> theirs = definition();
    ManualScheduler writer = scheduler(new TaskRegistry().register(theirs));
    writer.start();
    writer
        .task(theirs.name())
        .id("everything")
        .args(theirs.arguments(EVERYTHING))
        .trigger(DateTrigger.at(T0.plusSeconds(60)))
        .store("db")
        .add();
    writer.shutdown(false);
  }

  @Test
  void aTypedTaskStoredByOneSchedulerRunsInAnotherWithEveryComponentIntact() throws Exception {
    storeFromAnotherProcess();
    String stored = Files.readString(directory.resolve("everything.task"), StandardCharsets.UTF_8);

    ManualScheduler reader = scheduler(new TaskRegistry().register(definition()));
    reader.start();
    reader.advance(Duration.ofMinutes(1));

    assertThat(received).containsExactly(EVERYTHING);
    assertThat(stored)
        .contains("\"reference\":\"" + NAME + "\"")
        .contains("\"decimal\":\"2.50\"")
        .contains("\"zoned\":\"2026-10-25T02:30+01:00[Europe/Berlin]\"")
        .contains("\"line\":{\"sku\":\"A-1\",\"quantity\":2,\"price\":\"9.990\"}");
    assertThat(reader.quarantinedRecords()).isEmpty();
  }

  @Test
  void aTaskWhoseDefinitionIsNotRegisteredIsQuarantinedAndRestoredOnceItIs() {
    storeFromAnotherProcess();
    TaskRegistry registry = new TaskRegistry();
    ManualScheduler reader = scheduler(registry);
    List<SchedulerEvent> events = new CopyOnWriteArrayList<>();
    reader.addListener(events::add);
    reader.start();
    reader.advance(Duration.ofMinutes(1));

    assertThat(received).isEmpty();
    assertThat(reader.getTasks()).isEmpty();
    assertThat(events)
        .filteredOn(TaskQuarantinedEvent.class::isInstance)
        .map(TaskQuarantinedEvent.class::cast)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.taskId()).isEqualTo("everything");
              assertThat(e.reason()).isEqualTo("UNRESOLVABLE_REFERENCE");
              assertThat(e.detail()).contains(NAME);
            });

    registry.register(definition());
    reader.restoreQuarantined("everything", "db");
    reader.runDue();

    assertThat(received).containsExactly(EVERYTHING);
    assertThat(reader.quarantinedRecords()).isEmpty();
  }

  @Test
  void aLambdaForTheFileStoreIsRefusedWhenAddedNotWhenTheSchedulerStarts() {
    ManualScheduler scheduler = scheduler(new TaskRegistry());
    Runnable job = () -> {};

    assertThatThrownBy(() -> scheduler.task(job).id("lambda").store("db").add())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageEndingWith(
            "is a lambda or a function object, which cannot be stored in store 'db', which keeps"
                + " tasks outside this JVM; give it a name with TaskDefinition.of(\"...\","
                + " Data.class, ...) or use a registered reference (scheduler.task(\"name\"))");
    scheduler.start();
    assertThat(scheduler.isRunning()).isTrue();
    assertThat(scheduler.getTasks()).isEmpty();
  }

  @Test
  void aTypedTaskAddedBeforeStartIsCommittedToTheFileStoreAtStart() {
    ManualScheduler scheduler = scheduler(new TaskRegistry());
    scheduler
        .task(definition(), EVERYTHING)
        .id("everything")
        .trigger(DateTrigger.at(T0.plusSeconds(60)))
        .store("db")
        .add();

    scheduler.start();
    scheduler.advance(Duration.ofMinutes(1));

    assertThat(received).containsExactly(EVERYTHING);
    assertThat(directory.resolve("everything.task")).doesNotExist(); // a finished date task
  }

  /** The record as a later deployment declares it: a component renamed. */
  record Renamed(String number, BigDecimal total) {}

  record Original(String number, BigDecimal amount) {}

  @Test
  void storedDataThatNoLongerFitsTheRecordIsQuarantinedWithItsBytes() throws Exception {
    TaskDefinition<Original> before = TaskDefinition.of("billing.total", Original.class, o -> {});
    ManualScheduler writer = scheduler(new TaskRegistry().register(before));
    writer.start();
    writer
        .task(before.name())
        .id("total")
        .args(before.arguments(new Original("2026-001", new BigDecimal("120.00"))))
        .trigger(DateTrigger.at(T0.plusSeconds(60)))
        .store("db")
        .add();
    writer.shutdown(false);
    byte[] bytes = Files.readAllBytes(directory.resolve("total.task"));

    List<Renamed> renamed = new CopyOnWriteArrayList<>();
    ManualScheduler reader =
        scheduler(
            new TaskRegistry()
                .register(TaskDefinition.of("billing.total", Renamed.class, renamed::add)));
    reader.start();
    reader.advance(Duration.ofMinutes(1));

    assertThat(renamed).isEmpty();
    assertThat(reader.quarantinedRecords().get("db"))
        .singleElement()
        .satisfies(
            q -> {
              assertThat(q.taskId()).isEqualTo("total");
              assertThat(q.reason()).isEqualTo("MALFORMED");
              assertThat(q.detail())
                  .endsWith(
                      "Invalid data Renamed of task definition 'billing.total': \"amount\" is"
                          + " not a component of Renamed; its components are [number, total]");
              assertThat(q.raw()).isEqualTo(bytes);
            });
    assertThat(reader.quarantinedRecords().get("db"))
        .extracting(QuarantinedRecord::taskId)
        .containsExactly("total");
  }
}
