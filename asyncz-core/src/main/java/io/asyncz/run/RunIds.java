package io.asyncz.run;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Run ids: 26 characters of Crockford base 32, the first 10 the start time in milliseconds and the
 * other 16 random (80 bits), so ids sort by start time and two processes do not collide (the ULID
 * layout).
 */
public final class RunIds {
  private static final char[] DIGITS = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

  private RunIds() {}

  /** A new run id for a run that starts at {@code epochMillis}. */
  public static String next(long epochMillis) {
    char[] id = new char[26];
    long time = Math.max(0, epochMillis);
    for (int i = 9; i >= 0; i--) {
      id[i] = DIGITS[(int) (time & 31)];
      time >>>= 5;
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = random.nextLong();
    long low = random.nextLong();
    for (int i = 10; i < 18; i++) {
      id[i] = DIGITS[(int) (high & 31)];
      high >>>= 5;
    }
    for (int i = 18; i < 26; i++) {
      id[i] = DIGITS[(int) (low & 31)];
      low >>>= 5;
    }
    return new String(id);
  }
}
