package io.asyncz.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.asyncz.InvalidInputException;
import io.asyncz.trigger.DateTrigger;
import java.io.File;
import java.math.BigDecimal;
import java.math.BigInteger;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A task definition turns its record into the task's one argument, a JSON object, and back when the
 * task runs; a type or a value that cannot be stored is refused, naming the component.
 */
class TaskDefinitionTest {
  enum Priority {
    LOW,
    HIGH {
      @Override
      public String toString() {
        return "high!";
      }
    }
  }

  record Line(String sku, int quantity, BigDecimal price) {}

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
          "caf\u00e9 \uD83D\uDE00",
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

  private static final String NAME = "test.everything";

  @Test
  void dataComesBackEqualFromItsJsonArgument() throws Exception {
    AtomicReference<Everything> received = new AtomicReference<>();
    TaskDefinition<Everything> definition =
        TaskDefinition.of(NAME, Everything.class, received::set);

    List<Object> args = definition.arguments(EVERYTHING);
    definition.function().invoke(args, Map.of());

    assertThat(received.get()).isEqualTo(EVERYTHING);
  }

  @Test
  void theArgumentIsOneJsonObjectOfPlainValues() {
    TaskDefinition<Everything> definition = TaskDefinition.of(NAME, Everything.class, e -> {});

    List<Object> args = definition.arguments(EVERYTHING);

    assertThat(args).singleElement().isInstanceOf(Map.class);
    @SuppressWarnings("unchecked")
    Map<String, Object> json = (Map<String, Object>) args.get(0);
    assertThat(json.keySet()).startsWith("text", "flag", "boxedFlag").endsWith("absent");
    assertThat(json)
        .containsEntry("decimal", "2.50")
        .containsEntry("big", new BigInteger("123456789012345678901234567890"))
        .containsEntry("priority", "HIGH")
        .containsEntry("f", 0.1)
        .containsEntry("c", "x")
        .containsEntry("zoned", "2026-10-25T02:30+01:00[Europe/Berlin]")
        .containsEntry("period", "P1Y2M3D")
        .containsEntry("line", Map.of("sku", "A-1", "quantity", 2, "price", "9.990"))
        .containsEntry("note", "call first")
        .containsEntry("noLine", null)
        .containsEntry("absent", null);
    assertThat(plainJson(json)).isTrue();
  }

  /** Whether a value is made only of what a JSON document holds. */
  private static boolean plainJson(Object value) {
    if (value == null
        || value instanceof String
        || value instanceof Boolean
        || value instanceof Number) {
      return !(value instanceof BigDecimal);
    }
    if (value instanceof Map<?, ?> map) {
      return map.keySet().stream().allMatch(String.class::isInstance)
          && map.values().stream().allMatch(TaskDefinitionTest::plainJson);
    }
    return value instanceof List<?> list && list.stream().allMatch(TaskDefinitionTest::plainJson);
  }

  record Node(String label, List<Node> children) {}

  @Test
  void aRecordMayHoldItselfThroughAList() throws Exception {
    AtomicReference<Node> received = new AtomicReference<>();
    TaskDefinition<Node> tree = TaskDefinition.of("test.tree", Node.class, received::set);
    Node root = new Node("root", List.of(new Node("leaf", List.of())));

    tree.function().invoke(tree.arguments(root), Map.of());

    assertThat(received.get()).isEqualTo(root);
  }

  @Test
  void aStructureNestedTooDeeplyIsRefusedNotOverflowed() {
    TaskDefinition<Node> tree = TaskDefinition.of("test.tree", Node.class, n -> {});
    Node deep = new Node("leaf", List.of());
    for (int i = 0; i < 100; i++) {
      deep = new Node("n" + i, List.of(deep));
    }
    Node tooDeep = deep;

    assertThatThrownBy(() -> tree.arguments(tooDeep))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith(
            "Invalid component Node.children[0].children[0].children[0].children[0]")
        .hasMessageContaining("is nested more than 64 levels deep");
  }

  // ------------------------------------------------------------------ the forms

  record Invoice(String number, BigDecimal amount) {}

  private static final Invoice INVOICE = new Invoice("2026-001", new BigDecimal("120.00"));

