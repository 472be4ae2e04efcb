package io.asyncz.admin;

import java.util.List;

/**
 * The outcome of a bulk action, one result per id, in the order given.
 *
 * @param results the results
 */
public record BulkResult(List<Item> results) {

  /**
   * The outcome for one id.
   *
   * @param id the task's id
   * @param ok whether the action succeeded on it
   * @param error why not, or {@code null}
   */
  public record Item(String id, boolean ok, OperationError error) {}
}
