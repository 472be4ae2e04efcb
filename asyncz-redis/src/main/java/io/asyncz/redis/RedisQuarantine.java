package io.asyncz.redis;

import static io.asyncz.redis.RedisScripts.bytes;
import static io.asyncz.redis.RedisScripts.idBytes;
import static io.asyncz.redis.RedisScripts.string;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.asyncz.ConflictIdException;
import io.asyncz.InvalidInputException;
import io.asyncz.TaskLookupException;
import io.asyncz.event.TaskQuarantinedEvent;
import io.asyncz.persistence.CorruptTaskRecordException;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.store.QuarantinedRecord;
import io.asyncz.store.StoreContext;
import io.asyncz.task.Task;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import redis.clients.jedis.UnifiedJedis;

/**
 * The Redis store's quarantine hash: records moved into it on the server (unreadable ones a read
 * met, tasks the scheduler cannot run) with their exact bytes, and listing, restoring and
 * discarding its entries.
 */
final class RedisQuarantine {
  /**
   * A record that could not be read, to be quarantined once the read is over; {@code raw} is null
   * for a record too large to fetch.
   */
  record Unreadable(String id, byte[] raw, CorruptTaskRecordException error) {}

  /** A quarantine entry: its hash field, the number in the field, and what it holds. */
  private record Entry(byte[] field, long number, QuarantinedRecord record) {}

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final RedisStore store;
  private final UnifiedJedis redis;
  private final byte[] tasks;
  private final byte[] runTimes;
  private final byte[] quarantine;
  private final TaskRecords records;

  RedisQuarantine(
      RedisStore store,
      UnifiedJedis redis,
      byte[] tasks,
      byte[] runTimes,
      byte[] quarantine,
      TaskRecords records) {
    this.store = store;
    this.redis = redis;
    this.tasks = tasks;
    this.runTimes = runTimes;
    this.quarantine = quarantine;
    this.records = records;
  }

  /** Moves each record a read found unreadable, unless it changed meanwhile. */
  void quarantine(List<Unreadable> unreadable) {
    for (Unreadable record : unreadable) {
      quarantine(record.id(), record.raw(), record.error());
    }
  }

  /**
   * Moves the record {@code raw} of task {@code id} into the quarantine, logs it and sends the
   * event; does nothing when the task is no longer stored as {@code raw} (updated, deleted or
   * quarantined by another client meanwhile). A null {@code raw} stands for a record over the read
   * limit, moved only while it is still over it.
   *
   * @return whether the record was moved
   */
  boolean quarantine(String id, byte[] raw, CorruptTaskRecordException error) {
    // A record too large to fetch is moved on the server while it is still that large.
    boolean moved =
        raw == null
            ? move(
                id,
                bytes("longer"),
                bytes(Long.toString(records.readLimit())),
                error.reason().name(),
                error.getMessage())
            : move(id, bytes("same"), raw, error.reason().name(), error.getMessage());
    if (!moved) {
      return false;
    }
    Logger logger = store.logger();
    logger.error(
        "Quarantined unreadable task record {} in {} ({}): {}; list it with quarantinedRecords()"
            + " and restore it with restoreQuarantined(id)",
        InvalidInputException.quote(id),
        store.tasksKey(),
        error.reason(),
        error.getMessage());
    StoreContext context = store.context();
    context.dispatch(
        new TaskQuarantinedEvent(id, store.alias(), error.reason().name(), error.getMessage()));
    return true;
  }

  /** Moves a stored task into the quarantine, whatever its record; whether it was stored. */
  boolean quarantineTask(String id, String reason, String detail) {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
    return move(string(idBytes(id)), bytes("any"), new byte[0], reason, detail);
  }

  /** Runs the quarantine script for the record of {@code id}; whether it moved it. */
  private boolean move(String id, byte[] check, byte[] expected, String reason, String detail) {
    Instant at = store.context().clock().instant();
    // Fixed-width microseconds, so that the fields of the hash sort by time for an operator too.
    String prefix = String.format("%020d:", ChronoUnit.MICROS.between(Instant.EPOCH, at));
    Object moved =
        redis.eval(
            RedisScripts.QUARANTINE,
            List.of(tasks, runTimes, quarantine),
            List.of(bytes(id), check, expected, bytes(prefix), metadata(id, at, reason, detail)));
    return Long.valueOf(1).equals(moved);
  }