  @Test
  void aFunctionsResultIsTheRunsReturnValueAndACompletionStageIsReturnedAsIs() throws Exception {
    TaskDefinition<Invoice> total =
        TaskDefinition.ofFunction("test.total", Invoice.class, Invoice::amount);
    TaskDefinition<Invoice> async =
        TaskDefinition.ofFunction(
            "test.async", Invoice.class, i -> CompletableFuture.completedFuture(i.number()));

    assertThat(total.function().invoke(total.arguments(INVOICE), Map.of()))
        .isEqualTo(new BigDecimal("120.00"));
    assertThat(async.function().invoke(async.arguments(INVOICE), Map.of()))
        .isInstanceOfSatisfying(
            CompletableFuture.class, f -> assertThat(f.join()).isEqualTo("2026-001"));
  }

  @Test
  void aDefinitionWithoutDataTakesNoArguments() throws Exception {
    List<String> runs = new ArrayList<>();
    TaskDefinition<Void> cleanup = TaskDefinition.of("test.cleanup", () -> runs.add("cleanup"));
    TaskDefinition<Void> count = TaskDefinition.of("test.count", () -> 42);

    assertThat(cleanup.arguments(null)).isEmpty();
    cleanup.function().invoke(List.of(), Map.of());
    assertThat(runs).containsExactly("cleanup");
    assertThat(count.function().invoke(List.of(), Map.of())).isEqualTo(42);
    assertThat(cleanup.dataType()).isEqualTo(Void.class);
    assertThatThrownBy(() -> cleanup.function().checkArguments(List.of(1), Map.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Invalid args of a task of definition 'test.cleanup': [1] were given to a definition"
                + " without data");
  }

  @Test
  void theNameIsTheTasksReferenceAndItsDefaultName() {
    TaskDefinition<Invoice> remind = TaskDefinition.of("billing.remind", Invoice.class, i -> {});

    Task task =
        Task.builder("remind-1")
            .function(remind.function(), remind.name())
            .args(remind.arguments(INVOICE))
            .trigger(DateTrigger.at(Instant.parse("2026-02-01T09:00:00Z")))
            .build();

    assertThat(task.reference()).contains("billing.remind");
    assertThat(task.name()).isEqualTo("billing.remind");
    assertThat(remind.data(task)).isEqualTo(INVOICE);
    assertThat(remind).hasToString("TaskDefinition[billing.remind, Invoice]");
  }

  @Test
  void theDataOfATaskOfAnotherDefinitionIsRefused() {
    TaskDefinition<Invoice> remind = TaskDefinition.of("billing.remind", Invoice.class, i -> {});
    Task other =
        Task.builder("other")
            .function(TaskFunction.of(() -> {}), "jobs.other")
            .trigger(DateTrigger.at(Instant.parse("2026-02-01T09:00:00Z")))
            .build();

    assertThatThrownBy(() -> remind.data(other))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Invalid task 'other': \"jobs.other\" is not a task of definition 'billing.remind'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", " billing", "billing\n", "com.example.Jobs::send"})
  void aNameThatIsNoNameIsRefused(String name) {
    assertThatThrownBy(() -> TaskDefinition.of(name, () -> {}))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("Invalid task definition name: ")
        .hasMessageEndingWith(
            "is not a name; expected 1 to 191 characters of visible text without '::' (which is"
                + " for Class::method references), such as billing.remind");
  }

  // ------------------------------------------------------------------ types refused

  record WithFile(String name, File file) {}

  record WithArray(int[] numbers) {}

  record WithRawList(@SuppressWarnings("rawtypes") List items) {}

  record WithIntegerKeys(Map<Integer, String> byNumber) {}

  record WithObject(Object anything) {}

  record WithWildcard(List<? extends Number> numbers) {}

  record Generic<T>(T value) {}

  record WithGeneric(Generic<String> wrapped) {}

  record WithArrayList(java.util.ArrayList<String> items) {}

  record Address(String street, Object extra) {}

  record Customer(String name, List<Address> addresses) {}

  record Order(Customer customer) {}

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void define(Class<?> type) {
    TaskDefinition.of("test.bad", (Class) type, data -> {});
  }

