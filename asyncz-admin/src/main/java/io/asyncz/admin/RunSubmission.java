package io.asyncz.admin;

/**
 * The answer to "run now".
 *
 * @param runId the run's id when it is known, else {@code null}
 * @param submitted whether a run was handed to the task's executor
 * @param task the task afterwards, or {@code null} when its schedule finished and it was removed
 */
public record RunSubmission(String runId, boolean submitted, TaskView task) {}
