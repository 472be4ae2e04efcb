package io.asyncz.history;

import io.asyncz.InvalidInputException;
import java.time.Instant;
import java.util.Comparator;

/**
 * The order of run history, newest first (by start, then by run id, both descending), and the
 * position a paging cursor stands for: what every {@link RunHistory} implementation shares.
 */
public final class RunOrder {
  /** The digits of a run id (Crockford base 32), in the order of their values. */
  static final String DIGITS = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

  /** Newest first: by start, then by run id, both descending. */
  public static final Comparator<RunRecord> NEWEST_FIRST =
      Comparator.comparing(RunRecord::startedAt).thenComparing(RunRecord::runId).reversed();

  private RunOrder() {}

  /**
   * Whether {@code record} comes after the cursor position ({@code cursorStart}, {@code cursorId})
   * in newest-first order, that is, is older.
   */
  public static boolean after(RunRecord record, Instant cursorStart, String cursorId) {
    int byStart = record.startedAt().compareTo(cursorStart);
    return byStart < 0 || (byStart == 0 && record.runId().compareTo(cursorId) < 0);
  }

  /**
   * The start a cursor stands for when the history does not hold its run (never held, or removed by
   * retention): the time its run id carries (run ids are ULIDs, see {@link io.asyncz.run.RunIds}),
   * to the millisecond, which is the precision histories keep starts at.
   *
   * @throws InvalidInputException when the cursor is not a run id
   */
  public static Instant cursorStart(String cursor) {
    if (cursor == null || cursor.length() != 26) {
      throw badCursor(cursor);
    }
    long millis = 0;
    for (int i = 0; i < 10; i++) {
      int digit = DIGITS.indexOf(Character.toUpperCase(cursor.charAt(i)));
      if (digit < 0) {
        throw badCursor(cursor);
      }
      millis = (millis << 5) | digit;
    }
    return Instant.ofEpochMilli(millis);
  }

  /**
   * A run's start as histories keep it: cut to the millisecond, the precision of the time its run
   * id carries, so that a cursor places the run in every store's history ({@link
   * Instant#truncatedTo} does the same, more slowly).
   */
  public static Instant startOf(Instant startedAt) {
    int nano = startedAt.getNano();
    int cut = nano - nano % 1_000_000;
    return cut == nano ? startedAt : Instant.ofEpochSecond(startedAt.getEpochSecond(), cut);
  }

  private static InvalidInputException badCursor(String cursor) {
    return new InvalidInputException(
        "after", cursor, "a run id, as the 'next' cursor of the page before gives it");
  }
}