  @Test
  void aComponentThatIsNoJsonValueIsRefusedNamingItAndItsType() {
    assertThatThrownBy(() -> define(WithFile.class))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith(
            "Invalid component WithFile.file of task definition 'test.bad': \"java.io.File\" is"
                + " not a type the data can hold; a component is a string, a number");
    assertThatThrownBy(() -> define(WithArray.class))
        .hasMessage(
            "Invalid component WithArray.numbers of task definition 'test.bad': \"int[]\" is an"
                + " array; use a List");
    assertThatThrownBy(() -> define(WithRawList.class))
        .hasMessage(
            "Invalid component WithRawList.items of task definition 'test.bad': \"java.util.List\""
                + " has no type arguments; say what it holds, e.g. List<String>");
    assertThatThrownBy(() -> define(WithIntegerKeys.class))
        .hasMessage(
            "Invalid component WithIntegerKeys.byNumber of task definition 'test.bad':"
                + " \"java.util.Map<java.lang.Integer, java.lang.String>\" has keys that are not"
                + " strings; JSON object keys are");
    assertThatThrownBy(() -> define(WithObject.class))
        .hasMessageStartingWith(
            "Invalid component WithObject.anything of task definition 'test.bad':"
                + " \"java.lang.Object\" is not a type the data can hold");
    assertThatThrownBy(() -> define(WithWildcard.class))
        .hasMessageStartingWith(
            "Invalid component WithWildcard.numbers[*] of task definition 'test.bad': \"? extends"
                + " java.lang.Number\" is not a type the data can hold");
    assertThatThrownBy(() -> define(WithGeneric.class))
        .hasMessage(
            "Invalid component WithGeneric.wrapped of task definition 'test.bad':"
                + " \"io.asyncz.task.TaskDefinitionTest$Generic<java.lang.String>\" is a generic"
                + " record; use a record whose components have fixed types");
    assertThatThrownBy(() -> define(WithArrayList.class))
        .hasMessage(
            "Invalid component WithArrayList.items of task definition 'test.bad':"
                + " \"java.util.ArrayList<java.lang.String>\" is a collection class; declare it as"
                + " List, Set or Map");
  }

  @Test
  void aNestedComponentIsNamedByItsPathFromTheData() {
    assertThatThrownBy(() -> define(Order.class))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith(
            "Invalid component Order.customer.addresses[*].extra of task definition 'test.bad':"
                + " \"java.lang.Object\" is not a type the data can hold");
  }

  @Test
  void dataThatIsNotARecordIsRefused() {
    assertThatThrownBy(() -> define(String.class))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith(
            "Invalid data type of task definition 'test.bad': \"java.lang.String\" is not a"
                + " record; expected a record whose components are JSON values");
  }

  // ------------------------------------------------------------------ values refused

  record Measure(String label, double value, List<String> tags) {}

  private final TaskDefinition<Measure> measure =
      TaskDefinition.of("test.measure", Measure.class, m -> {});

