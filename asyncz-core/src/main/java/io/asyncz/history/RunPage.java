package io.asyncz.history;

import java.util.List;
import java.util.Optional;

/**
 * One page of runs, newest first.
 *
 * @param runs the runs
 * @param next the cursor for the next page ({@link RunQuery#after(String)}), or {@code null} when
 *     this is the last
 */
public record RunPage(List<RunRecord> runs, String next) {

  /** Copies the list. */
  public RunPage {
    runs = List.copyOf(runs);
  }

  /** The cursor for the next page, if there is one. */
  public Optional<String> nextCursor() {
    return Optional.ofNullable(next);
  }
}
