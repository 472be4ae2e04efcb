package io.asyncz.redis;

import io.asyncz.history.RunHistory;
import io.asyncz.history.RunOrder;
import io.asyncz.history.RunPage;
import io.asyncz.history.RunQuery;
import io.asyncz.history.RunRecord;
import io.asyncz.history.RunRetention;
import io.asyncz.persistence.RunRecordCodec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.Tuple;

/**
 * The Redis store's run history, under the prefix {@code <tasks key>.runs}: a hash {@code <p>} of
 * run id to record (the {@link RunRecordCodec} JSON document), a hash {@code <p>.task} of run id to
 * task id, a sorted set {@code <p>.all} of every run id and one {@code <p>.task:<task id>} per
 * task, each scored by start in epoch milliseconds (ties ordered by run id, as Redis orders members
 * of one score). A batch is saved by one Lua script, atomically: the records, the sorted sets, then
 * each written task's runs beyond the newest {@code maxRunsPerTask} removed ({@code ZRANGE} of the
 * surplus, then {@code ZREMRANGEBYRANK}) and at most 100 runs past the age limit. The script names
 * keys it derives from the prefix, so the store's keys must live on one node (no Redis Cluster).
 */
final class RedisRunHistory implements RunHistory {
  private static final int CHUNK = 200;

  // KEYS[1] records hash, KEYS[2] run->task hash, KEYS[3] global zset; ARGV[1] task zset prefix,
  // ARGV[2] max runs per task, ARGV[3] age cut-off (ms); then per run: id, task, start ms, record.
  private static final String SAVE =
      "local perTask, maxRuns, cutoff = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])\n"
          + "local touched = {}\n"
          + "local function forget(id)\n"
          + "  local task = redis.call('HGET', KEYS[2], id)\n"
          + "  if task then redis.call('ZREM', perTask .. task, id) end\n"
          + "  redis.call('HDEL', KEYS[1], id)\n"
          + "  redis.call('HDEL', KEYS[2], id)\n"
          + "  redis.call('ZREM', KEYS[3], id)\n"
          + "end\n"
          + "for i = 4, #ARGV, 4 do\n"
          + "  local id, task = ARGV[i], ARGV[i + 1]\n"
          + "  local before = redis.call('HGET', KEYS[2], id)\n"
          + "  if before and before ~= task then redis.call('ZREM', perTask .. before, id) end\n"
          + "  redis.call('HSET', KEYS[1], id, ARGV[i + 3])\n"
          + "  redis.call('HSET', KEYS[2], id, task)\n"
          + "  redis.call('ZADD', KEYS[3], ARGV[i + 2], id)\n"
          + "  redis.call('ZADD', perTask .. task, ARGV[i + 2], id)\n"
          + "  touched[task] = true\n"
          + "end\n"
          + "for task in pairs(touched) do\n"
          + "  local key = perTask .. task\n"
          + "  local surplus = redis.call('ZCARD', key) - maxRuns\n"
          + "  if surplus > 0 then\n"
          + "    for _, id in ipairs(redis.call('ZRANGE', key, 0, surplus - 1)) do\n"
          + "      redis.call('HDEL', KEYS[1], id)\n"
          + "      redis.call('HDEL', KEYS[2], id)\n"
          + "      redis.call('ZREM', KEYS[3], id)\n"
          + "    end\n"
          + "    redis.call('ZREMRANGEBYRANK', key, 0, surplus - 1)\n"
          + "  end\n"
          + "end\n"
          + "for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', '(' .. cutoff,"
          + " 'LIMIT', 0, 100)) do forget(id) end\n"
          + "return 1";

  private final RedisStore store;
  private final UnifiedJedis redis;
  private final String records;
  private final String tasks;
  private final String all;
  private final String perTask;
  private final RunRetention retention;

  RedisRunHistory(RedisStore store, UnifiedJedis redis, String prefix, RunRetention retention) {
    this.store = store;
    this.redis = redis;
    this.records = prefix;
    this.tasks = prefix + ".task";
    this.all = prefix + ".all";
    this.perTask = prefix + ".task:";
    this.retention = retention;
  }

