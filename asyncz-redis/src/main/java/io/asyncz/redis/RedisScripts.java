package io.asyncz.redis;

import io.asyncz.InvalidInputException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The Lua scripts through which the Redis store reads and changes its keys, each one atomic, and
 * how their arguments are written: ids and numbers as UTF-8 text, run times as scores.
 */
final class RedisScripts {
  /** The most tasks one script reads or writes, so that no call holds the server for long. */
  static final int BATCH = 100;

  // KEYS[1] tasks hash, KEYS[2] run times zset; ARGV[1] id, ARGV[2] record, ARGV[3] score or ''.
  static final byte[] ADD =
      bytes(
          "if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return 0 end\n"
              + "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])\n"
              + "if ARGV[3] ~= '' then redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1]) end\n"
              + "return 1");
  static final byte[] UPDATE =
      bytes(
          "if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end\n"
              + "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])\n"
              + "if ARGV[3] ~= '' then redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])\n"
              + "else redis.call('ZREM', KEYS[2], ARGV[1]) end\n"
              + "return 1");
  static final byte[] DELETE =
      bytes(
          "if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 0 end\n"
              + "redis.call('ZREM', KEYS[2], ARGV[1])\n"
              + "return 1");
  // ARGV: the ids to remove from both keys.
  static final byte[] REMOVE =
      bytes(
          "for i = 1, #ARGV do\n"
              + "  redis.call('HDEL', KEYS[1], ARGV[i])\n"
              + "  redis.call('ZREM', KEYS[2], ARGV[i])\n"
              + "end\n"
              + "return #ARGV");
  // ARGV: triples (id, record, score or ''). Adds all of them, or none and returns the first id
  // that is taken.
  static final byte[] ADD_ALL =
      bytes(
          "for i = 1, #ARGV, 3 do\n"
              + "  if redis.call('HEXISTS', KEYS[1], ARGV[i]) == 1 then return ARGV[i] end\n"
              + "end\n"
              + "for i = 1, #ARGV, 3 do\n"
              + "  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])\n"
              + "  if ARGV[i + 2] ~= '' then redis.call('ZADD', KEYS[2], ARGV[i + 2], ARGV[i]) end\n"
              + "end\n"
              + "return ''");
  // ARGV[1] the number n of updates, then n triples (id, record, score or ''), then the ids to
  // delete. A task deleted meanwhile is skipped.
  static final byte[] ADVANCE =
      bytes(
          "local n = tonumber(ARGV[1])\n"
              + "for i = 0, n - 1 do\n"
              + "  local id = ARGV[2 + 3 * i]\n"
              + "  if redis.call('HEXISTS', KEYS[1], id) == 1 then\n"
              + "    redis.call('HSET', KEYS[1], id, ARGV[3 + 3 * i])\n"
              + "    if ARGV[4 + 3 * i] ~= '' then redis.call('ZADD', KEYS[2], ARGV[4 + 3 * i], id)\n"
              + "    else redis.call('ZREM', KEYS[2], id) end\n"
              + "  end\n"
              + "end\n"
              + "for i = 2 + 3 * n, #ARGV do\n"
              + "  redis.call('HDEL', KEYS[1], ARGV[i])\n"
              + "  redis.call('ZREM', KEYS[2], ARGV[i])\n"
              + "end\n"
              + "return 1");
  // KEYS[3] quarantine hash; ARGV[1] id, ARGV[2] the check: 'same' (the record is still the bytes
  // ARGV[3]: a version another client wrote meanwhile stays live), 'longer' (it is still longer
  // than ARGV[3] bytes, which no writer within the size limit makes) or 'any'; ARGV[4] the entry's
  // field up to its number, ARGV[5] the entry's metadata. Copies the record as stored, on the
  // server, before it removes it.
  static final byte[] QUARANTINE =
      bytes(
          "local raw = redis.call('HGET', KEYS[1], ARGV[1])\n"
              + "if not raw then return 0 end\n"
              + "if ARGV[2] == 'same' and raw ~= ARGV[3] then return 0 end\n"
              + "if ARGV[2] == 'longer' and #raw <= tonumber(ARGV[3]) then return 0 end\n"
              + "local n = 0\n"
              + "while redis.call('HEXISTS', KEYS[3], ARGV[4] .. n .. ':' .. ARGV[1]) == 1 do\n"
              + "  n = n + 1\n"
              + "end\n"
              + "redis.call('HSET', KEYS[3], ARGV[4] .. n .. ':' .. ARGV[1], ARGV[5] .. '\\0' .. raw)\n"
              + "redis.call('HDEL', KEYS[1], ARGV[1])\n"
              + "redis.call('ZREM', KEYS[2], ARGV[1])\n"
              + "return 1");
  // KEYS[1] tasks hash; ARGV[1] the read limit, then ids. For each id its record, or its length
  // when that is over the limit (the record stays on the server), or nil when it is not stored.
  static final byte[] READ =
      bytes(
          "local limit = tonumber(ARGV[1])\n"
              + "local out = {}\n"
              + "for i = 2, #ARGV do\n"
              + "  local n = redis.call('HSTRLEN', KEYS[1], ARGV[i])\n"
              + "  if n > limit then out[i - 1] = n\n"
              + "  else out[i - 1] = redis.call('HGET', KEYS[1], ARGV[i]) end\n"
              + "end\n"
              + "return out");
  // ARGV[1] the entry's field, ARGV[2] id, ARGV[3] record, ARGV[4] score or ''. Returns -1 when the
  // entry is gone meanwhile, 0 when the id is live; the entry is deleted only with the task stored.
  static final byte[] RESTORE =
      bytes(
          "if redis.call('HEXISTS', KEYS[3], ARGV[1]) == 0 then return -1 end\n"
              + "if redis.call('HEXISTS', KEYS[1], ARGV[2]) == 1 then return 0 end\n"
              + "redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])\n"
              + "if ARGV[4] ~= '' then redis.call('ZADD', KEYS[2], ARGV[4], ARGV[2]) end\n"
              + "redis.call('HDEL', KEYS[3], ARGV[1])\n"
              + "return 1");

  private RedisScripts() {}

  /** Epoch seconds with the nanoseconds as decimals, as text Redis parses into a double. */
  static byte[] score(Instant instant) {
    return bytes(
        BigDecimal.valueOf(instant.getEpochSecond())
            .add(BigDecimal.valueOf(instant.getNano(), 9))
            .toPlainString());
  }

  /** The bytes of a task id, which may not be empty. */
  static byte[] idBytes(String id) {
    if (id == null || id.isEmpty()) {
      throw new InvalidInputException("task id", id, "is empty");
    }
    return bytes(id);
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String string(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
