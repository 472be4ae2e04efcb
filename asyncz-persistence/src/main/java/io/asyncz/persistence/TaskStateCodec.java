package io.asyncz.persistence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.asyncz.InvalidInputException;
import io.asyncz.persistence.CorruptTaskRecordException.Reason;
import io.asyncz.scheduler.ClusterSettings;
import io.asyncz.store.StoreContext;
import io.asyncz.task.PendingRetry;
import io.asyncz.task.RetryPolicy;
import io.asyncz.task.Task;
import io.asyncz.task.TaskFunction;
import io.asyncz.trigger.Trigger;
import io.asyncz.trigger.TriggerState;
import io.asyncz.trigger.Triggers;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Month;
import java.time.Year;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a task into its stored form, a versioned JSON document in UTF-8, and back.
 *
 * <p>The document is {@code {"format":"asyncz.task","version":1,"id":...,"name":...,
 * "reference":"com.example.Jobs::send","args":[...],"kwargs":{...},"trigger":{"alias":...,
 * "fields":{...}},"executor":...,"store":...,"mistrigger_grace_time":seconds or null,
 * "coalesce":...,"max_instances":...,"next_run_time":ISO instant or null}}. The function is stored
 * only as its textual reference and resolved on reading through the store context's task registry,
 * so a record can never make the scheduler call a method the application did not allow. No Java
 * serialization is involved.
 *
 * <p>Arguments are JSON values: strings, numbers, booleans, null, lists and maps with string keys;
 * {@code java.time} values are written as ISO strings (and read back as strings). Whole numbers
 * read back as {@code Integer} when they fit, else {@code Long} or {@code BigInteger}; other
 * numbers as {@code Double}.
 *
 * <p>Instances are immutable and safe for concurrent use.
 */
public final class TaskStateCodec {
  /** The value of the document's {@code format} field. */
  public static final String FORMAT = "asyncz.task";

  /**
   * The newest format version this code writes and reads. Version 2 adds {@code retry}, {@code
   * timeout}, {@code pending_retry} and {@code on_node_failure}; a task that uses none of them is
   * still written as version 1, so that nodes of the previous version go on reading it.
   */
  public static final int VERSION = 2;

  /** The fields version 2 adds. */
  private static final Set<String> FIELDS_V2 =
      Set.of("retry", "timeout", "pending_retry", "on_node_failure");

  private static final Set<String> FIELDS =
      Set.of(
          "format",
          "version",
          "id",
          "name",
          "reference",
          "args",
          "kwargs",
          "trigger",
          "executor",
          "store",
          "mistrigger_grace_time",
          "coalesce",
          "max_instances",
          "next_run_time",
          "retry",
          "timeout",
          "pending_retry",
          "on_node_failure");

  private static final JsonMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          // Exact decimals, so that a grace time or a trigger's seconds survive to the nanosecond.
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .build();