  private Clock clock() {
    return store.context() != null ? store.context().clock() : Clock.systemUTC();
  }

  private long oldestMillis() {
    return clock().instant().minus(retention.maxAge()).toEpochMilli();
  }

  @Override
  public void save(RunRecord record) {
    saveAll(List.of(record));
  }

  @Override
  public void saveAll(List<RunRecord> batch) {
    for (int from = 0; from < batch.size(); from += RedisScripts.BATCH) {
      List<RunRecord> part = batch.subList(from, Math.min(batch.size(), from + RedisScripts.BATCH));
      List<String> args = new ArrayList<>(3 + 4 * part.size());
      args.add(perTask);
      args.add(Integer.toString(retention.maxRunsPerTask()));
      args.add(Long.toString(oldestMillis()));
      for (RunRecord r : part) {
        args.add(r.runId());
        args.add(r.taskId());
        args.add(Long.toString(r.startedAt().toEpochMilli()));
        args.add(new String(RunRecordCodec.encode(r), StandardCharsets.UTF_8));
      }
      redis.eval(SAVE, List.of(records, tasks, all), args);
    }
  }

  @Override
  public Optional<RunRecord> find(String runId) {
    String text = redis.hget(records, runId);
    if (text == null) {
      return Optional.empty();
    }
    RunRecord r = read(runId, text);
    if (r == null || r.startedAt().toEpochMilli() < oldestMillis()) {
      return Optional.empty();
    }
    return Optional.of(r);
  }

  @Override
  public RunPage query(RunQuery query) {
    String key = query.taskId() != null ? perTask + query.taskId() : all;
    long min = oldestMillis();
    if (query.from() != null) {
      min = Math.max(min, ceilMillis(query.from()));
    }
    String max = query.to() != null ? "(" + ceilMillis(query.to()) : "+inf";
    Long cursorScore = null;
    if (query.after() != null) {
      Instant start = RunOrder.cursorStart(query.after());
      Double own = redis.zscore(all, query.after());
      cursorScore = own != null ? own.longValue() : start.toEpochMilli();
      max =
          query.to() != null && ceilMillis(query.to()) <= cursorScore
              ? max
              : Long.toString(cursorScore);
    }
    List<RunRecord> page = new ArrayList<>();
    int offset = 0;
    while (true) {
      List<Tuple> chunk =
          redis.zrevrangeByScoreWithScores(key, max, Long.toString(min), offset, CHUNK);
      if (chunk.isEmpty()) {
        return new RunPage(page, null);
      }
      offset += chunk.size();
      List<String> ids = new ArrayList<>(chunk.size());
      for (Tuple t : chunk) {
        String id = t.getElement();
        if (cursorScore != null
            && (long) t.getScore() == cursorScore
            && id.compareTo(query.after()) >= 0) {
          continue; // at or before the cursor
        }
        ids.add(id);
      }
      Map<String, RunRecord> found = fetch(ids);
      for (String id : ids) {
        RunRecord r = found.get(id);
        if (r != null && query.matches(r)) {
          if (page.size() == query.limit()) {
            return new RunPage(page, page.get(page.size() - 1).runId());
          }
          page.add(r);
        }
      }
    }
  }

  private static long ceilMillis(Instant t) {
    long ms = t.toEpochMilli();
    return t.getNano() % 1_000_000 == 0 ? ms : ms + 1;
  }

  private Map<String, RunRecord> fetch(List<String> ids) {
    Map<String, RunRecord> out = new LinkedHashMap<>();
    if (ids.isEmpty()) {
      return out;
    }
    List<String> texts = redis.hmget(records, ids.toArray(String[]::new));
    for (int i = 0; i < ids.size(); i++) {
      String text = texts.get(i);
      if (text != null) {
        RunRecord r = read(ids.get(i), text);
        if (r != null) {
          out.put(ids.get(i), r);
        }
      }
    }
    return out;
  }

  private RunRecord read(String id, String text) {
    try {
      return RunRecordCodec.decode(text.getBytes(StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      Logger logger = store.logger();
      logger.warn("Run record {} in {} cannot be read; skipped: {}", id, records, e.getMessage());
      return null;
    }
  }
}
