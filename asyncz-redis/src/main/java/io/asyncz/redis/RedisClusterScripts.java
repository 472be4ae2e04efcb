package io.asyncz.redis;

import static io.asyncz.redis.RedisScripts.bytes;

/**
 * The Lua scripts of the Redis store's cluster mode, each one atomic on the server. Every script
 * gets the same keys, in the order of {@link RedisCluster}'s key list:
 *
 * <ol>
 *   <li>the tasks hash, 2. the run times sorted set (as in single-node mode);
 *   <li value="3">{@code .leases}: the ids leased by a claim, scored by the lease's end (server
 *       microseconds), 4. {@code .lease_info}: id to {@code <score>\n<sha1 of record>\n<token>};
 *   <li value="5">{@code .inflight}: {@code <node>\0<id>\0<run time>} to {@code <claim
 *       token>\0<record as claimed>}, 6. {@code .inflight_nodes}: node to its number of runs in
 *       flight;
 *   <li value="7">{@code .claims}: {@code <id>\0<claim token>} to the runs of that claim still in
 *       flight, 8. {@code .running}: id to the number of its claims with runs in flight;
 *   <li value="9">{@code .cluster}: {@code format}, 10. {@code .nodes}: node to {@code
 *       <started>\n<pid>\n<version>\n<host>}, 11. {@code .seen}: node scored by its last heartbeat,
 *       12. {@code .node_runs}: node to its runs in flight at its last heartbeat.
 * </ol>
 *
 * <p>Times are the server's ({@code TIME}), in microseconds.
 */
final class RedisClusterScripts {
  private static final String PRELUDE =
      "local t = redis.call('TIME')\n"
          + "local now = tonumber(t[1]) * 1000000 + tonumber(t[2])\n"
          + "local function lease(info)\n"
          + "  return string.match(info, '^([^\\n]*)\\n([^\\n]*)\\n(.*)$')\n"
          + "end\n"
          + "local function down(key, field)\n"
          + "  if redis.call('HINCRBY', key, field, -1) <= 0 then redis.call('HDEL', key, field) end\n"
          + "end\n"
          // Ends the run in flight f of node owner and task id, whose value is v.
          + "local function finish(f, owner, id, v)\n"
          + "  local tok = string.sub(v, 1, string.find(v, '\\0', 1, true) - 1)\n"
          + "  redis.call('HDEL', KEYS[5], f)\n"
          + "  down(KEYS[6], owner)\n"
          + "  local c = id .. '\\0' .. tok\n"
          + "  if redis.call('HINCRBY', KEYS[7], c, -1) <= 0 then\n"
          + "    redis.call('HDEL', KEYS[7], c)\n"
          + "    down(KEYS[8], id)\n"
          + "  end\n"
          + "end\n"
          // Gives up the lease of id held by token: the task goes back into the schedule with its
          // score, unless a writer changed or removed its record meanwhile (the writer's own change
          // then stands, schedule included).
          + "local function release(id, token)\n"
          + "  local info = redis.call('HGET', KEYS[4], id)\n"
          + "  if not info then return end\n"
          + "  local score, sha, tok = lease(info)\n"
          + "  if token and tok ~= token then return end\n"
          + "  redis.call('HDEL', KEYS[4], id)\n"
          + "  redis.call('ZREM', KEYS[3], id)\n"
          + "  local rec = redis.call('HGET', KEYS[1], id)\n"
          + "  if rec and redis.sha1hex(rec) == sha then redis.call('ZADD', KEYS[2], score, id) end\n"
          + "end\n";

