package io.asyncz.testkit;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

/**
 * Hostile task records for store tests: the bytes a store may find where a record should be after a
 * disk error, a careless migration, a hand edit, a newer deployment or someone with write access to
 * the storage. Each is built from {@link #valid}, a version-1 task document in the format that
 * {@code io.asyncz.persistence.TaskStateCodec} writes for {@link StoreContract#task}, and then
 * broken in one way: truncated, a bit flipped, sealed with a key nobody has, a newer format
 * version, numbers that overflow, nesting no parser accepts, a field of the wrong JSON type (every
 * field in turn, and the fields of every trigger kind), huge arrays, another task's record, bytes
 * that are not UTF-8, or nothing at all.
 *
 * <p>A store must quarantine each of them under the id it is stored under, with its exact bytes,
 * and go on reading every other record; {@link PersistentStoreContract} checks that on every
 * persistent store. The byte-level helpers ({@link #truncated}, {@link #bitFlipped}) also work on a
 * store's own records, e.g. encrypted ones read back past the store.
 *
 * <pre>{@code
 * for (RecordCorrupter.Hostile h : RecordCorrupter.catalogue("bad-", T0)) {
 *   writeRaw(h.id(), T0, h.raw()); // past the store
 * }
 * }</pre>
 */
public final class RecordCorrupter {
  /** The reason of a record that is not a task document of the format. */
  public static final String MALFORMED = "MALFORMED";

  /** The reason of a record whose trigger state does not rebuild a trigger. */
  public static final String INVALID_TRIGGER = "INVALID_TRIGGER";

  /** The reason of a record that is sealed and does not open. */
  public static final String UNDECRYPTABLE = "UNDECRYPTABLE";

  /** The reason of a record of a newer format version. */
  public static final String UNSUPPORTED_VERSION = "UNSUPPORTED_VERSION";

  /** The reason of a record over the store's read limit. */
  public static final String TOO_LARGE = "TOO_LARGE";

  /** The first bytes of a sealed record ({@code io.asyncz.persistence.Encryption}). */
  private static final byte[] SEALED_MAGIC = {0, 'A', 'Z', 'E', 1};

  /**
   * Deeper than a store's JSON parser should accept (Jackson's default limit is 1,000), and deep
   * enough that reading it recursively overflows a thread's stack.
   */
  private static final int ABSURD_DEPTH = 10_000;

  /**
   * A hostile record.
   *
   * @param kind what is wrong with it, e.g. {@code truncated}
   * @param id the id it is to be stored under
   * @param raw its bytes (a copy is kept)
   * @param reasons the quarantine reasons that describe it; a store gives one of them
   */
  public record Hostile(String kind, String id, byte[] raw, Set<String> reasons) {
    /** Creates a hostile record; the bytes are copied. */
    public Hostile {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(id, "id");
      raw = raw.clone();
      reasons = Set.copyOf(reasons);
    }

    /** A copy of the bytes. */
    @Override
    public byte[] raw() {
      return raw.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Hostile h
          && kind.equals(h.kind)
          && id.equals(h.id)
          && Arrays.equals(raw, h.raw)
          && reasons.equals(h.reasons);
    }

    @Override
    public int hashCode() {
      return Objects.hash(kind, id, Arrays.hashCode(raw), reasons);
    }

    @Override
    public String toString() {
      return "Hostile[" + kind + ", id " + id + ", " + raw.length + " bytes, " + reasons + "]";
    }
  }

  private RecordCorrupter() {}

  // ------------------------------------------------------------------ valid documents

