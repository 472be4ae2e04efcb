package io.asyncz.micrometer;

import io.micrometer.core.instrument.Tags;

/**
 * The tag values of one run's meters, after the cardinality cap.
 *
 * @param task the task's name, or {@link AsynczMetrics#OTHER} or {@link AsynczMetrics#UNKNOWN}
 * @param executor the executor's alias
 * @param store the store's alias
 * @param taskId the task's id, or {@code null} when ids are not tagged
 */
record RunTags(String task, String executor, String store, String taskId) {

  Tags tags() {
    Tags tags = Tags.of("task", task, "executor", executor, "store", store);
    return taskId == null ? tags : tags.and("task_id", taskId);
  }
}
