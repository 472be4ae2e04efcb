package io.asyncz.admin;

import java.time.Instant;
import java.util.List;

/**
 * The scheduler at a glance.
 *
 * @param identity the scheduler's identity
 * @param state {@code running}, {@code paused}, {@code stopped} or {@code failed}
 * @param running whether it has started and not shut down
 * @param startedAt when it started, or {@code null}
 * @param uptimeSeconds how long it has run, or {@code null}
 * @param timezone its zone
 * @param executors its executor aliases
 * @param stores its store aliases
 * @param counts how many tasks: {@code total}, {@code scheduled}, {@code paused}, {@code pending}
 * @param now the scheduler's clock now
 */
public record InfoView(
    String identity,
    String state,
    boolean running,
    Instant startedAt,
    Long uptimeSeconds,
    String timezone,
    List<String> executors,
    List<String> stores,
    Counts counts,
    Instant now) {

  /**
   * Task counts.
   *
   * @param total every task
   * @param scheduled with a next run time
   * @param paused paused
   * @param pending waiting for the scheduler to start
   */
  public record Counts(int total, int scheduled, int paused, int pending) {}
}
