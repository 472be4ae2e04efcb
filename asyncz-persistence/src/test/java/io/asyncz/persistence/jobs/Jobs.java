package io.asyncz.persistence.jobs;

/** Functions that stored tasks refer to by {@code io.asyncz.persistence.jobs.Jobs::name}. */
public final class Jobs {
  private Jobs() {}

  /** Takes no arguments. */
  public static void noArguments() {}
}
