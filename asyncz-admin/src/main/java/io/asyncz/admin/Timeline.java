package io.asyncz.admin;

import java.time.Instant;
import java.util.List;

/**
 * The coming runs of every task, merged in time order.
 *
 * @param entries the runs
 */
public record Timeline(List<Entry> entries) {

  /**
   * One coming run.
   *
   * @param taskId the task's id
   * @param name the task's name
   * @param runTime when it runs
   */
  public record Entry(String taskId, String name, Instant runTime) {}
}