  /** An {@code "id": "..."} pair in the text of a document that does not parse. */
  private static final Pattern ID_TEXT =
      Pattern.compile("\"id\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

  private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

  /** Creates a codec. */
  public TaskStateCodec() {}

  /**
   * The task's stored form.
   *
   * @throws InvalidInputException when the task has no textual reference (persistent stores need
   *     one) or an argument is not a JSON value
   */
  public byte[] encode(Task task) {
    String id = task.id();
    String reference =
        task.reference()
            .orElseThrow(
                () ->
                    new InvalidInputException(
                        "function of task '" + id + "'",
                        task.function() == null ? null : task.function().displayName(),
                        "has no textual reference; persistent stores need one such as"
                            + " com.example.Jobs::send or a name registered in the task registry"));
    ObjectNode doc = NODES.objectNode();
    doc.put("format", FORMAT);
    boolean v2 =
        task.retryPolicy().isPresent()
            || task.timeout().isPresent()
            || task.pendingRetry().isPresent()
            || task.onNodeFailure().isPresent();
    doc.put("version", v2 ? 2 : 1);
    doc.put("id", id);
    // A name that is only the derived default is not stored, so that it follows the function.
    String derived = task.function() != null ? task.function().displayName() : reference;
    String name = task.name();
    doc.set(
        "name",
        name == null || name.equals(derived) || name.equals(reference)
            ? NODES.nullNode()
            : NODES.textNode(name));
    doc.put("reference", reference);
    doc.set("args", toNode(id, "args", task.args()));
    doc.set("kwargs", toNode(id, "kwargs", task.kwargs()));
    TriggerState state = task.trigger().state();
    doc.set("trigger", toNode(id, "trigger", state.toMap()));
    doc.put("executor", task.executor());
    doc.put("store", task.storeAlias());
    doc.set(
        "mistrigger_grace_time",
        task.mistriggerGraceTime()
            .<JsonNode>map(g -> NODES.numberNode(seconds(g)))
            .orElse(NODES.nullNode()));
    doc.put("coalesce", task.coalesce());
    doc.put("max_instances", task.maxInstances());
    doc.set(
        "next_run_time",
        task.nextRunTime()
            .<JsonNode>map(t -> NODES.textNode(t.toString()))
            .orElse(NODES.nullNode()));
    if (task.retryPolicy().isPresent()) {
      doc.set("retry", toNode(id, "retry", task.retryPolicy().get().toMap()));
    }
    task.timeout().ifPresent(t -> doc.set("timeout", NODES.numberNode(seconds(t))));
    task.onNodeFailure().ifPresent(p -> doc.put("on_node_failure", p.label()));
    task.pendingRetry()
        .ifPresent(
            r -> {
              ObjectNode retry = doc.putObject("pending_retry");
              retry.put("run_time", r.runTime().toString());
              retry.put("attempt", r.attempt());
              retry.put("due_at", r.dueAt().toString());
              retry.put("resume_at", r.resumeAt() == null ? null : r.resumeAt().toString());
            });
    try {
      return MAPPER.writeValueAsBytes(doc);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write the JSON document of task '" + id + "'", e);
    }
  }

  /**
   * Reads a task back from its stored form, resolving its function through {@code
   * context.registry()}; the task acts through {@code context.operations()}.
   *
   * @throws UnsupportedTaskFormatException when the document is of a newer version
   * @throws CorruptTaskRecordException when the bytes are not a valid task document, the reference
   *     does not resolve or the trigger cannot be rebuilt; whatever fails while the document is
   *     read (an overflow in a trigger, nesting too deep for the stack) is reported this way, so a
   *     store can quarantine the record and go on
   */
  public Task decode(byte[] bytes, StoreContext context) {
    JsonNode doc;
    try {
      doc = MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new CorruptTaskRecordException(
          TaskStateCodec.peekIdLeniently(bytes),
          Reason.MALFORMED,
          "not valid JSON: " + e.getOriginalMessage(),
          e);
    } catch (IOException | RuntimeException | StackOverflowError e) {
      throw new CorruptTaskRecordException(
          null, Reason.MALFORMED, "not valid JSON: " + describe(e), e);
    }
    if (doc == null || !doc.isObject()) {
      throw new CorruptTaskRecordException(
          null, Reason.MALFORMED, "not a JSON object; expected a task document", null);
    }
    String id = doc.path("id").isTextual() ? doc.get("id").asText() : null;
    JsonNode format = doc.get("format");
    if (format == null || !format.isTextual() || !FORMAT.equals(format.asText())) {
      throw malformed(id, "\"format\" is " + format + "; expected \"" + FORMAT + "\"");
    }
    JsonNode version = doc.get("version");
    if (version == null || !version.canConvertToExactIntegral() || !version.canConvertToInt()) {
      throw malformed(id, "\"version\" is " + version + "; expected a whole number");
    }
    int v = version.asInt();
    if (v > VERSION) {
      throw new UnsupportedTaskFormatException(id, v);
    }
    if (v < 1) {
      throw malformed(id, "\"version\" is " + v + "; expected 1 to " + VERSION);
    }
    if (id == null || id.isBlank()) {
      throw malformed(null, "\"id\" is " + doc.get("id") + "; expected a non-empty string");
    }
    for (Iterator<String> names = doc.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name) || (v < 2 && FIELDS_V2.contains(name))) {
        throw malformed(id, "unknown field \"" + name + "\" for version " + v);
      }
    }
    String reference = text(doc, id, "reference", false);
    TaskFunction function;
    try {
      function = context.registry().resolve(reference);
    } catch (InvalidInputException e) {
      throw new CorruptTaskRecordException(id, Reason.UNRESOLVABLE_REFERENCE, e.getMessage(), e);
    } catch (RuntimeException | StackOverflowError e) {
      throw new CorruptTaskRecordException(
          id,
          Reason.UNRESOLVABLE_REFERENCE,
          "resolving " + InvalidInputException.quote(reference) + " failed: " + describe(e),
          e);
    }
    Trigger trigger;
    try {
      JsonNode node = doc.get("trigger");
      if (node == null || !node.isObject()) {
        throw malformed(id, "\"trigger\" is " + node + "; expected {\"alias\":..,\"fields\":{..}}");
      }
      trigger = Triggers.fromState(TriggerState.fromMap((Map<?, ?>) toJava(node, true)));
    } catch (CorruptTaskRecordException e) {
      throw e;
    } catch (InvalidInputException e) {
      throw new CorruptTaskRecordException(id, Reason.INVALID_TRIGGER, e.getMessage(), e);
    } catch (RuntimeException | StackOverflowError e) {
      // A trigger (or a trigger plugin) that fails otherwise than it should on bad fields.
      throw new CorruptTaskRecordException(
          id, Reason.INVALID_TRIGGER, "rebuilding the trigger failed: " + describe(e), e);
    }
    try {
      JsonNode args = doc.get("args");
      JsonNode kwargs = doc.get("kwargs");
      if (args == null || !args.isArray()) {
        throw malformed(id, "\"args\" is " + args + "; expected a list");
      }
      if (kwargs == null || !kwargs.isObject()) {
        throw malformed(id, "\"kwargs\" is " + kwargs + "; expected an object");
      }
      Task.Builder builder =
          Task.builder(id)
              .function(function, reference)
              .args((List<?>) toJava(args, false))
              .kwargs(castMap(toJava(kwargs, false)))
              .trigger(trigger)
              .executor(text(doc, id, "executor", false))
              .storeAlias(text(doc, id, "store", false))
              .mistriggerGraceTime(grace(doc, id))
              .coalesce(bool(doc, id, "coalesce"))
              .maxInstances(integer(doc, id, "max_instances"))
              .nextRunTime(instant(doc, id, "next_run_time"))
              .scheduler(context.operations());
      String name = text(doc, id, "name", true);
      if (name != null) {
        builder.name(name);
      }
      JsonNode retry = doc.get("retry");
      if (retry != null && !retry.isNull()) {
        if (!retry.isObject()) {
          throw malformed(id, "\"retry\" is " + retry + "; expected an object of retry options");
        }
        builder.retryPolicy(RetryPolicy.fromMap(castMap(toJava(retry, false))));
      }
      JsonNode timeout = doc.get("timeout");
      if (timeout != null && !timeout.isNull()) {
        if (!timeout.isNumber() || timeout.decimalValue().signum() <= 0) {
          throw malformed(id, "\"timeout\" is " + timeout + "; expected positive seconds");
        }
        builder.timeout(Duration.ofNanos(timeout.decimalValue().movePointRight(9).longValue()));
      }
      JsonNode onNodeFailure = doc.get("on_node_failure");
      if (onNodeFailure != null && !onNodeFailure.isNull()) {
        if (!onNodeFailure.isTextual()) {
          throw malformed(
              id, "\"on_node_failure\" is " + onNodeFailure + "; expected \"report\" or \"rerun\"");
        }
        builder.onNodeFailure(
            ClusterSettings.NodeFailurePolicy.parse("on_node_failure", onNodeFailure.asText()));
      }
      JsonNode pending = doc.get("pending_retry");
      if (pending != null && !pending.isNull()) {
        if (!pending.isObject() || !pending.path("attempt").canConvertToInt()) {
          throw malformed(
              id,
              "\"pending_retry\" is "
                  + pending
                  + "; expected {\"run_time\",\"attempt\",\"due_at\",\"resume_at\"}");
        }
        builder.pendingRetry(
            new PendingRetry(
                instant(pending, id, "run_time"),
                pending.get("attempt").asInt(),
                instant(pending, id, "due_at"),
                instant(pending, id, "resume_at")));
      }
      return builder.build();
    } catch (CorruptTaskRecordException e) {
      throw e;
    } catch (InvalidInputException e) {
      throw new CorruptTaskRecordException(id, Reason.MALFORMED, e.getMessage(), e);
    } catch (RuntimeException | StackOverflowError e) {
      throw new CorruptTaskRecordException(
          id, Reason.MALFORMED, "reading the task failed: " + describe(e), e);
    }
  }

  /** What a failure was, for a quarantine detail: its type and message. */
  static String describe(Throwable e) {
    if (e instanceof StackOverflowError) {
      return "it is nested too deeply to read (StackOverflowError)";
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  /**
   * The task id a stored document names, without reading the rest; for stores that must report a
   * record they cannot decode.
   *
   * @return the id, or empty when the bytes are not a JSON object with a string id
   */
  public static Optional<String> peekId(byte[] bytes) {
    try {
      JsonNode doc = MAPPER.readTree(bytes);
      return doc != null && doc.path("id").isTextual()
          ? Optional.of(doc.get("id").asText())
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The id of a document too broken to parse, found by a plain text search, or null. */
  private static String peekIdLeniently(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.UTF_8);
    Matcher m = ID_TEXT.matcher(text);
    return m.find() ? m.group(1) : null;
  }

  // ------------------------------------------------------------------ fields

  private static CorruptTaskRecordException malformed(String id, String detail) {
    return new CorruptTaskRecordException(id, Reason.MALFORMED, detail, null);
  }

  private static String text(JsonNode doc, String id, String field, boolean nullable) {
    JsonNode node = doc.get(field);
    if (nullable && (node == null || node.isNull())) {
      return null;
    }
    if (node == null || !node.isTextual()) {
      throw malformed(id, "\"" + field + "\" is " + node + "; expected a string");
    }
    return node.asText();
  }

  private static boolean bool(JsonNode doc, String id, String field) {
    JsonNode node = doc.get(field);
    if (node == null || !node.isBoolean()) {
      throw malformed(id, "\"" + field + "\" is " + node + "; expected true or false");
    }
    return node.asBoolean();
  }

  private static int integer(JsonNode doc, String id, String field) {
    JsonNode node = doc.get(field);
    if (node == null || !node.isIntegralNumber() || !node.canConvertToInt()) {
      throw malformed(id, "\"" + field + "\" is " + node + "; expected a whole number");
    }
    return node.asInt();
  }

  private static Duration grace(JsonNode doc, String id) {
    JsonNode node = doc.get("mistrigger_grace_time");
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isNumber()) {
      throw malformed(id, "\"mistrigger_grace_time\" is " + node + "; expected seconds or null");
    }
    try {
      BigDecimal nanos = node.decimalValue().movePointRight(9);
      return Duration.ofNanos(nanos.longValueExact());
    } catch (ArithmeticException e) {
      throw malformed(id, "\"mistrigger_grace_time\" is " + node + "; expected whole nanoseconds");
    }
  }

  private static Instant instant(JsonNode doc, String id, String field) {
    JsonNode node = doc.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    try {
      if (node.isTextual()) {
        return parseInstant(node.asText());
      }
    } catch (DateTimeParseException e) {
      // reported below
    }
    throw malformed(id, "\"" + field + "\" is " + node + "; expected an ISO instant or null");
  }

  /**
   * {@link Instant#parse}, done by hand for the form {@link Instant#toString} writes (years 0000 to
   * 9999, UTC, up to nine fraction digits), which is what records hold; any other text goes to
   * {@link Instant#parse}. A listing reads one per task, and the general parser costs several times
   * more in a short-lived process (docs/cli.md, "Measured").
   *
   * @throws DateTimeParseException as {@link Instant#parse} does
   */
  static Instant parseInstant(String text) {
    int n = text.length();
    if (n < 20
        || n > 30
        || text.charAt(4) != '-'
        || text.charAt(7) != '-'
        || text.charAt(10) != 'T'
        || text.charAt(13) != ':'
        || text.charAt(16) != ':'
        || text.charAt(n - 1) != 'Z'
        || (n > 20 && (n == 21 || text.charAt(19) != '.'))) {
      return Instant.parse(text);
    }
    int year = digits(text, 0, 4);
    int month = digits(text, 5, 2);
    int day = digits(text, 8, 2);
    int hour = digits(text, 11, 2);
    int minute = digits(text, 14, 2);
    int second = digits(text, 17, 2);
    int fraction = n > 20 ? digits(text, 20, n - 21) : 0;
    if (year < 0
        || month < 1
        || month > 12
        || day < 1
        || day > Month.of(month).length(Year.isLeap(year))
        || hour < 0
        || hour > 23
        || minute < 0
        || minute > 59
        || second < 0
        || second > 59
        || fraction < 0) {
      return Instant.parse(text); // refuses it, or reads a form this does not (a leap second)
    }
    for (int i = n - 21; i < 9; i++) {
      fraction *= 10;
    }
    long epochDay = LocalDate.of(year, month, day).toEpochDay();
    return Instant.ofEpochSecond(
        epochDay * 86_400L + hour * 3_600L + minute * 60L + second, n > 20 ? fraction : 0);
  }

  /** The number {@code count} ASCII digits at {@code from} spell, or -1 when one is no digit. */
  private static int digits(String text, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static BigDecimal seconds(Duration d) {
    BigDecimal s = BigDecimal.valueOf(d.getSeconds()).add(BigDecimal.valueOf(d.getNano(), 9));
    s = s.stripTrailingZeros();
    return s.scale() < 0 ? s.setScale(0) : s;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, ?> castMap(Object map) {
    return (Map<String, ?>) map;
  }

  // ------------------------------------------------------------------ JSON values

  private static JsonNode toNode(String id, String where, Object value) {
    if (value == null) {
      return NODES.nullNode();
    }
    if (value instanceof String s) {
      return NODES.textNode(s);
    }
    if (value instanceof Boolean b) {
      return NODES.booleanNode(b);
    }
    if (value instanceof Integer
        || value instanceof Long
        || value instanceof Short
        || value instanceof Byte) {
      return NODES.numberNode(((Number) value).longValue());
    }
    if (value instanceof BigInteger b) {
      return NODES.numberNode(b);
    }
    if (value instanceof BigDecimal d) {
      return NODES.numberNode(d);
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (!Double.isFinite(d)) {
        throw notJson(id, where, value);
      }
      return NODES.numberNode(d);
    }
    if (value instanceof TemporalAccessor || value instanceof Duration) {
      return NODES.textNode(value.toString());
    }
    if (value instanceof Map<?, ?> map) {
      ObjectNode node = NODES.objectNode();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!(e.getKey() instanceof String key)) {
          throw notJson(id, where, map);
        }
        node.set(key, toNode(id, where, e.getValue()));
      }
      return node;
    }
    if (value instanceof Iterable<?> list) {
      var node = NODES.arrayNode();
      for (Object item : list) {
        node.add(toNode(id, where, item));
      }
      return node;
    }
    throw notJson(id, where, value);
  }

  private static InvalidInputException notJson(String id, String where, Object value) {
    return new InvalidInputException(
        where + " of task '" + id + "'",
        value + " (" + value.getClass().getName() + ")",
        "is not a JSON value; expected strings, numbers, booleans, null, lists, maps with string"
            + " keys or java.time values");
  }

  /** Plain Java values; decimals as {@code BigDecimal} for trigger fields, else {@code Double}. */
  private static Object toJava(JsonNode node, boolean exactDecimals) {
    switch (node.getNodeType()) {
      case NULL:
        return null;
      case STRING:
        return node.asText();
      case BOOLEAN:
        return node.asBoolean();
      case NUMBER:
        if (node.isIntegralNumber()) {
          if (node.canConvertToInt()) {
            return node.intValue();
          }
          return node.canConvertToLong() ? (Object) node.longValue() : node.bigIntegerValue();
        }
        return exactDecimals ? node.decimalValue() : (Object) node.doubleValue();
      case ARRAY:
        List<Object> list = new ArrayList<>(node.size());
        node.forEach(item -> list.add(toJava(item, exactDecimals)));
        return list;
      case OBJECT:
        Map<String, Object> map = new LinkedHashMap<>();
        node.fields()
            .forEachRemaining(e -> map.put(e.getKey(), toJava(e.getValue(), exactDecimals)));
        return map;
      default:
        throw new IllegalStateException("unexpected JSON node " + node.getNodeType());
    }
  }
}
