package io.asyncz.redis;

import static io.asyncz.redis.RedisScripts.BATCH;
import static io.asyncz.redis.RedisScripts.bytes;
import static io.asyncz.redis.RedisScripts.idBytes;

import io.asyncz.ConflictIdException;
import io.asyncz.TaskLookupException;
import io.asyncz.persistence.TaskRecords;
import io.asyncz.task.Task;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;

/**
 * The Redis store's writes, each an atomic script over the hash and the sorted set: adding one task
 * or many, updating, deleting, the loop's batches of next run times; a record is made (and held to
 * the size limit) before anything is written.
 */
final class RedisWrites {
  private final UnifiedJedis redis;
  private final byte[] tasks;
  private final byte[] runTimes;
  private final TaskRecords records;

  RedisWrites(UnifiedJedis redis, byte[] tasks, byte[] runTimes, TaskRecords records) {
    this.redis = redis;
    this.tasks = tasks;
    this.runTimes = runTimes;
    this.records = records;
  }

  void addTask(Task task) {
    if (!run(RedisScripts.ADD, task)) {
      throw new ConflictIdException(task.id());
    }
  }

  /**
   * Stores new tasks with one script per {@value RedisScripts#BATCH} tasks, each atomic; when an id
   * is taken, the tasks of the earlier scripts are removed again, so none is added.
   */
  void addTasks(List<Task> tasks) {
    // Every record is made (and checked against the size limit) before the first is written.
    List<byte[]> encoded = new ArrayList<>(tasks.size());
    for (Task task : tasks) {
      encoded.add(records.write(task));
    }
    for (int from = 0; from < tasks.size(); from += BATCH) {
      List<Task> part = tasks.subList(from, Math.min(tasks.size(), from + BATCH));
      List<byte[]> args = new ArrayList<>(3 * part.size());
      for (int i = 0; i < part.size(); i++) {
        Task task = part.get(i);
        args.add(idBytes(task.id()));
        args.add(encoded.get(from + i));
        args.add(task.nextRunTime().map(RedisScripts::score).orElse(new byte[0]));
      }
      Object taken = redis.eval(RedisScripts.ADD_ALL, List.of(this.tasks, runTimes), args);
      if (taken instanceof byte[] id && id.length > 0) {
        List<byte[]> earlier = new ArrayList<>(from);
        for (Task task : tasks.subList(0, from)) {
          earlier.add(idBytes(task.id()));
        }
        if (!earlier.isEmpty()) {
          redis.eval(RedisScripts.REMOVE, List.of(this.tasks, runTimes), earlier);
        }
        throw new ConflictIdException(new String(id, StandardCharsets.UTF_8));
      }
    }
  }

  void updateTask(Task task) {
    if (!run(RedisScripts.UPDATE, task)) {
      throw new TaskLookupException(task.id());
    }
  }

  void deleteTask(String id) {
    Object done = redis.eval(RedisScripts.DELETE, List.of(tasks, runTimes), List.of(idBytes(id)));
    if (!Long.valueOf(1).equals(done)) {
      throw new TaskLookupException(id);
    }
  }

  /** Writes a loop batch with one script per {@value RedisScripts#BATCH} tasks, each atomic. */
  void advanceTasks(List<Task> advanced, List<String> finished) {
    int a = 0;
    int f = 0;
    while (a < advanced.size() || f < finished.size()) {
      List<Task> updates = advanced.subList(a, Math.min(advanced.size(), a + BATCH));
      List<String> deletes =
          finished.subList(f, Math.min(finished.size(), f + BATCH - updates.size()));
      List<byte[]> args = new ArrayList<>(1 + 3 * updates.size() + deletes.size());
      args.add(bytes(Integer.toString(updates.size())));
      for (Task task : updates) {
        args.add(idBytes(task.id()));
        args.add(records.rewrite(task)); // stored already: not held to a lowered size limit
        args.add(task.nextRunTime().map(RedisScripts::score).orElse(new byte[0]));
      }
      for (String id : deletes) {
        args.add(idBytes(id));
      }
      redis.eval(RedisScripts.ADVANCE, List.of(tasks, runTimes), args);
      a += updates.size();
      f += deletes.size();
    }
  }

  /** Removes {@code all}, the readable tasks a read just gave, a script per batch. */
  void removeTasks(List<Task> all) {
    for (int i = 0; i < all.size(); i += BATCH) {
      List<byte[]> ids = new ArrayList<>();
      for (Task task : all.subList(i, Math.min(all.size(), i + BATCH))) {
        ids.add(bytes(task.id()));
      }
      redis.eval(RedisScripts.REMOVE, List.of(tasks, runTimes), ids);
    }
  }

  /** Runs {@code script} with the task's id, record and score; whether it answered 1. */
  private boolean run(byte[] script, Task task) {
    byte[] record = records.write(task);
    byte[] score = task.nextRunTime().map(RedisScripts::score).orElse(new byte[0]);
    Object done =
        redis.eval(script, List.of(tasks, runTimes), List.of(idBytes(task.id()), record, score));
    return Long.valueOf(1).equals(done);
  }
}