  /**
   * ARGV[1] the due-by score, [2] the limit, [3] the claim's token, [4] the lease in microseconds,
   * [5] the read limit. First puts back the tasks of expired leases; then leases up to the limit of
   * due tasks (out of the run times, so that no other claim sees them) and returns triples: id,
   * record (or its length when over the read limit: not leased), claims of the task in flight.
   */
  static final byte[] CLAIM =
      bytes(
          PRELUDE
              + "for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now)) do\n"
              + "  release(id, nil)\n"
              + "  redis.call('ZREM', KEYS[3], id)\n"
              + "end\n"
              + "local due = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'WITHSCORES',"
              + " 'LIMIT', 0, tonumber(ARGV[2]))\n"
              + "local limit = tonumber(ARGV[5])\n"
              + "local out = {}\n"
              + "for i = 1, #due, 2 do\n"
              + "  local id = due[i]\n"
              + "  local n = redis.call('HSTRLEN', KEYS[1], id)\n"
              + "  local running = tonumber(redis.call('HGET', KEYS[8], id) or '0')\n"
              + "  if n > limit then\n"
              + "    out[#out + 1] = id; out[#out + 1] = n; out[#out + 1] = running\n"
              + "  elseif n > 0 then\n"
              + "    local rec = redis.call('HGET', KEYS[1], id)\n"
              + "    redis.call('ZREM', KEYS[2], id)\n"
              + "    redis.call('ZADD', KEYS[3], now + tonumber(ARGV[4]), id)\n"
              + "    redis.call('HSET', KEYS[4], id, due[i + 1] .. '\\n' .. redis.sha1hex(rec) .. '\\n'"
              + " .. ARGV[3])\n"
              + "    out[#out + 1] = id; out[#out + 1] = rec; out[#out + 1] = running\n"
              + "  end\n"
              + "end\n"
              + "return out");

  /**
   * ARGV[1] node, [2] the claim's token, then per task: id, action ({@code leave}, {@code next} or
   * {@code delete}), new record, new score or '', the number n of runs handed out, n run times.
   * Writes a task's decision only while the lease is still the token's and its record is the one
   * leased; returns 1 or 0 per task.
   */
  static final byte[] COMMIT =
      bytes(
          PRELUDE
              + "local node, token = ARGV[1], ARGV[2]\n"
              + "local out = {}\n"
              + "local i = 3\n"
              + "while i <= #ARGV do\n"
              + "  local id, action, rec, score = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]\n"
              + "  local n = tonumber(ARGV[i + 4])\n"
              + "  local first = i + 5\n"
              + "  i = first + n\n"
              + "  local ok = 0\n"
              + "  local info = redis.call('HGET', KEYS[4], id)\n"
              + "  if info then\n"
              + "    local was, sha, tok = lease(info)\n"
              + "    if tok == token then\n"
              + "      redis.call('HDEL', KEYS[4], id)\n"
              + "      redis.call('ZREM', KEYS[3], id)\n"
              + "      local stored = redis.call('HGET', KEYS[1], id)\n"
              + "      if stored and redis.sha1hex(stored) == sha then\n"
              + "        ok = 1\n"
              + "        if action == 'leave' then redis.call('ZADD', KEYS[2], was, id)\n"
              + "        elseif action == 'delete' then redis.call('HDEL', KEYS[1], id)\n"
              + "        else\n"
              + "          redis.call('HSET', KEYS[1], id, rec)\n"
              + "          if score ~= '' then redis.call('ZADD', KEYS[2], score, id) end\n"
              + "        end\n"
              + "        if n > 0 then\n"
              + "          for k = first, first + n - 1 do\n"
              + "            local f = node .. '\\0' .. id .. '\\0' .. ARGV[k]\n"
              + "            local old = redis.call('HGET', KEYS[5], f)\n"
              + "            if old then finish(f, node, id, old) end\n"
              + "            redis.call('HSET', KEYS[5], f, token .. '\\0' .. stored)\n"
              + "          end\n"
              + "          redis.call('HINCRBY', KEYS[6], node, n)\n"
              + "          redis.call('HINCRBY', KEYS[7], id .. '\\0' .. token, n)\n"
              + "          redis.call('HINCRBY', KEYS[8], id, 1)\n"
              + "        end\n"
              + "      end\n"
              + "    end\n"
              + "  end\n"
              + "  out[#out + 1] = ok\n"
              + "end\n"
              + "return out");