  /**
   * The fields of a valid version-1 task document for {@link StoreContract#task}{@code (id,
   * nextRunTime)}, in the codec's order; a new mutable map, to change a field before {@link #json}.
   */
  public static Map<String, Object> document(String id, Instant nextRunTime) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("format", "asyncz.task");
    doc.put("version", 1);
    doc.put("id", id);
    doc.put("name", null);
    doc.put("reference", StoreContract.REFERENCE);
    doc.put("args", new ArrayList<>());
    doc.put("kwargs", new LinkedHashMap<>());
    doc.put("trigger", trigger("cron", Map.of("crontab", "*/5 * * * *")));
    doc.put("executor", "default");
    doc.put("store", StoreContract.ALIAS);
    doc.put("mistrigger_grace_time", 1);
    doc.put("coalesce", true);
    doc.put("max_instances", 1);
    doc.put("next_run_time", nextRunTime == null ? null : nextRunTime.toString());
    return doc;
  }

  /** A valid record of {@link StoreContract#task}{@code (id, nextRunTime)}: the control. */
  public static byte[] valid(String id, Instant nextRunTime) {
    return json(document(id, nextRunTime));
  }

  /** A trigger state: {@code {"alias": alias, "fields": fields}}. */
  public static Map<String, Object> trigger(String alias, Map<String, ?> fields) {
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("alias", alias);
    state.put("fields", new LinkedHashMap<>(fields));
    return state;
  }

  /** JSON text put into a document as it is, e.g. a number no Java type holds: {@code 1e400}. */
  public record RawJson(String text) {
    /** Creates the literal. */
    public RawJson {
      Objects.requireNonNull(text, "text");
    }
  }

  /**
   * The UTF-8 JSON text of {@code value}: maps with string keys, lists, strings, numbers, booleans,
   * null and {@link RawJson}.
   */
  public static byte[] json(Object value) {
    StringBuilder out = new StringBuilder();
    write(out, value);
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  // ------------------------------------------------------------------ byte-level damage

  /** The first half of {@code record}: a write cut short. */
  public static byte[] truncated(byte[] record) {
    return Arrays.copyOf(record, record.length / 2);
  }

  /**
   * {@code record} with bit {@code bit} flipped (bit 0 is the lowest bit of the first byte). A
   * flipped bit in a plain document may well leave valid JSON that says something else, which no
   * store can tell from a real record; a flip in a sealed record is always caught.
   */
  public static byte[] bitFlipped(byte[] record, int bit) {
    if (bit < 0 || bit >= record.length * 8) {
      throw new IllegalArgumentException(
          "bit " + bit + " is outside a record of " + record.length + " bytes");
    }
    byte[] flipped = record.clone();
    flipped[bit / 8] ^= (byte) (1 << (bit % 8));
    return flipped;
  }

  /** {@code record} with one random bit flipped, from {@code random}. */
  public static byte[] bitFlipped(byte[] record, Random random) {
    return bitFlipped(record, random.nextInt(record.length * 8));
  }

  /**
   * A record in the sealed format whose key id no configuration has: the header, a random key id
   * and nonce, then random bytes for ciphertext and tag.
   */
  public static byte[] sealedWithUnknownKey(Random random) {
    byte[] body = new byte[4 + 12 + 64 + 16];
    random.nextBytes(body);
    return ByteBuffer.allocate(SEALED_MAGIC.length + body.length)
        .put(SEALED_MAGIC)
        .put(body)
        .array();
  }

  /** A valid document of {@code id} whose {@code name} holds bytes that are not UTF-8. */
  public static byte[] notUtf8(String id, Instant nextRunTime) {
    Map<String, Object> doc = document(id, nextRunTime);
    doc.put("name", "@@NAME@@");
    byte[] text = json(doc);
    byte[] marker = "@@NAME@@".getBytes(StandardCharsets.UTF_8);
    int at = indexOf(text, marker);
    byte[] out = text.clone();
    // 0xFF never occurs in UTF-8; 0xC3 0x28 is a lead byte with a bad continuation.
    byte[] bad = {
      (byte) 0xFF, (byte) 0xFE, (byte) 0xC3, 0x28, (byte) 0xFF, (byte) 0xFE, 0x41, 0x42
    };
    System.arraycopy(bad, 0, out, at, bad.length);
    return out;
  }

  /**
   * A valid document of {@code id} padded with a string argument to at least {@code size} bytes.
   */
  public static byte[] huge(String id, Instant nextRunTime, int size) {
    Map<String, Object> doc = document(id, nextRunTime);
    int base = json(doc).length + 4;
    doc.put("args", new ArrayList<>(List.of("x".repeat(Math.max(0, size - base)))));
    return json(doc);
  }

  // ------------------------------------------------------------------ the catalogue

  /**
   * Every hostile record this class makes, each under its own id ({@code idPrefix} and its kind)
   * and, where the record names a next run time, due at {@code nextRunTime}. Deterministic: the
   * same arguments give the same records.
   */
  public static List<Hostile> catalogue(String idPrefix, Instant nextRunTime) {
    List<Hostile> all = new ArrayList<>();
    Random random = new Random(20260115L);
    Builder b = new Builder(idPrefix, nextRunTime, all);

    // Bytes that are no document at all.
    b.add("empty", new byte[0], MALFORMED);
    b.add("garbage", "not a task {".getBytes(StandardCharsets.UTF_8), MALFORMED);
    b.add("json-null", "null".getBytes(StandardCharsets.UTF_8), MALFORMED);
    b.add("json-array", "[1,2,3]".getBytes(StandardCharsets.UTF_8), MALFORMED);
    b.add("truncated", truncated(valid(b.id("truncated"), nextRunTime)), MALFORMED);
    b.add("bit-flipped", bitFlipped(valid(b.id("bit-flipped"), nextRunTime), 0), MALFORMED);
    b.add("not-utf-8", notUtf8(b.id("not-utf-8"), nextRunTime), MALFORMED);
    b.add("sealed-unknown-key", sealedWithUnknownKey(random), UNDECRYPTABLE);
    b.add("another-task", valid(idPrefix + "someone-else", nextRunTime), MALFORMED);
    b.add(
        "newer-version",
        json(Map.of("format", "asyncz.task", "version", 99, "id", b.id("newer-version"))),
        UNSUPPORTED_VERSION);
    b.field("unknown-field", "surprise", true, MALFORMED);

    // A field of the wrong JSON type, every field in turn.
    Map<String, Object> wrong = new LinkedHashMap<>();
    wrong.put("format", 1);
    wrong.put("version", "1");
    wrong.put("id", 7);
    wrong.put("name", 5);
    wrong.put("reference", List.of("contract.noop"));
    wrong.put("args", Map.of("a", 1));
    wrong.put("kwargs", List.of(1));
    wrong.put("trigger", "cron");
    wrong.put("executor", false);
    wrong.put("store", 3.5);
    wrong.put("mistrigger_grace_time", "1");
    wrong.put("coalesce", "true");
    wrong.put("max_instances", "1");
    wrong.put("next_run_time", 1768471200);
    wrong.forEach((field, value) -> b.field("wrong-type-" + field, field, value, MALFORMED));

    // Numbers that overflow what the field holds.
    b.field("overflow-version", "version", new RawJson("1e400"), MALFORMED);
    b.field(
        "overflow-max-instances", "max_instances", new RawJson("99999999999999999999"), MALFORMED);
    b.field("overflow-grace-time", "mistrigger_grace_time", new RawJson("1e300"), MALFORMED);
    b.field("overflow-next-run-time", "next_run_time", "+1000000001-01-01T00:00:00Z", MALFORMED);
    b.trigger("overflow-interval-weeks", "interval", Map.of("weeks", 1_000_000_000_000_000L));
    b.trigger("overflow-interval-days", "interval", Map.of("days", new RawJson("2e14")));
    b.trigger("overflow-interval-minutes", "interval", Map.of("minutes", Long.MAX_VALUE));
    b.trigger("overflow-interval-seconds", "interval", Map.of("seconds", new RawJson("1e400")));
    b.trigger(
        "overflow-interval-hours", "interval", Map.of("hours", new RawJson("1" + "0".repeat(30))));
    b.trigger(
        "overflow-cron-jitter",
        "cron",
        Map.of("crontab", "*/5 * * * *", "jitter", new RawJson("1e400")));
    b.trigger("overflow-cron-year", "cron", Map.of("year", "99999999999"));
    b.trigger(
        "overflow-in-combination",
        "or",
        Map.of("triggers", List.of(trigger("interval", Map.of("weeks", 1_000_000_000_000_000L)))));

    // The fields of each trigger kind with the wrong JSON type.
    b.trigger("wrong-type-trigger-alias", null, Map.of());
    b.field(
        "wrong-type-trigger-fields",
        "trigger",
        Map.of("alias", "cron", "fields", List.of()),
        MALFORMED,
        INVALID_TRIGGER);
    b.trigger("wrong-type-cron-crontab", "cron", Map.of("crontab", 5));
    b.trigger("wrong-type-cron-hour", "cron", Map.of("hour", Map.of()));
    b.trigger("wrong-type-cron-timezone", "cron", Map.of("crontab", "*/5 * * * *", "timezone", 5));
    b.trigger("wrong-type-interval-weeks", "interval", Map.of("weeks", "many"));
    b.trigger("wrong-type-interval-seconds", "interval", Map.of("seconds", List.of()));
    b.trigger("wrong-type-interval-start", "interval", Map.of("weeks", 1, "start_at", 12));
    b.trigger("wrong-type-date-run-at", "date", Map.of("run_at", false));
    b.trigger("wrong-type-and-triggers", "and", Map.of("triggers", "x"));
    b.trigger("wrong-type-or-member", "or", Map.of("triggers", List.of(1)));
    b.trigger("unknown-trigger-alias", "no-such-trigger", Map.of());

    // Nesting deeper than any parser accepts, in the arguments and in combination triggers.
    b.add("deep-args", deepArgs(b.id("deep-args"), nextRunTime, ABSURD_DEPTH), MALFORMED);
    b.add("deep-kwargs", deepKwargs(b.id("deep-kwargs"), nextRunTime, ABSURD_DEPTH), MALFORMED);
    b.add(
        "deep-combination",
        deepCombination(b.id("deep-combination"), nextRunTime, ABSURD_DEPTH / 3),
        MALFORMED,
        INVALID_TRIGGER);

    // Huge arrays where a scalar belongs.
    List<Integer> many = Collections.nCopies(50_000, 7);
    b.trigger("huge-array-cron-hour", "cron", Map.of("hour", many));
    b.trigger("huge-array-interval-seconds", "interval", Map.of("seconds", many));
    b.field("huge-array-name", "name", many, MALFORMED);
    return List.copyOf(all);
  }

  /** A valid document of {@code id} whose only argument is a list nested {@code depth} deep. */
  public static byte[] deepArgs(String id, Instant nextRunTime, int depth) {
    Map<String, Object> doc = document(id, nextRunTime);
    doc.put("args", new RawJson("[" + "[".repeat(depth) + "]".repeat(depth) + "]"));
    return json(doc);
  }

  private static byte[] deepKwargs(String id, Instant nextRunTime, int depth) {
    Map<String, Object> doc = document(id, nextRunTime);
    doc.put("kwargs", new RawJson("{\"a\":".repeat(depth) + "1" + "}".repeat(depth)));
    return json(doc);
  }

  /** A valid document of {@code id} whose trigger is {@code depth} {@code and} triggers deep. */
  public static byte[] deepCombination(String id, Instant nextRunTime, int depth) {
    String open = "{\"alias\":\"and\",\"fields\":{\"triggers\":[";
    String close = "]}}";
    String leaf = "{\"alias\":\"cron\",\"fields\":{\"crontab\":\"*/5 * * * *\"}}";
    Map<String, Object> doc = document(id, nextRunTime);
    doc.put("trigger", new RawJson(open.repeat(depth) + leaf + close.repeat(depth)));
    return json(doc);
  }

  /** Adds catalogue entries under ids made from one prefix. */
  private static final class Builder {
    private final String prefix;
    private final Instant next;
    private final List<Hostile> out;

    Builder(String prefix, Instant next, List<Hostile> out) {
      this.prefix = prefix;
      this.next = next;
      this.out = out;
    }

    String id(String kind) {
      return prefix + kind;
    }

    void add(String kind, byte[] raw, String... reasons) {
      out.add(new Hostile(kind, id(kind), raw, Set.of(reasons)));
    }

    /** A valid document with {@code field} set to {@code value}. */
    void field(String kind, String field, Object value, String... reasons) {
      Map<String, Object> doc = document(id(kind), next);
      doc.put(field, value);
      add(kind, json(doc), reasons);
    }

    /** A valid document with the trigger state {@code alias} and {@code fields}. */
    void trigger(String kind, String alias, Map<String, ?> fields) {
      Map<String, Object> state = RecordCorrupter.trigger(alias, fields);
      field(kind, "trigger", state, INVALID_TRIGGER);
    }
  }

  // ------------------------------------------------------------------ JSON writing

  private static void write(StringBuilder out, Object value) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof RawJson raw) {
      out.append(raw.text());
    } else if (value instanceof String s) {
      string(out, s);
    } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long) {
      out.append(value);
    } else if (value instanceof Double d) {
      if (!Double.isFinite(d)) {
        throw new IllegalArgumentException(d + " is not a JSON number");
      }
      out.append(d);
    } else if (value instanceof Map<?, ?> map) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        string(out, (String) e.getKey());
        out.append(':');
        write(out, e.getValue());
      }
      out.append('}');
    } else if (value instanceof List<?> list) {
      out.append('[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        write(out, list.get(i));
      }
      out.append(']');
    } else {
      throw new IllegalArgumentException(
          value + " (" + value.getClass().getName() + ") is not a JSON value");
    }
  }

  private static void string(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    out.append('"');
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new IllegalStateException("marker not found");
  }
}
