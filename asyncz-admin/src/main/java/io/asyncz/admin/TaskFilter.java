package io.asyncz.admin;

import io.asyncz.InvalidInputException;
import io.asyncz.task.TaskScheduleState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which tasks to list, in which order, and which page.
 *
 * @param q free text searched in id, name, function, trigger, executor, store and state, or {@code
 *     null}
 * @param state {@code scheduled}, {@code paused} or {@code pending}, or {@code null}
 * @param store a store alias, or {@code null}
 * @param executor an executor alias, or {@code null}
 * @param trigger a trigger alias ({@code cron}, {@code interval}, {@code date}, {@code and}, {@code
 *     or}, {@code shutdown}), or {@code null}
 * @param sort one of {@link #SORT_KEYS}
 * @param descending whether to reverse the order
 * @param page the page, from 1
 * @param size the page size, 1 to {@value #MAX_SIZE}
 */
public record TaskFilter(
    String q,
    String state,
    String store,
    String executor,
    String trigger,
    String sort,
    boolean descending,
    int page,
    int size) {

  /** The keys a listing sorts by. */
  public static final List<String> SORT_KEYS =
      List.of("next_run_time", "id", "name", "function", "trigger", "executor", "store", "state");

  /** The largest page. */
  public static final int MAX_SIZE = 200;

  /** The page size when none is given. */
  public static final int DEFAULT_SIZE = 25;

  /** The first page of every task by next run time. */
  public static final TaskFilter ALL =
      new TaskFilter(null, null, null, null, null, "next_run_time", false, 1, DEFAULT_SIZE);

  /**
   * Checks the values.
   *
   * @throws InvalidInputException naming the bad one and listing what is accepted
   */
  public TaskFilter {
    q = blankToNull(q);
    state = blankToNull(state);
    store = blankToNull(store);
    executor = blankToNull(executor);
    trigger = blankToNull(trigger);
    sort = sort == null || sort.isBlank() ? "next_run_time" : sort;
    if (!SORT_KEYS.contains(sort)) {
      throw new InvalidInputException(
          "sort", sort, "is not a sort key; expected one of " + SORT_KEYS);
    }
    if (state != null) {
      try {
        TaskScheduleState.parse(state);
      } catch (RuntimeException e) {
        throw new InvalidInputException(
            "state", state, "is not a task state; expected scheduled, paused or pending");
      }
    }
    if (page < 1) {
      throw new InvalidInputException("page", page, "is out of range; expected 1 or more");
    }
    if (size < 1 || size > MAX_SIZE) {
      throw new InvalidInputException("size", size, "is out of range; expected 1 to " + MAX_SIZE);
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  /**
   * Reads a filter from query parameters ({@code q, state, store, executor, trigger, sort, order,
   * page, size}); unknown parameters are refused.
   *
   * @throws InvalidInputException quoting the bad parameter
   */
  public static TaskFilter fromParameters(Map<String, String> p) {
    for (String key : p.keySet()) {
      if (!List.of("q", "state", "store", "executor", "trigger", "sort", "order", "page", "size")
          .contains(key)) {
        throw new InvalidInputException(
            "parameter",
            key,
            "is unknown; expected q, state, store, executor, trigger, sort, order, page, size");
      }
    }
    String order = p.getOrDefault("order", "asc");
    if (!order.equals("asc") && !order.equals("desc")) {
      throw new InvalidInputException("order", order, "is not an order; expected asc or desc");
    }
    return new TaskFilter(
        p.get("q"),
        p.get("state"),
        p.get("store"),
        p.get("executor"),
        p.get("trigger"),
        p.get("sort"),
        order.equals("desc"),
        Parameters.integer(p, "page", 1),
        Parameters.integer(p, "size", DEFAULT_SIZE));
  }

  /** This filter as query parameters, the inverse of {@link #fromParameters}. */
  public Map<String, String> toParameters() {
    Map<String, String> p = new LinkedHashMap<>();
    putIf(p, "q", q);
    putIf(p, "state", state);
    putIf(p, "store", store);
    putIf(p, "executor", executor);
    putIf(p, "trigger", trigger);
    p.put("sort", sort);
    p.put("order", descending ? "desc" : "asc");
    p.put("page", String.valueOf(page));
    p.put("size", String.valueOf(size));
    return p;
  }

  private static void putIf(Map<String, String> p, String key, String value) {
    if (value != null) {
      p.put(key, value);
    }
  }
}