  /**
   * After a commit whose answer was lost. ARGV[1] node, [2] the node the runs are handed to, [3]
   * the claim's token, then per task: id, n, n run times. A task whose claim committed has its runs
   * in flight moved to the other node (which no live node is, so that the take-over resolves them);
   * the lease of one whose claim did not commit is given up. Returns the runs moved.
   */
  static final byte[] SETTLE =
      bytes(
          PRELUDE
              + "local node, orphan, token = ARGV[1], ARGV[2], ARGV[3]\n"
              + "local moved = 0\n"
              + "local i = 4\n"
              + "while i <= #ARGV do\n"
              + "  local id, n = ARGV[i], tonumber(ARGV[i + 1])\n"
              + "  local first = i + 2\n"
              + "  i = first + n\n"
              + "  if redis.call('HEXISTS', KEYS[7], id .. '\\0' .. token) == 1 then\n"
              + "    for k = first, first + n - 1 do\n"
              + "      local f = node .. '\\0' .. id .. '\\0' .. ARGV[k]\n"
              + "      local v = redis.call('HGET', KEYS[5], f)\n"
              + "      if v and string.sub(v, 1, #token + 1) == token .. '\\0' then\n"
              + "        redis.call('HDEL', KEYS[5], f)\n"
              + "        redis.call('HSET', KEYS[5], orphan .. '\\0' .. id .. '\\0' .. ARGV[k], v)\n"
              + "        down(KEYS[6], node)\n"
              + "        redis.call('HINCRBY', KEYS[6], orphan, 1)\n"
              + "        moved = moved + 1\n"
              + "      end\n"
              + "    end\n"
              + "  else\n"
              + "    release(id, token)\n"
              + "  end\n"
              + "end\n"
              + "return moved");

  /** ARGV[1] node, then pairs: id, run time. Deletes those runs in flight of the node. */
  static final byte[] RUNS_ENDED =
      bytes(
          PRELUDE
              + "local node = ARGV[1]\n"
              + "for i = 2, #ARGV, 2 do\n"
              + "  local f = node .. '\\0' .. ARGV[i] .. '\\0' .. ARGV[i + 1]\n"
              + "  local v = redis.call('HGET', KEYS[5], f)\n"
              + "  if v then finish(f, node, ARGV[i], v) end\n"
              + "end\n"
              + "return 1");

  /**
   * ARGV[1] node, [2] how old a heartbeat is stale, in microseconds. Removes the stale nodes (other
   * than this one) and returns pairs, field and value, of the runs in flight of every node that has
   * none (stale, left or never joined).
   */
  static final byte[] STALE =
      bytes(
          PRELUDE
              + "local cutoff = string.format('%.0f', now - tonumber(ARGV[2]))\n"
              + "for _, n in ipairs(redis.call('ZRANGEBYSCORE', KEYS[11], '-inf', '(' .. cutoff))"
              + " do\n"
              + "  if n ~= ARGV[1] then\n"
              + "    redis.call('HDEL', KEYS[10], n)\n"
              + "    redis.call('ZREM', KEYS[11], n)\n"
              + "    redis.call('HDEL', KEYS[12], n)\n"
              + "  end\n"
              + "end\n"
              + "local dead = {}\n"
              + "local any = false\n"
              + "local counts = redis.call('HGETALL', KEYS[6])\n"
              + "for i = 1, #counts, 2 do\n"
              + "  local n = counts[i]\n"
              + "  if n ~= ARGV[1] and redis.call('HEXISTS', KEYS[10], n) == 0 then\n"
              + "    dead[n] = true\n"
              + "    any = true\n"
              + "  end\n"
              + "end\n"
              + "local out = {}\n"
              + "if any then\n"
              + "  local all = redis.call('HGETALL', KEYS[5])\n"
              + "  for i = 1, #all, 2 do\n"
              + "    local f = all[i]\n"
              + "    local z = string.find(f, '\\0', 1, true)\n"
              + "    if z and dead[string.sub(f, 1, z - 1)] then\n"
              + "      out[#out + 1] = f; out[#out + 1] = all[i + 1]\n"
              + "    end\n"
              + "  end\n"
              + "end\n"
              + "return out");