  List<QuarantinedRecord> quarantinedRecords() {
    List<Entry> entries = entries();
    List<QuarantinedRecord> result = new ArrayList<>(entries.size());
    for (Entry entry : entries) {
      result.add(entry.record());
    }
    return result;
  }

  Task restoreQuarantined(String taskId) {
    String id = string(idBytes(taskId));
    Entry newest = null;
    for (Entry entry : entries()) {
      if (entry.record().taskId().equals(id)) {
        newest = entry; // entries come oldest first
      }
    }
    if (newest == null) {
      throw new TaskLookupException(id);
    }
    if (redis.hexists(tasks, bytes(id))) {
      throw new ConflictIdException(id);
    }
    // Still unreadable: the CorruptTaskRecordException says why, and the entry stays.
    Task task = records.read(id, newest.record().raw(), store.context());
    byte[] score = task.nextRunTime().map(RedisScripts::score).orElse(new byte[0]);
    Object done =
        redis.eval(
            RedisScripts.RESTORE,
            List.of(tasks, runTimes, quarantine),
            List.of(newest.field(), bytes(id), records.rewrite(task), score));
    if (Long.valueOf(0).equals(done)) {
      throw new ConflictIdException(id);
    }
    if (!Long.valueOf(1).equals(done)) {
      throw new TaskLookupException(id); // restored or discarded by another client meanwhile
    }
    return task;
  }

  void discardQuarantined(String taskId) {
    String id = string(idBytes(taskId));
    List<byte[]> fields = new ArrayList<>();
    for (Entry entry : entries()) {
      if (entry.record().taskId().equals(id)) {
        fields.add(entry.field());
      }
    }
    if (fields.isEmpty() || redis.hdel(quarantine, fields.toArray(new byte[0][])) == 0) {
      throw new TaskLookupException(id);
    }
  }

  /** The quarantine's entries: oldest first, then by id, then in the order they were made. */
  private List<Entry> entries() {
    List<Entry> entries = new ArrayList<>();
    for (Map.Entry<byte[], byte[]> field : redis.hgetAll(quarantine).entrySet()) {
      Entry entry = entry(field.getKey(), field.getValue());
      if (entry != null) {
        entries.add(entry);
      }
    }
    entries.sort(
        Comparator.comparing((Entry e) -> e.record().quarantinedAt())
            .thenComparing(e -> e.record().taskId())
            .thenComparingLong(Entry::number));
    return entries;
  }

  private Entry entry(byte[] field, byte[] value) {
    try {
      String[] parts = string(field).split(":", 3);
      // The metadata, a NUL, then the record's bytes; entries of earlier versions hold the bytes in
      // base64 in the metadata's "raw" field instead.
      int nul = indexOf(value, (byte) 0);
      JsonNode node = JSON.readTree(nul < 0 ? value : Arrays.copyOf(value, nul));
      byte[] raw =
          nul < 0
              ? Base64.getDecoder().decode(node.required("raw").asText())
              : Arrays.copyOfRange(value, nul + 1, value.length);
      QuarantinedRecord record =
          new QuarantinedRecord(
              node.required("task_id").asText(),
              raw,
              node.required("reason").asText(),
              node.required("detail").asText(),
              Instant.parse(node.required("quarantined_at").asText()));
      return new Entry(field, Long.parseLong(parts[1]), record);
    } catch (IOException | RuntimeException e) {
      // Not an entry this store wrote; leave it for an operator rather than guess.
      Logger logger = store.logger();
      logger.error(
          "Ignoring foreign field {} in quarantine {}: {}",
          InvalidInputException.quote(string(field)),
          store.quarantineKey(),
          e.toString());
      return null;
    }
  }

  private static int indexOf(byte[] bytes, byte b) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }

  /** A quarantine entry's metadata: JSON, which never holds a NUL byte (it escapes it). */
  private static byte[] metadata(String id, Instant at, String reason, String detail) {
    ObjectNode node = JSON.createObjectNode();
    node.put("task_id", id);
    node.put("quarantined_at", at.toString());
    node.put("reason", reason);
    node.put("detail", detail);
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a quarantine entry", e);
    }
  }
}