  @Test
  void aValueThatIsNoJsonValueIsRefusedWhenTheDataIsGiven() {
    assertThatThrownBy(() -> measure.arguments(new Measure("load", Double.NaN, List.of())))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Invalid component Measure.value of task definition 'test.measure': NaN is not a"
                + " finite number; JSON has no NaN or infinity");
    assertThatThrownBy(() -> measure.arguments(new Measure("x\uD800", 1, List.of())))
        .hasMessage(
            "Invalid component Measure.label of task definition 'test.measure': \"x\uD800\" has a"
                + " lone surrogate U+D800 at index 1, which UTF-8 cannot encode");
    assertThatThrownBy(() -> measure.arguments(null))
        .hasMessage(
            "Invalid data of task definition 'test.measure': null is missing; expected a"
                + " Measure");
  }

  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void aValueSlippedPastTheCompilerIsRefusedNamingItsPlace() {
    List polluted = new ArrayList<>(List.of("a"));
    polluted.add(7);

    assertThatThrownBy(() -> measure.arguments(new Measure("load", 1, polluted)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Invalid component Measure.tags[1] of task definition 'test.measure': 7 is"
                + " java.lang.Integer; expected java.lang.String");
  }

  // ------------------------------------------------------------------ stored data read back

  private static Map<String, Object> json(Object... pairs) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put((String) pairs[i], pairs[i + 1]);
    }
    return map;
  }

  @Test
  void storedDataThatDoesNotFitTheRecordIsRefusedNamingTheComponent() {
    TaskFunction function = measure.function();

    assertThatThrownBy(
            () ->
                function.checkArguments(
                    List.of(json("label", "x", "value", 1, "tags", List.of(), "unit", "kg")),
                    Map.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Invalid data Measure of task definition 'test.measure': \"unit\" is not a"
                + " component of Measure; its components are [label, value, tags]");
    assertThatThrownBy(() -> function.checkArguments(List.of(json("label", "x")), Map.of()))
        .hasMessage(
            "Invalid component Measure.value of task definition 'test.measure': null is missing;"
                + " expected double");
    assertThatThrownBy(() -> function.checkArguments(List.of(json("value", "heavy")), Map.of()))
        .hasMessage(
            "Invalid component Measure.value of task definition 'test.measure': \"heavy\" cannot"
                + " be read as double");
    assertThatThrownBy(
            () -> function.checkArguments(List.of(json("value", 1, "tags", "a")), Map.of()))
        .hasMessage(
            "Invalid component Measure.tags of task definition 'test.measure': \"a\" is not a JSON"
                + " array");
    assertThatThrownBy(() -> function.checkArguments(List.of("x"), Map.of()))
        .hasMessage(
            "Invalid data Measure of task definition 'test.measure': \"x\" is not a JSON"
                + " object; expected the components of Measure");
    assertThatThrownBy(() -> function.checkArguments(List.of(), Map.of()))
        .hasMessage(
            "Invalid args of a task of definition 'test.measure': [] are not one argument;"
                + " expected the data, a Measure as a JSON object");
    assertThatThrownBy(() -> function.checkArguments(List.of(), Map.of("label", "x")))
        .hasMessage(
            "Invalid kwargs of a task of definition 'test.measure': {label=x} were given; a task"
                + " definition takes its data as its one argument, not as kwargs");
  }

  @Test
  void aComponentMissingFromStoredDataReadsAsNullOrEmpty() throws Exception {
    record Later(String kept, Optional<String> added, List<String> addedList) {}
    AtomicReference<Later> received = new AtomicReference<>();
    TaskDefinition<Later> later = TaskDefinition.of("test.later", Later.class, received::set);

    later.function().invoke(List.of(json("kept", "yes")), Map.of());

    assertThat(received.get()).isEqualTo(new Later("yes", Optional.empty(), null));
  }

  record Positive(int value) {
    Positive {
      if (value <= 0) {
        throw new IllegalArgumentException("value must be positive");
      }
    }
  }

  @Test
  void whatTheRecordsConstructorRefusesIsRefusedWithItsMessage() {
    TaskDefinition<Positive> positive = TaskDefinition.of("test.positive", Positive.class, p -> {});

    assertThatThrownBy(
            () -> positive.function().checkArguments(List.of(json("value", -1)), Map.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Invalid data Positive of task definition 'test.positive': {value=-1} was"
                + " refused by the constructor of Positive: java.lang.IllegalArgumentException:"
                + " value must be positive");
  }

  // ------------------------------------------------------------------ the registry

  @Test
  void aRegisteredDefinitionResolvesByNameAndRegisteringItAgainDoesNothing() {
    TaskDefinition<Invoice> remind = TaskDefinition.of("billing.remind", Invoice.class, i -> {});
    TaskRegistry registry = new TaskRegistry().register(remind);

    registry.register(remind);

    assertThat(registry.resolve("billing.remind")).isSameAs(remind.function());
    assertThat(registry.nameOf(remind.function())).contains("billing.remind");
  }

  @Test
  void anotherDefinitionOrFunctionUnderATakenNameIsRefused() {
    TaskDefinition<Invoice> remind = TaskDefinition.of("billing.remind", Invoice.class, i -> {});
    TaskDefinition<Invoice> twin = TaskDefinition.of("billing.remind", Invoice.class, i -> {});
    TaskRegistry registry = new TaskRegistry().register(remind);

    assertThatThrownBy(() -> registry.register(twin))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Invalid task definition name: \"billing.remind\" is already registered to"
                + " TaskDefinition[billing.remind, Invoice]; give each task definition its own"
                + " name, and keep each definition in one constant");
    TaskRegistry withFunction =
        new TaskRegistry().register("billing.remind", (args, kwargs) -> null);
    assertThatThrownBy(() -> withFunction.register(remind))
        .hasMessageStartingWith(
            "Invalid task definition name: \"billing.remind\" is already registered to the"
                + " function ");
    assertThat(registry.resolve("billing.remind")).isSameAs(remind.function());
  }
}