  /**
   * ARGV[1] node, then quadruples: owner, id, run time, {@code rerun} or {@code report}. A run
   * still in flight under an owner that is not a member is moved to this node (rerun) or ended
   * (report); returns 1 per run so resolved, 0 per run another node resolved first.
   */
  static final byte[] RESOLVE =
      bytes(
          PRELUDE
              + "local node = ARGV[1]\n"
              + "local out = {}\n"
              + "for i = 2, #ARGV, 4 do\n"
              + "  local owner, id, rt = ARGV[i], ARGV[i + 1], ARGV[i + 2]\n"
              + "  local f = owner .. '\\0' .. id .. '\\0' .. rt\n"
              + "  local v = redis.call('HGET', KEYS[5], f)\n"
              + "  if v and redis.call('HEXISTS', KEYS[10], owner) == 0 then\n"
              + "    if ARGV[i + 3] == 'rerun' then\n"
              + "      redis.call('HDEL', KEYS[5], f)\n"
              + "      local g = node .. '\\0' .. id .. '\\0' .. rt\n"
              + "      local old = redis.call('HGET', KEYS[5], g)\n"
              + "      if old then finish(g, node, id, old) end\n"
              + "      redis.call('HSET', KEYS[5], g, v)\n"
              + "      down(KEYS[6], owner)\n"
              + "      redis.call('HINCRBY', KEYS[6], node, 1)\n"
              + "    else\n"
              + "      finish(f, owner, id, v)\n"
              + "    end\n"
              + "    out[#out + 1] = 1\n"
              + "  else\n"
              + "    out[#out + 1] = 0\n"
              + "  end\n"
              + "end\n"
              + "return out");

  /**
   * ARGV[1] node, [2] {@code <pid>\n<version>\n<host>}, [3] this version's format. Writes the
   * format where none is, and refuses a newer one: returns {0, stored format}; else registers the
   * node and returns {1, now}.
   */
  static final byte[] JOIN =
      bytes(
          PRELUDE
              + "redis.call('HSETNX', KEYS[9], 'format', ARGV[3])\n"
              + "local stored = tonumber(redis.call('HGET', KEYS[9], 'format'))\n"
              + "if stored == nil or stored > tonumber(ARGV[3]) then\n"
              + "  return {0, redis.call('HGET', KEYS[9], 'format')}\n"
              + "end\n"
              + "redis.call('HSET', KEYS[10], ARGV[1], string.format('%.0f', now) .. '\\n' .."
              + " ARGV[2])\n"
              + "redis.call('ZADD', KEYS[11], now, ARGV[1])\n"
              + "redis.call('HSET', KEYS[12], ARGV[1], 0)\n"
              + "return {1, now}");

  /** ARGV[1] node, [2] its runs in flight. Returns {1, now}, or {0, now} when it is no member. */
  static final byte[] HEARTBEAT =
      bytes(
          PRELUDE
              + "if redis.call('HEXISTS', KEYS[10], ARGV[1]) == 0 then return {0, now} end\n"
              + "redis.call('ZADD', KEYS[11], now, ARGV[1])\n"
              + "redis.call('HSET', KEYS[12], ARGV[1], ARGV[2])\n"
              + "return {1, now}");

  /** ARGV[1] node. Removes its heartbeat; its runs in flight stay. */
  static final byte[] LEAVE =
      bytes(
          "redis.call('HDEL', KEYS[10], ARGV[1])\n"
              + "redis.call('ZREM', KEYS[11], ARGV[1])\n"
              + "redis.call('HDEL', KEYS[12], ARGV[1])\n"
              + "return 1");

  /** Returns now, then per node: id, its info, last seen (microseconds), runs in flight. */
  static final byte[] MEMBERS =
      bytes(
          PRELUDE
              + "local out = {now}\n"
              + "local all = redis.call('HGETALL', KEYS[10])\n"
              + "for i = 1, #all, 2 do\n"
              + "  out[#out + 1] = all[i]\n"
              + "  out[#out + 1] = all[i + 1]\n"
              + "  out[#out + 1] = redis.call('ZSCORE', KEYS[11], all[i]) or '0'\n"
              + "  out[#out + 1] = redis.call('HGET', KEYS[12], all[i]) or '0'\n"
              + "end\n"
              + "return out");

  private RedisClusterScripts() {}
}
