package io.asyncz.redis;

import static io.asyncz.redis.RedisScripts.BATCH;
import static io.asyncz.redis.RedisScripts.bytes;
import static io.asyncz.redis.RedisScripts.idBytes;
import static io.asyncz.redis.RedisScripts.score;
import static io.asyncz.redis.RedisScripts.string;

import io.asyncz.persistence.CorruptTaskRecordException;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.redis.RedisQuarantine.Unreadable;
import io.asyncz.store.MemoryStore;
import io.asyncz.task.Task;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.Tuple;

/**
 * The Redis store's reading path: ids picked from the sorted set or the hash, records fetched a
 * script at a time with those over the read limit left on the server, records decoded, and the
 * unreadable ones handed to the quarantine once the read is over.
 */
final class RedisReads {
  private final RedisStore store;
  private final UnifiedJedis redis;
  private final byte[] tasks;
  private final byte[] runTimes;
  private final TaskRecords records;
  private final RedisQuarantine quarantine;

  RedisReads(
      RedisStore store,
      UnifiedJedis redis,
      byte[] tasks,
      byte[] runTimes,
      TaskRecords records,
      RedisQuarantine quarantine) {
    this.store = store;
    this.redis = redis;
    this.tasks = tasks;
    this.runTimes = runTimes;
    this.records = records;
    this.quarantine = quarantine;
  }

  Optional<Task> lookupTask(String id) {
    List<Unreadable> unreadable = new ArrayList<>(1);
    List<Task> found = read(List.of(idBytes(id)), unreadable);
    quarantine.quarantine(unreadable);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  List<Task> dueTasks(Instant now, int limit) {
    if (limit <= 0) {
      return List.of();
    }
    // Every task due at `now` has a score <= score(now) (rounding is monotonic); tasks a hair
    // later may share that score and are filtered by their exact instant. Redis gives members in
    // (score, id bytes) order, so a page of `limit` holds the earliest; more pages are read only
    // when records in it were unreadable or not quite due.
    List<Task> due = new ArrayList<>();
    List<Unreadable> unreadable = new ArrayList<>();
    int page = limit >= Integer.MAX_VALUE - 64 ? Integer.MAX_VALUE : limit + 8;
    int offset = 0;
    while (true) {
      List<byte[]> ids =
          page == Integer.MAX_VALUE
              ? redis.zrangeByScore(runTimes, bytes("-inf"), score(now))
              : redis.zrangeByScore(runTimes, bytes("-inf"), score(now), offset, page);
      for (Task task : read(ids, unreadable)) {
        Instant next = task.nextRunTime().orElse(null);
        if (next != null && !next.isAfter(now)) {
          due.add(task);
        }
      }
      if (due.size() >= limit || ids.size() < page) {
        break;
      }
      offset += ids.size();
    }
    quarantine.quarantine(unreadable);
    due.sort(MemoryStore.ORDER);
    return due.size() <= limit ? due : new ArrayList<>(due.subList(0, limit));
  }

  Optional<Instant> nextRunTime() {
    // The earliest readable task: read the lowest scores batch by batch; once one task is
    // found, only the tasks sharing its score can still be earlier. Unreadable records are
    // quarantined after the walk, which pages by offset.
    List<Unreadable> unreadable = new ArrayList<>();
    long offset = 0;
    Double bestScore = null;
    Instant best = null;
    walk:
    while (true) {
      List<Tuple> batch = redis.zrangeWithScores(runTimes, offset, offset + BATCH - 1);
      if (batch.isEmpty()) {
        break;
      }
      List<byte[]> ids = new ArrayList<>(batch.size());
      for (Tuple entry : batch) {
        ids.add(entry.getBinaryElement());
      }
      Map<String, Task> read = new HashMap<>();
      for (Task task : read(ids, unreadable)) {
        read.put(task.id(), task);
      }
      for (Tuple entry : batch) {
        if (bestScore != null && entry.getScore() > bestScore) {
          break walk;
        }
        Task task = read.get(string(entry.getBinaryElement()));
        Instant next = task == null ? null : task.nextRunTime().orElse(null);
        if (next != null) {
          bestScore = bestScore == null ? entry.getScore() : bestScore;
          best = best == null || next.isBefore(best) ? next : best;
        }
      }
      offset += batch.size();
    }
    quarantine.quarantine(unreadable);
    return Optional.ofNullable(best);
  }

  List<Task> allTasks() {
    // The ids first, then the records a batch at a time, so that a record over the read limit is
    // never fetched.
    List<Unreadable> unreadable = new ArrayList<>();
    List<Task> result = read(new ArrayList<>(redis.hkeys(tasks)), unreadable);
    quarantine.quarantine(unreadable);
    result.sort(MemoryStore.ORDER);
    return result;
  }

  /**
   * The readable tasks among {@code ids}, a script per {@value RedisScripts#BATCH}; a record over
   * the read limit is not fetched, only its length, and goes to {@code unreadable} as too large.
   */
  private List<Task> read(List<byte[]> ids, List<Unreadable> unreadable) {
    List<Task> result = new ArrayList<>(ids.size());
    byte[] limit = bytes(Long.toString(records.readLimit()));
    for (int i = 0; i < ids.size(); i += BATCH) {
      List<byte[]> part = ids.subList(i, Math.min(ids.size(), i + BATCH));
      List<byte[]> args = new ArrayList<>(part.size() + 1);
      args.add(limit);
      args.addAll(part);
      List<?> values = (List<?>) redis.eval(RedisScripts.READ, List.of(tasks), args);
      for (int j = 0; j < part.size(); j++) {
        Object value = j < values.size() ? values.get(j) : null;
        String id = string(part.get(j));
        Task task = null;
        if (value instanceof byte[] record) {
          task = decode(id, record, unreadable);
        } else if (value instanceof Long length) {
          unreadable.add(new Unreadable(id, null, records.tooLarge(id, length)));
        }
        if (task != null) {
          result.add(task);
        }
      }
    }
    return result;
  }

  /** The task, or null when the record cannot be read; then it is added to {@code unreadable}. */
  private Task decode(String id, byte[] record, List<Unreadable> unreadable) {
    try {
      return records.read(id, record, store.context());
    } catch (CorruptTaskRecordException e) {
      unreadable.add(new Unreadable(id, record, e));
      return null;
    }
  }
}
