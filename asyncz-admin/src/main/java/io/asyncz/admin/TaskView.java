package io.asyncz.admin;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A task as every surface shows it (the API's task JSON, field names in snake case).
 *
 * @param id the task's id
 * @param name the task's name
 * @param function the function's reference or registered name
 * @param trigger the trigger
 * @param args the positional arguments
 * @param kwargs the keyword arguments
 * @param executor the executor's alias
 * @param store the store's alias
 * @param state {@code scheduled}, {@code paused} or {@code pending}
 * @param nextRunTime the next run time, or {@code null} when paused
 * @param coalesce whether missed runs collapse into one
 * @param maxInstances how many runs may overlap
 * @param mistriggerGraceTime how late a run may start, in seconds, or {@code null} for no limit
 * @param paused whether the task is paused
 */
public record TaskView(
    String id,
    String name,
    String function,
    TriggerView trigger,
    List<Object> args,
    Map<String, Object> kwargs,
    String executor,
    String store,
    String state,
    Instant nextRunTime,
    boolean coalesce,
    int maxInstances,
    Double mistriggerGraceTime,
    boolean paused) {}
